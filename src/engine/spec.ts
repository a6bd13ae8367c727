/**
 * Serializable descriptions of models and runs: what crosses the worker boundary and what a
 * permalink encodes. `buildModel` turns a spec into the Model that programs are built from.
 */
import type { LossKind } from './losses';
import { type Activation, type Model, mlp, twoWells, type Well } from './models';
import type { OptimizerConfig } from './optimizers';

export type ModelSpec =
  | {
      kind: 'mlp';
      widths: number[];
      activation: Activation;
      initScale?: number;
      bias?: boolean;
    }
  | { kind: 'two-wells'; wells: Well[]; box: number };

export function buildModel(spec: ModelSpec): Model {
  switch (spec.kind) {
    case 'mlp':
      return mlp(spec);
    case 'two-wells':
      return twoWells(spec.wells, spec.box);
  }
}

export interface Dataset {
  /** Row-major inputs [n, inDim]. */
  X: Float32Array;
  /** Row-major targets [n, outDim] (one-hot for softmax-ce, 0/1 for bce). */
  Y: Float32Array;
  n: number;
  inDim: number;
  outDim: number;
}

/** A dataset every member is evaluated on at each report (e.g. a held-out or cue-conflict set). */
export interface EvalSet {
  name: string;
  data: Dataset;
  loss: LossKind;
}

export interface RunSpec {
  model: ModelSpec;
  loss: LossKind;
  optimizer: OptimizerConfig;
  /** One learning rate for all members, or one per member. */
  lr: number | number[];
  /** One init seed per member; E = initSeeds.length. */
  initSeeds: number[];
  /** One batch-order seed per member (defaults to initSeeds). */
  orderSeeds?: number[];
  /** Every member sees the same batch sequence (that of orderSeeds[0]). */
  sharedOrder?: boolean;
  batch: number;
  /** Steps fused per call. */
  fused: number;
  /** Total steps to train. */
  steps: number;
}

/** A clear message for a spec that cannot run, or null when it can. */
export function validateRun(spec: RunSpec, data: Dataset): string | null {
  const model = buildModel(spec.model);
  const E = spec.initSeeds.length;
  if (E < 1) return 'no ensemble members selected';
  if (model.inDim !== data.inDim || model.outDim !== data.outDim) {
    return `model ${model.inDim}→${model.outDim} does not fit data ${data.inDim}→${data.outDim}`;
  }
  if (!(spec.batch >= 1 && spec.batch <= data.n)) return `batch size must be between 1 and ${data.n}`;
  const lrs = Array.isArray(spec.lr) ? spec.lr : [spec.lr];
  if (Array.isArray(spec.lr) && spec.lr.length !== E) return `${spec.lr.length} learning rates for ${E} members`;
  if (lrs.some((l) => !Number.isFinite(l) || l <= 0)) return 'learning rate must be a positive number';
  if (!(spec.fused >= 1 && spec.steps >= 1)) return 'steps must be positive';
  return null;
}
