/**
 * "Flat versus sharp" (Keskar et al. 2017): the same classifier trained with small and large
 * batches, at a small and a large learning rate. For each: the top Hessian eigenvalue at the end,
 * the training loss under filter-normalized random perturbations of growing radius, and test
 * accuracy. The gradient-noise scale η/B is what differs between the conditions.
 */
import { filterNormalizedDirection } from '../analysis/landscape';
import { spirals } from '../datasets';
import type { Model } from '../models';
import { makeRng } from '../random';
import type { Dataset, RunSpec } from '../spec';

export interface FlatSharpCondition {
  id: string;
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

export function flatSharpExperiment(cond: FlatSharpCondition, opts: { seed: number; members: number; steps: number; lrScale?: number }): {
  spec: RunSpec;
  data: Dataset;
  test: Dataset;
} {
  const data = spirals({ n: 512, seed: 7, noise: 0.2 });
  return {
    data,
    test: spirals({ n: 512, seed: 8, noise: 0.2 }),
    spec: {
      model: { kind: 'mlp', widths: [2, 32, 32, 3], activation: 'relu' },
      loss: 'softmax-ce',
      optimizer: { kind: 'sgd' },
      lr: cond.lr * (opts.lrScale ?? 1),
      initSeeds: Array.from({ length: opts.members }, (_, i) => opts.seed + i),
      batch: Math.min(cond.batch, data.n),
      fused: 20,
      steps: opts.steps,
    },
  };
}

/** Random filter-normalized directions (each ‖d_filter‖ = ‖θ_filter‖): a radius r perturbs every filter by r of its norm. */
export function perturbationDirections(model: Model, theta: Float32Array, count: number, seed: number): Float32Array[] {
  const rng = makeRng(seed);
  return Array.from({ length: count }, (_, i) => filterNormalizedDirection(model, theta, rng.fork(i)));
}
