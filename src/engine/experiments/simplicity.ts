/**
 * Simplicity bias (Shah et al. 2020, "The Pitfalls of Simplicity Bias"). The data have one linear
 * coordinate and several 5-slab coordinates (datasets.ts, linearSlabs), each alone enough to
 * classify perfectly. An MLP trained from several seeds reaches ~100% on clean test data; then each
 * feature's use is read off by destroying it: shuffling the linear coordinate across test examples
 * drops every seed to chance, shuffling all the slab coordinates changes nothing. The network uses
 * the simplest feature only, though the others would have served as well. (Shah et al. report AUCs
 * of 1.000 / 0.507 / 1.000 for the same three test sets.)
 */
import { linearSlabs, randomizeColumns } from '../datasets';
import { claim, classPoints, type ConfigFor, defineExperiment, type TrainingData } from '../experiment';
import type { FieldTable } from '../fields';
import type { RunPlan } from '../lab';
import { maxOf, mean, minOf } from '../stats';

/** Training and test examples (balanced classes). */
export const TRAIN_N = 2000;
export const TEST_N = 1000;
/** Examples the scatter draws (the first of the training set). */
export const SCATTER_N = 400;

const fields = {
  members: { kind: 'int', default: 16, min: 1, max: 64, label: 'Models (seeds)' },
  slabs: { kind: 'int', default: 9, min: 1, max: 20, label: 'Slab coordinates' },
  width: { kind: 'int', default: 50, min: 4, max: 200, label: 'Hidden units per layer' },
  depth: { kind: 'int', default: 2, min: 1, max: 4, label: 'Hidden layers' },
  steps: { kind: 'int', default: 1000, min: 20, max: 10000, step: 20, label: 'Steps' },
  lr: { kind: 'float', default: 0.1, min: 1e-4, max: 10, label: 'Learning rate (SGD)' },
} satisfies FieldTable;

/** A run's settings, as the field table types them (the seed included). */
export type SimplicityConfig = ConfigFor<typeof fields>;

/** The data are drawn from the seed; member i trains from seed + i on them. */
export function simplicityPlan(c: SimplicityConfig): RunPlan {
  const data = linearSlabs({ n: TRAIN_N, seed: c.seed, slabs: c.slabs });
  const test = linearSlabs({ n: TEST_N, seed: c.seed + 7919, slabs: c.slabs });
  const slabColumns = Array.from({ length: c.slabs }, (_, j) => 1 + j);
  return {
    spec: {
      model: { kind: 'mlp', widths: [1 + c.slabs, ...Array.from({ length: c.depth }, () => c.width), 1], activation: 'relu' },
      loss: 'bce',
      optimizer: { kind: 'sgd' },
      lr: c.lr,
      initSeeds: Array.from({ length: c.members }, (_, i) => c.seed + i),
      batch: 32,
      fused: 20,
      steps: c.steps,
    },
    data,
    evals: [
      { name: 'clean', data: test, loss: 'bce' },
      { name: 'linearRandomized', data: randomizeColumns(test, [0], c.seed), loss: 'bce' },
      { name: 'slabsRandomized', data: randomizeColumns(test, slabColumns, c.seed), loss: 'bce' },
    ],
  };
}

export function simplicityTrainingData(c: Pick<SimplicityConfig, 'seed' | 'slabs'>): TrainingData {
  return {
    kind: 'classes',
    ...classPoints(linearSlabs({ n: TRAIN_N, seed: c.seed, slabs: c.slabs })),
    classes: ['y = 0', 'y = 1'],
    xTitle: 'x₀ (linear)',
    yTitle: 'x₁ (first 5-slab)',
    note: `The ${TRAIN_N} training examples in their linear coordinate and their first slab coordinate; the other ${c.slabs - 1} slab coordinates look like x₁ and are not drawn. Either axis alone separates the classes: x₀ with one cut at 0, x₁ only with four.`,
  };
}

export interface SimplicityFigure {
  /** Per member: accuracy on clean test data, with x₀ shuffled, with every slab shuffled. */
  accClean: Float32Array;
  accLinearRandomized: Float32Array;
  accSlabsRandomized: Float32Array;
  /** The first SCATTER_N training examples: (x₀, x₁) pairs and labels. */
  points: { x: number; y: number; label: number }[];
}

export const simplicity = defineExperiment<SimplicityFigure>()({
  id: 'simplicity',
  title: 'Simplicity bias: one feature used, many ignored',
  fields,
  metrics: {
    step: 'training steps done',
    loss: 'mean across seeds of the training loss (binary cross-entropy) on the latest step’s batch, at the weights before that step’s update',
    accClean: 'mean across seeds of the accuracy on clean test data (0–1)',
    accCleanMin: 'lowest clean test accuracy of any seed',
    accCleanMax: 'highest clean test accuracy of any seed',
    accLinearRandomized: 'mean across seeds of the test accuracy with the linear coordinate shuffled across examples (chance is 0.5)',
    accLinearRandomizedMin: 'lowest accuracy of any seed with the linear coordinate shuffled',
    accLinearRandomizedMax: 'highest accuracy of any seed with the linear coordinate shuffled',
    accSlabsRandomized: 'mean across seeds of the test accuracy with every slab coordinate shuffled across examples',
    accSlabsRandomizedMin: 'lowest accuracy of any seed with the slab coordinates shuffled',
    accSlabsRandomizedMax: 'highest accuracy of any seed with the slab coordinates shuffled',
  },
  small: { members: 2, steps: 40, width: 16 },
  trainingData: (c) => simplicityTrainingData(c),
  claims: (m) => [
    ...claim(m.accCleanMin >= 0.99, `every seed should classify clean test data almost perfectly (worst ${m.accCleanMin})`),
    ...claim(m.accLinearRandomized >= 0.45 && m.accLinearRandomized <= 0.55, `with the linear coordinate shuffled the seeds should fall to chance (mean ${m.accLinearRandomized})`),
    ...claim(m.accSlabsRandomizedMin >= 0.98, `shuffling every slab coordinate should change nothing (worst ${m.accSlabsRandomizedMin})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const plan = simplicityPlan(c);
    const d = plan.data;
    ctx.report({
      figure: { points: Array.from({ length: Math.min(SCATTER_N, d.n) }, (_, i) => ({ x: d.X[i * d.inDim], y: d.X[i * d.inDim + 1], label: d.Y[i] })) },
    });
    const run = await ctx.lab.start(plan);
    await run.trainTo(c.steps, async (chunk) => {
      const [clean, lin, slabs] = await run.evaluate(['clean', 'linearRandomized', 'slabsRandomized']);
      ctx.report({
        metrics: {
          step: chunk.step,
          loss: mean(chunk.loss),
          accClean: mean(clean.acc!),
          accCleanMin: minOf(clean.acc!),
          accCleanMax: maxOf(clean.acc!),
          accLinearRandomized: mean(lin.acc!),
          accLinearRandomizedMin: minOf(lin.acc!),
          accLinearRandomizedMax: maxOf(lin.acc!),
          accSlabsRandomized: mean(slabs.acc!),
          accSlabsRandomizedMin: minOf(slabs.acc!),
          accSlabsRandomizedMax: maxOf(slabs.acc!),
        },
        figure: { accClean: clean.acc!, accLinearRandomized: lin.acc!, accSlabsRandomized: slabs.acc! },
      });
    });
  },
});
