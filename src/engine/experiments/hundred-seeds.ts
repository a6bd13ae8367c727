/**
 * "A hundred seeds at once": the reader's own version of McCoy, Min & Linzen (2020). N small MLPs
 * train on the same two-cue data and differ only in initialization and/or batch order. Each is
 * then tested in distribution and on cue-conflict inputs, where x₀ and x₁ point opposite ways;
 * the fraction of conflict inputs on which a model sides with x₀ shows which cue it learned.
 */
import { twoCue } from '../datasets';
import { claim, classPoints, defineExperiment, type TrainingData } from '../experiment';
import type { FieldTable } from '../fields';
import type { RunPlan } from '../lab';
import type { Dataset } from '../spec';
import { maxOf, mean, minOf } from '../stats';

export interface TwoCueSettings {
  /** Number of models (ensemble members); member i uses seed + i. */
  members: number;
  seed: number;
  /** Vary initialization across members (else all share the first seed's init). */
  varyInit: boolean;
  /** Vary batch order across members (else all share one order). */
  varyOrder: boolean;
  lr: number;
  steps: number;
  /** Hidden units (default 16). */
  hidden?: number;
  /** Training examples (default 256). */
  n?: number;
}

const NOISE_DIMS = 2;
/** The dataset is fixed (seed 2020) so that only the members' seeds differ between runs. */
const DATA_SEED = 2020;

/** The two-cue run chapter 1's figures share, with its in-distribution 'test' and 'conflict' sets. */
export function twoCuePlan(c: TwoCueSettings): RunPlan {
  const seeds = Array.from({ length: c.members }, (_, i) => c.seed + i);
  const test = twoCue({ n: 512, seed: DATA_SEED + 1, noiseDims: NOISE_DIMS });
  const conflict = twoCue({ n: 512, seed: DATA_SEED + 2, noiseDims: NOISE_DIMS, conflict: true });
  return {
    spec: {
      model: { kind: 'mlp', widths: [2 + NOISE_DIMS, c.hidden ?? 16, 1], activation: 'relu' },
      loss: 'bce',
      optimizer: { kind: 'sgd' },
      lr: c.lr,
      initSeeds: c.varyInit ? seeds : seeds.map(() => c.seed),
      orderSeeds: c.varyOrder ? seeds : seeds.map(() => c.seed),
      sharedOrder: !c.varyOrder,
      batch: 16,
      fused: 10,
      steps: c.steps,
    },
    data: twoCue({ n: c.n ?? 256, seed: DATA_SEED, noiseDims: NOISE_DIMS }),
    evals: [
      { name: 'test', data: test, loss: 'bce' },
      { name: 'conflict', data: conflict, loss: 'bce' },
    ],
  };
}

/** The two-cue training set as the figures show it (its first two inputs; the distractors are noise). */
export function twoCueTrainingData(n = 256): TrainingData {
  return {
    kind: 'classes',
    ...classPoints(twoCue({ n, seed: DATA_SEED, noiseDims: NOISE_DIMS })),
    classes: ['y = 0', 'y = 1'],
    xTitle: 'x₀ (cue 1)',
    yTitle: 'x₁ (cue 2)',
    note: `The ${n} training examples, the same for every seed. Either cue alone separates the classes; the ${NOISE_DIMS} further inputs are noise and not drawn. No training example has the cues disagree (top-left and bottom-right are empty).`,
  };
}

/** Inputs for the decision-boundary picture: a grid over (x₀, x₁), distractor dimensions at 0. */
export const BOUNDARY_RES = 41;
export const BOUNDARY_EXTENT = 1.2;
export function boundaryGrid(inDim: number): Float32Array {
  const X = new Float32Array(BOUNDARY_RES * BOUNDARY_RES * inDim);
  for (let r = 0; r < BOUNDARY_RES; r++)
    for (let c = 0; c < BOUNDARY_RES; c++) {
      const i = r * BOUNDARY_RES + c;
      X[i * inDim] = -BOUNDARY_EXTENT + (2 * BOUNDARY_EXTENT * c) / (BOUNDARY_RES - 1);
      X[i * inDim + 1] = BOUNDARY_EXTENT - (2 * BOUNDARY_EXTENT * r) / (BOUNDARY_RES - 1);
    }
  return X;
}

export interface LabelledPoint {
  x: number;
  y: number;
  label: number;
}

/** The first `max` examples' two cue coordinates and labels, to draw. */
export function cuePoints(data: Dataset, max = 160): LabelledPoint[] {
  return Array.from({ length: Math.min(data.n, max) }, (_, i) => ({ x: data.X[i * data.inDim], y: data.X[i * data.inDim + 1], label: data.Y[i] }));
}

const fields = {
  members: { kind: 'int', default: 100, min: 1, max: 500, label: 'Models' },
  lr: { kind: 'float', default: 0.1, min: 1e-4, max: 1e4, label: 'Learning rate' },
  steps: { kind: 'int', default: 600, min: 10, max: 5000, step: 10, label: 'Steps' },
  varyInit: { kind: 'bool', default: true, label: 'different initializations' },
  varyOrder: { kind: 'bool', default: true, label: 'different batch orders' },
} satisfies FieldTable;

export interface HundredSeedsFigure {
  /** In-distribution test accuracy per seed. */
  testAcc: Float32Array;
  /** Fraction of cue-conflict inputs on which each seed sides with x₀. */
  followsX0: Float32Array;
  trainPoints: LabelledPoint[];
  /** The selected seed's logits on the boundary grid (BOUNDARY_RES², row-major from the top). */
  boundary: { member: number; logits: Float32Array };
}

export const hundredSeeds = defineExperiment<HundredSeedsFigure>()({
  id: 'hundred-seeds',
  title: 'A hundred seeds at once',
  fields,
  metrics: {
    step: 'training steps done',
    loss: 'mean across seeds of the training loss (binary cross-entropy) on the latest step’s batch, at the weights before that step’s update',
    members: 'number of seeds trained',
    accMin: 'lowest in-distribution test accuracy of any seed',
    accMax: 'highest in-distribution test accuracy of any seed',
    x0Min: 'smallest fraction of cue-conflict inputs on which a seed sides with x₀',
    x0Max: 'largest fraction of cue-conflict inputs on which a seed sides with x₀',
  },
  small: { members: 4, steps: 20 },
  trainingData: () => twoCueTrainingData(),
  claims: (m) => [
    ...claim(m.accMin > 0.95, `every seed should be accurate in distribution (worst ${m.accMin})`),
    ...claim(m.accMax - m.accMin < 0.05, `in-distribution accuracies should agree (spread ${m.accMax - m.accMin})`),
    ...claim(m.x0Max - m.x0Min > 0.5, `cue-conflict behaviour should vary widely across seeds (range ${m.x0Max - m.x0Min})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const plan = twoCuePlan(c);
    ctx.report({ figure: { trainPoints: cuePoints(plan.data) } });
    const run = await ctx.lab.start(plan);
    const inDim = plan.data.inDim;
    const cells = BOUNDARY_RES * BOUNDARY_RES;
    let selected: number | null = null;
    const drawBoundary = async () => {
      if (selected === null) return;
      const pred = await run.predict(boundaryGrid(inDim), cells);
      ctx.report({ figure: { boundary: { member: selected, logits: pred.slice(selected * cells, (selected + 1) * cells) } } });
    };
    ctx.action<{ member: number }>('select', async ({ member }) => {
      if (!(Number.isInteger(member) && member >= 0 && member < run.members)) throw new RangeError(`there is no seed #${member}; pick 0–${run.members - 1}`);
      if (run.diverged.includes(member)) throw new RangeError(`seed #${member} diverged and has no boundary to draw; pick another`);
      selected = member;
      await drawBoundary();
    });
    await run.trainTo(c.steps, async (chunk) => {
      const [test, conflict] = await run.evaluate(['test', 'conflict']);
      ctx.report({
        metrics: {
          step: chunk.step,
          loss: mean(chunk.loss),
          members: run.members,
          accMin: minOf(test.acc!),
          accMax: maxOf(test.acc!),
          x0Min: minOf(conflict.acc!),
          x0Max: maxOf(conflict.acc!),
        },
        figure: { testAcc: test.acc!, followsX0: conflict.acc! },
      });
    });
    await drawBoundary();
  },
});
