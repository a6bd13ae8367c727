/**
 * "Flat versus sharp" (Keskar et al. 2017): the same classifier trained with small and large
 * batches, at a small and a large learning rate. For each: the top Hessian eigenvalue at the end,
 * the training loss under filter-normalized random perturbations of growing radius, and test
 * accuracy. The gradient-noise scale η/B is what differs between the conditions.
 */
import { filterNormalizedDirection } from '../analysis/landscape';
import { spirals } from '../datasets';
import { claim, classPoints, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import { memberParams, type RunPlan } from '../lab';
import type { Model } from '../models';
import { makeRng } from '../random';
import { mean } from '../stats';

export interface FlatSharpCondition {
  id: 'smallBatchLowLr' | 'largeBatchLowLr' | 'smallBatchHighLr' | 'largeBatchHighLr';
  batch: number;
  lr: number;
}

export const FLAT_SHARP_CONDITIONS: FlatSharpCondition[] = [
  { id: 'smallBatchLowLr', batch: 16, lr: 0.05 },
  { id: 'largeBatchLowLr', batch: 512, lr: 0.05 },
  { id: 'smallBatchHighLr', batch: 16, lr: 0.5 },
  { id: 'largeBatchHighLr', batch: 512, lr: 0.5 },
];

export const PERTURBATION_RADII = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
const DIRECTIONS = 4;

export function flatSharpPlan(cond: FlatSharpCondition, c: { seed: number; members: number; steps: number; lrScale: number }): RunPlan {
  const data = spirals({ n: 512, seed: 7, noise: 0.2 });
  return {
    data,
    evals: [{ name: 'test', data: spirals({ n: 512, seed: 8, noise: 0.2 }), loss: 'softmax-ce' }],
    spec: {
      model: { kind: 'mlp', widths: [2, 32, 32, 3], activation: 'relu' },
      loss: 'softmax-ce',
      optimizer: { kind: 'sgd' },
      lr: cond.lr * c.lrScale,
      initSeeds: Array.from({ length: c.members }, (_, i) => c.seed + i),
      batch: Math.min(cond.batch, data.n),
      fused: 20,
      steps: c.steps,
    },
  };
}

/** Random filter-normalized directions (each ‖d_filter‖ = ‖θ_filter‖): a radius r perturbs every filter by r of its norm. */
export function perturbationDirections(model: Model, theta: Float32Array, count: number, seed: number): Float32Array[] {
  const rng = makeRng(seed);
  return Array.from({ length: count }, (_, i) => filterNormalizedDirection(model, theta, rng.fork(i)));
}

export interface FlatSharpRow {
  id: string;
  batch: number;
  lr: number;
  /** Per seed. */
  sharpness: number[] | null;
  trainLoss: number | null;
  testAcc: number | null;
  /** Mean training loss at each PERTURBATION_RADII. */
  perturbed: Float32Array | null;
}

const fields = {
  members: { kind: 'int', default: 3, min: 1, max: 20, label: 'Seeds per condition' },
  steps: { kind: 'int', default: 3000, min: 20, max: 20000, step: 100, label: 'Steps' },
  lrScale: { kind: 'float', default: 1, min: 1e-3, max: 1e4, label: 'Learning-rate multiplier', unit: '×' },
  iters: { kind: 'int', default: 40, min: 3, max: 200, label: 'Power iterations' },
} satisfies FieldTable;

type Metric = 'condition' | `${FlatSharpCondition['id']}${'Sharpness' | 'TestAcc'}`;

export const flatSharp = defineExperiment<{ rows: FlatSharpRow[]; radii: number[] }>()({
  id: 'flat-sharp',
  title: 'Flat versus sharp',
  fields,
  metrics: {
    condition: 'index of the condition training now (0–3)',
    ...(Object.fromEntries(
      FLAT_SHARP_CONDITIONS.flatMap((k) => [
        [`${k.id}Sharpness`, `mean top Hessian eigenvalue at the end: batch ${k.batch}, η ${k.lr} (× the multiplier)`],
        [`${k.id}TestAcc`, `mean test accuracy: batch ${k.batch}, η ${k.lr} (× the multiplier)`],
      ]),
    ) as Record<Exclude<Metric, 'condition'>, string>),
  },
  small: { members: 1, steps: 20, iters: 4 },
  trainingData: (c) => {
    const d = flatSharpPlan(FLAT_SHARP_CONDITIONS[0], c).data;
    return { kind: 'classes', ...classPoints(d), classes: ['arm 1', 'arm 2', 'arm 3'], xTitle: 'input x₁', yTitle: 'input x₂', note: `The ${d.n} training points: three noisy spiral arms, one class each (the test set is 512 more from the same distribution).` };
  },
  claims: (m) => [
    ...claim(m.smallBatchHighLrSharpness < 0.5 * m.largeBatchHighLrSharpness, `small batches at a large step should end flatter (${m.smallBatchHighLrSharpness} vs ${m.largeBatchHighLrSharpness})`),
    ...claim(m.smallBatchHighLrTestAcc > 0.9, `and still generalize (test accuracy ${m.smallBatchHighLrTestAcc})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const rows: FlatSharpRow[] = FLAT_SHARP_CONDITIONS.map((k) => ({ ...k, lr: k.lr * c.lrScale, sharpness: null, trainLoss: null, testAcc: null, perturbed: null }));
    ctx.report({ figure: { rows: [...rows], radii: PERTURBATION_RADII } });
    for (const [i, cond] of FLAT_SHARP_CONDITIONS.entries()) {
      ctx.report({ metrics: { condition: i } });
      const n = FLAT_SHARP_CONDITIONS.length;
      const run = await ctx.lab.start(flatSharpPlan(cond, c), { share: [i / n, (i + 1) / n] });
      await run.trainTo(c.steps);
      // per seed; NaN for a diverged seed (mean skips it)
      const sharpness: number[] = [];
      for (let e = 0; e < run.members; e++) sharpness.push((await run.sharpness(e, { iters: c.iters, seed: e })).value);
      // the perturbations go around the first seed that did not diverge (a run with none left has thrown)
      const first = Array.from({ length: run.members }, (_, e) => e).find((e) => !run.diverged.includes(e)) ?? 0;
      const theta = memberParams(await run.params(), first, run.model.size);
      const perturbed = new Float32Array(PERTURBATION_RADII.length);
      const coords = new Float32Array(PERTURBATION_RADII.flatMap((rad) => [rad, 0]));
      const zero = new Float32Array(run.model.size);
      const dirs = perturbationDirections(run.model, theta, DIRECTIONS, c.seed);
      for (const d of dirs) (await run.plane('train', theta, d, zero, coords)).loss.forEach((v, j) => (perturbed[j] += v / dirs.length));
      const [test, train] = await run.evaluate(['test', 'train']);
      await run.release();
      rows[i] = { ...rows[i], sharpness, trainLoss: mean(train.loss), testAcc: mean(test.acc!), perturbed };
      ctx.report({ metrics: { [`${cond.id}Sharpness`]: mean(sharpness), [`${cond.id}TestAcc`]: mean(test.acc!) }, figure: { rows: [...rows] } });
    }
  },
});
