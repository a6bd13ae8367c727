/**
 * "The landscape around your weights": a small ReLU classifier on three spirals, and the
 * directions of a 2-D slice through its current weights (Li et al. 2018): filter-normalized random
 * directions, raw random directions, or the top two PCA directions of the training trajectory.
 */
import { filterNormalizedDirection, pcaDirections, rescaleLayers } from '../analysis/landscape';
import { spirals } from '../datasets';
import { buildModel, type Dataset, type RunSpec } from '../spec';
import { makeRng } from '../random';

export type SliceMode = 'filter' | 'raw' | 'pca';

export interface LandscapeConfig {
  seed: number;
  lr: number;
  steps: number;
  /** Slice through weights whose first layer is scaled by this and second by its inverse. */
  rescale: number;
}

export const LANDSCAPE_DEFAULTS: LandscapeConfig = { seed: 1, lr: 0.01, steps: 800, rescale: 1 };
export const SLICE_SIDE = 64;
export const SLICE_EXTENT = 1;

export function landscapeExperiment(c: LandscapeConfig): { spec: RunSpec; data: Dataset } {
  const data = spirals({ n: 150, seed: 7, noise: 0.15 });
  return {
    data,
    spec: {
      model: { kind: 'mlp', widths: [2, 16, 16, 3], activation: 'relu' },
      loss: 'softmax-ce',
      optimizer: { kind: 'adam' },
      lr: c.lr,
      initSeeds: [c.seed],
      batch: 50,
      fused: 10,
      steps: c.steps,
    },
  };
}

/** The slice's centre and directions for a mode (trajectory: snapshots of one member's θ). */
export function sliceFrame(spec: RunSpec, theta: Float32Array, mode: SliceMode, trajectory: Float32Array[], rescale: number, seed: number) {
  const model = buildModel(spec.model);
  const center = rescale === 1 ? theta : rescaleLayers(model, theta, 0, rescale);
  if (mode === 'pca' && trajectory.length >= 3) {
    const traj = rescale === 1 ? trajectory : trajectory.map((t) => rescaleLayers(model, t, 0, rescale));
    const p = pcaDirections(traj, center);
    return { center, d1: p.d1, d2: p.d2, path: p.coords, explained: p.explained };
  }
  const rng = makeRng(seed);
  const normalize = mode !== 'raw';
  return {
    center,
    d1: filterNormalizedDirection(model, center, rng.fork(1), normalize),
    d2: filterNormalizedDirection(model, center, rng.fork(2), normalize),
    path: [] as [number, number][],
    explained: [] as number[],
  };
}
