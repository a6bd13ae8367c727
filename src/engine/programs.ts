/**
 * Graph transformations of one model definition into the programs the book runs:
 *
 *   trainStepGraph    θ, state, data, batch indices, lr, t → θ', state', the last step's loss at θ before its update (K fused, E members)
 *   evalGraph         θ, data → loss, accuracy per member
 *   predictGraph      θ, x → model outputs per member (decision boundaries, function fans)
 *   gridGraph         θ₀, d₁, d₂, (a, b)ᵍ, data → loss and accuracy at θ₀ + a·d₁ + b·d₂
 *   gradientGraph     θ, data, batch indices → ∇L(θ), loss (Hessian-vector products, SGLD)
 *
 * Conventions: θ is [E, P] (ensemble members share nothing but the graph); data X [N, in] and
 * Y [N, out] are whole datasets and batches are chosen in-graph by int32 indices, so a call
 * sends a few kilobytes of indices, not batches of floats. Every output is float: no int64.
 */
import { grad } from './autodiff';
import { type DType, Graph, type Tensor } from './graph';
import { accuracy, type LossKind, lossFor } from './losses';
import { type Model, pieceBlocks, piecesOf, unpackParams } from './models';
import { add, concat, gatherRows, matmul, reduceSum, reshape, slice } from './ops';
import { type OptimizerConfig, packState, stateSlots, stepSchedule, unpackState, updateGraph } from './optimizers';

export interface DataShape {
  /** Examples in the dataset. */
  n: number;
}

/** Concatenate per-piece gradients back into the flat [E, P] layout, a block at a time. */
export function packGrads(G: Graph, model: Model, grads: Tensor[]): Tensor {
  const E = grads[0].shape[0];
  return G.untaped(() => {
    // Blocks are runs of consecutive pieces, and grads come in piece order.
    let next = 0;
    const flat = pieceBlocks(piecesOf(model), E).map((block) => {
      const parts = grads.slice(next, (next += block.length));
      const size = block.reduce((n, p) => n + p.size, 0);
      return reshape(G, parts.length === 1 ? parts[0] : concat(G, parts, 1), [E, size]);
    });
    return flat.length === 1 ? flat[0] : concat(G, flat, 1);
  });
}

/** Loss [E] of members θ on a batch (x: [B,in] or [E,B,in]), and the gradient [E, P] if asked. */
export function memberLossAndGrad(G: Graph, model: Model, loss: LossKind, theta: Tensor, x: Tensor, y: Tensor) {
  const params = unpackParams(G, model, theta);
  const pred = model.forward(G, params, x);
  const perMember = lossFor(G, loss, pred, y);
  const total = reduceSum(G, perMember, [0]);
  const leaves = piecesOf(model).map((p) => params[p.name]);
  const gradient = packGrads(G, model, grad(G, total, leaves));
  return { perMember, gradient, pred };
}

/** Batch k's rows: idx [K, E, B] or [K, B] → x [E, B, in] or [B, in]. */
function batchAt(G: Graph, X: Tensor, Y: Tensor, idx: Tensor, k: number) {
  const rowShape = idx.shape.slice(1);
  const ik = G.untaped(() => reshape(G, slice(G, idx, 0, k, k + 1), rowShape));
  return { x: gatherRows(G, X, ik), y: gatherRows(G, Y, ik) };
}

export interface TrainSpec {
  model: Model;
  loss: LossKind;
  optimizer: OptimizerConfig;
  /** Ensemble members E. */
  members: number;
  /** Batch size B (full batch: B = N with the identity order). */
  batch: number;
  /** Steps fused into one call, K. */
  fused: number;
  data: DataShape;
  /** Every member sees the same batch order (idx [K, B]) instead of its own (idx [K, E, B]). */
  sharedOrder?: boolean;
  dtype?: DType;
}

export const TRAIN_IO = {
  inputs: ['theta', 'state', 'X', 'Y', 'idx', 'lr', 't'] as const,
  outputs: ['theta_out', 'state_out', 'loss'] as const,
};

export function trainStepGraph(spec: TrainSpec): Graph {
  const { model, members: E, batch: B, fused: K } = spec;
  if (!(K >= 1 && E >= 1 && B >= 1)) throw new Error('trainStepGraph: K, E and B must be ≥ 1');
  const G = new Graph(spec.dtype ?? 'float32');
  const slots = stateSlots(spec.optimizer.kind);
  let theta = G.input('theta', [E, model.size]);
  const packed = slots ? G.input('state', [E, slots * model.size]) : null;
  let state = unpackState(G, packed, slots, model.size);
  const X = G.input('X', [spec.data.n, model.inDim]);
  const Y = G.input('Y', [spec.data.n, model.outDim]);
  const idx = G.input('idx', spec.sharedOrder ? [K, B] : [K, E, B], 'int32');
  const lr = G.input('lr', [E, 1]);
  const t = G.input('t', []);
  let lastLoss: Tensor | null = null;
  const scalars = stepSchedule(G, spec.optimizer, lr, t, K);
  for (let k = 0; k < K; k++) {
    const { x, y } = batchAt(G, X, Y, idx, k);
    const { perMember, gradient } = memberLossAndGrad(G, model, spec.loss, theta, x, y);
    lastLoss = perMember;
    ({ theta, state } = updateGraph(G, spec.optimizer, theta, gradient, state, scalars(k)));
  }
  G.output('theta_out', theta);
  const stateOut = packState(G, state);
  if (stateOut) G.output('state_out', stateOut);
  // Only the last fused step's loss is output (a reading shows one step per call); the earlier
  // steps' loss values are then never computed: the serializer drops nodes no output needs.
  // Output as computed, [E]: a reshaped view would reach a bound output buffer by a buffer copy,
  // which a replayed WebGPU command list (runtime/captured.ts) does not repeat.
  G.output('loss', lastLoss!);
  return G;
}

export interface EvalSpec {
  model: Model;
  loss: LossKind;
  members: number;
  data: DataShape;
  dtype?: DType;
}

/** Loss and accuracy [E] of every member on a whole dataset. */
export function evalGraph(spec: EvalSpec): Graph {
  const { model, members: E } = spec;
  const G = new Graph(spec.dtype ?? 'float32');
  const theta = G.input('theta', [E, model.size]);
  const X = G.input('X', [spec.data.n, model.inDim]);
  const Y = G.input('Y', [spec.data.n, model.outDim]);
  G.untaped(() => {
    const pred = model.forward(G, unpackParams(G, model, theta), X);
    G.output('loss', lossFor(G, spec.loss, pred, Y));
    const acc = accuracy(G, spec.loss, pred, Y);
    if (acc) G.output('acc', acc);
  });
  return G;
}

/** Raw model outputs [E, N, out] at N inputs. */
export function predictGraph(spec: { model: Model; members: number; n: number; dtype?: DType }): Graph {
  const { model, members: E } = spec;
  const G = new Graph(spec.dtype ?? 'float32');
  const theta = G.input('theta', [E, model.size]);
  const X = G.input('X', [spec.n, model.inDim]);
  G.untaped(() => G.output('pred', model.forward(G, unpackParams(G, model, theta), X)));
  return G;
}

/**
 * Loss (and accuracy) at G points of a plane through θ₀: θ = θ₀ + a·d₁ + b·d₂, with (a, b) one row
 * of `coords` [G, 2] and the directions stacked as dirs [2, P]. Landscape slices (Li et al. 2018).
 */
export function gridGraph(spec: { model: Model; loss: LossKind; points: number; data: DataShape; dtype?: DType }): Graph {
  const { model, points } = spec;
  const G = new Graph(spec.dtype ?? 'float32');
  const theta0 = G.input('theta0', [1, model.size]);
  const dirs = G.input('dirs', [2, model.size]);
  const coords = G.input('coords', [points, 2]);
  const X = G.input('X', [spec.data.n, model.inDim]);
  const Y = G.input('Y', [spec.data.n, model.outDim]);
  G.untaped(() => {
    const theta = add(G, theta0, matmul(G, coords, dirs));
    const pred = model.split ? planeForward(G, model, model.split, theta, theta0, dirs, coords, X) : model.forward(G, unpackParams(G, model, theta), X);
    G.output('loss', lossFor(G, spec.loss, pred, Y));
    const acc = accuracy(G, spec.loss, pred, Y);
    if (acc) G.output('acc', acc);
  });
  return G;
}

/**
 * The forward pass at every point of a plane, with the first (affine) layer evaluated at θ₀, d₁ and
 * d₂ only: z(θ₀ + a·d₁ + b·d₂) = z(θ₀) + a·z(d₁) + b·z(d₂), one [G, 3] × [3, B·H] product. Where the
 * model has a constant unit, z gets a column that is `unit` at θ₀ and 0 along d₁ and d₂, so the next
 * layer's bias is added by its product (the [G, B, H] bias pass was ~15% of a 64-wide grid).
 */
function planeForward(G: Graph, model: Model, split: NonNullable<Model['split']>, theta: Tensor, theta0: Tensor, dirs: Tensor, coords: Tensor, X: Tensor): Tensor {
  const points = coords.shape[0];
  const basis = concat(G, [theta0, dirs], 0); // [3, P]
  let z3 = split.affine(G, unpackParams(G, model, basis), X); // [3, B, H]
  const [, B] = z3.shape;
  if (split.unit !== undefined) {
    const unit = G.constant(Array.from({ length: 3 * B }, (_, i) => (i < B ? split.unit! : 0)), [3, B, 1]);
    z3 = concat(G, [z3, unit], 2);
  }
  const H = z3.shape[2];
  const weights = concat(G, [G.constant(new Array(points).fill(1), [points, 1]), coords], 1); // [G, 3]
  const z = reshape(G, matmul(G, weights, reshape(G, z3, [3, B * H])), [points, B, H]);
  return split.rest(G, theta, z);
}

/** ∇_θ L on a batch given by idx [E, B] (or [B] shared), and the loss [E]. */
export function gradientGraph(spec: {
  model: Model;
  loss: LossKind;
  members: number;
  batch: number;
  data: DataShape;
  dtype?: DType;
}): Graph {
  const { model, members: E, batch: B } = spec;
  const G = new Graph(spec.dtype ?? 'float32');
  const theta = G.input('theta', [E, model.size]);
  const X = G.input('X', [spec.data.n, model.inDim]);
  const Y = G.input('Y', [spec.data.n, model.outDim]);
  const idx = G.input('idx', [E, B], 'int32');
  const { perMember, gradient } = memberLossAndGrad(G, model, spec.loss, theta, gatherRows(G, X, idx), gatherRows(G, Y, idx));
  G.output('grad', gradient);
  G.output('loss', perMember);
  return G;
}
