/**
 * Serializable descriptions of models and runs: what crosses the worker boundary and what a
 * permalink encodes. `buildModel` turns a spec into the Model that programs are built from.
 */
import type { LossKind } from './losses';
import { type Activation, conv, type Model, mlp, normalCrossing, toyModel, twoWells, type Well } from './models';
import { type OptimizerConfig, validateOptimizer } from './optimizers';

export type ModelSpec =
  | {
      kind: 'mlp';
      widths: number[];
      activation: Activation;
      initScale?: number;
      bias?: boolean;
    }
  | { kind: 'two-wells'; wells: Well[]; box: number }
  | { kind: 'normal-crossing'; powers: number[]; initBox?: number }
  | { kind: 'toy-superposition'; features: number; hidden: number; initStd?: number; outScale?: number[] }
  | { kind: 'conv'; side: number; filters: number; kernel?: number; outDim: number };

type SpecOf<K extends ModelSpec['kind']> = Extract<ModelSpec, { kind: K }>;

interface ModelKind<K extends ModelSpec['kind']> {
  build(spec: SpecOf<K>): Model;
  /**
   * Specs at the edges of what this kind allows, with the losses each can train on: the tests
   * build and run every program for each, so a new kind is tested the moment it is registered.
   */
  examples: { label: string; spec: SpecOf<K>; losses: LossKind[] }[];
}

/** Every kind of model a spec can name: the one place a new kind is added. */
export const MODEL_KINDS: { [K in ModelSpec['kind']]: ModelKind<K> } = {
  mlp: {
    build: (s) => mlp(s),
    examples: [
      { label: 'no hidden layer, no bias, one input', spec: { kind: 'mlp', widths: [1, 1], activation: 'linear', bias: false }, losses: ['mse', 'half-mse'] },
      { label: 'no hidden layer', spec: { kind: 'mlp', widths: [2, 1], activation: 'linear' }, losses: ['mse', 'bce'] },
      { label: 'a softmax layer', spec: { kind: 'mlp', widths: [2, 3], activation: 'linear' }, losses: ['softmax-ce', 'policy-gradient'] },
      { label: 'deep linear chain', spec: { kind: 'mlp', widths: [1, 1, 1, 1], activation: 'linear', bias: false }, losses: ['mse'] },
      { label: 'tanh without biases', spec: { kind: 'mlp', widths: [2, 4, 1], activation: 'tanh', bias: false }, losses: ['mse', 'bce'] },
      { label: 'quadratic, wide input', spec: { kind: 'mlp', widths: [5, 3, 2], activation: 'quadratic' }, losses: ['softmax-ce'] },
      { label: 'relu, scaled init', spec: { kind: 'mlp', widths: [2, 6, 6, 1], activation: 'relu', initScale: 2 }, losses: ['mse'] },
      { label: 'tanh, two hidden layers', spec: { kind: 'mlp', widths: [2, 16, 16, 1], activation: 'tanh' }, losses: ['mse', 'half-mse', 'bce'] },
    ],
  },
  'two-wells': {
    build: (s) => twoWells(s.wells, s.box),
    examples: [{ label: 'two wells', spec: { kind: 'two-wells', wells: [{ center: [0, 0], width: 0.5 }, { center: [1, 1], width: 1 }], box: 2 }, losses: ['value'] }],
  },
  'normal-crossing': {
    build: (s) => normalCrossing(s.powers, s.initBox),
    examples: [{ label: 'normal crossing', spec: { kind: 'normal-crossing', powers: [1, 2] }, losses: ['mse', 'half-mse'] }],
  },
  'toy-superposition': {
    build: (s) => toyModel(s),
    examples: [
      { label: 'toy model of superposition, 6 features in 2 dimensions', spec: { kind: 'toy-superposition', features: 6, hidden: 2 }, losses: ['mse', 'half-mse'] },
      { label: 'toy model of superposition, weighted outputs', spec: { kind: 'toy-superposition', features: 5, hidden: 3, initStd: 0.5, outScale: [2, 1.5, 1, 0.5, 0.25] }, losses: ['mse'] },
    ],
  },
  conv: {
    build: (s) => conv(s),
    examples: [
      { label: 'convolution, one 2×2 filter on 3×3 images', spec: { kind: 'conv', side: 3, filters: 1, kernel: 2, outDim: 1 }, losses: ['mse', 'bce'] },
      { label: 'convolution, three 3×3 filters on 5×5 images, two outputs', spec: { kind: 'conv', side: 5, filters: 3, outDim: 2 }, losses: ['softmax-ce', 'mse'] },
    ],
  },
};

export function buildModel(spec: ModelSpec): Model {
  const kind = MODEL_KINDS[spec.kind] as ModelKind<ModelSpec['kind']> | undefined;
  if (!kind) throw new RangeError(`unknown kind of model "${(spec as { kind: string }).kind}"`);
  return kind.build(spec as never);
}

/** Every registered example spec, for tests that iterate all kinds of model. */
export function modelExamples(): { label: string; spec: ModelSpec; losses: LossKind[] }[] {
  return Object.values(MODEL_KINDS).flatMap((k) => k.examples as { label: string; spec: ModelSpec; losses: LossKind[] }[]);
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
  /**
   * Each member trains on rows of its own: member e on rows [e·n/E, (e+1)·n/E) of the data (n a
   * multiple of E). For data a member generates itself, such as its own rollouts (LabRun.setData).
   */
  memberRows?: boolean;
  /**
   * The loss is a surrogate whose value says nothing about fit (a policy gradient's): no verdict of
   * convergence is drawn from it; divergence is still caught.
   */
  surrogate?: boolean;
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
  if (spec.memberRows) {
    if (spec.sharedOrder) return 'members cannot both share one batch order and train on rows of their own';
    if (data.n % E !== 0) return `${data.n} rows cannot be split evenly between ${E} members`;
    if (!(spec.batch >= 1 && spec.batch <= data.n / E)) return `batch size must be between 1 and ${data.n / E} (each member's rows)`;
  }
  if (!(spec.batch >= 1 && spec.batch <= data.n)) return `batch size must be between 1 and ${data.n}`;
  const lrs = Array.isArray(spec.lr) ? spec.lr : [spec.lr];
  if (Array.isArray(spec.lr) && spec.lr.length !== E) return `${spec.lr.length} learning rates for ${E} members`;
  if (lrs.some((l) => !Number.isFinite(l) || l <= 0)) return 'learning rate must be a positive number';
  if (!(spec.fused >= 1 && spec.steps >= 1)) return 'steps must be positive';
  const optimizer = validateOptimizer(spec.optimizer);
  if (optimizer) return optimizer;
  return null;
}
