/**
 * Losses and accuracies, per ensemble member: prediction [E, B, O], target [B, O] (shared) or
 * [E, B, O] → loss [E]. Cross-entropies are fused ops with their textbook VJPs, built from ops
 * that stay on the GPU (no LogSoftmax, no Softplus, no OneHot: targets come as float one-hots).
 */
import { broadcastShapes, type Graph, sameShape, type Tensor } from './graph';
import { abs, exp, greater, log, matmul, mul, reduceMaxNoGrad, reduceMean, reduceSum, relu, reshape, sigmoid, softmax, sub, toFloat, add, neg } from './ops';

/** A loss a run can name (the keys of LOSSES, below). */
export type LossKind = keyof typeof LOSSES;

/** Mean over every axis but the first (the member axis). */
function meanPerMember(G: Graph, x: Tensor): Tensor {
  const axes = x.shape.map((_, i) => i).slice(1);
  return axes.length ? reduceMean(G, x, axes) : x;
}

/**
 * (1/BO)·Σ (ŷ − y)², times ½ for 'half-mse' (the convention of Cohen et al. 2021). Fused, with its
 * gradient recorded once: ∂/∂ŷ = (2s/BO)·(ŷ − y)·g for scale s, one product with the per-member
 * cotangent instead of the mean's and the square's VJPs (three passes over [E, B, O]).
 */
export function mse(G: Graph, pred: Tensor, target: Tensor, half = false): Tensor {
  const scale = half ? 0.5 : 1;
  const meanSquare = (d: Tensor) => {
    const m = meanPerMember(G, mul(G, d, d));
    return half ? mul(G, m, G.scalar(scale)) : m;
  };
  // A target wider than the prediction: the generic VJPs sum the broadcast axes back.
  if (!sameShape(broadcastShapes(pred.shape, target.shape), pred.shape)) return meanSquare(sub(G, pred, target));
  const d = G.untaped(() => sub(G, pred, target));
  const count = d.shape.slice(1).reduce((a, b) => a * b, 1);
  return G.record(G.untaped(() => meanSquare(d)), [pred], (g) => {
    const perMember = G.untaped(() => reshape(G, mul(G, g, G.scalar((2 * scale) / count)), [g.shape[0], ...d.shape.slice(1).map(() => 1)]));
    return [G.untaped(() => mul(G, d, perMember))];
  });
}

/**
 * Binary cross-entropy on logits z with targets y ∈ {0,1}, in the stable form
 * relu(z) − z·y + log(1 + e^{−|z|}); gradient σ(z) − y (fused, recorded once).
 */
export function bceWithLogits(G: Graph, z: Tensor, y: Tensor): Tensor {
  const elementwise = G.untaped(() =>
    add(G, sub(G, relu(G, z), mul(G, z, y)), log(G, add(G, G.scalar(1), exp(G, neg(G, abs(G, z)))))),
  );
  G.record(elementwise, [z], (g) => [G.untaped(() => mul(G, g, sub(G, sigmoid(G, z), y)))]);
  return meanPerMember(G, elementwise);
}

/**
 * Softmax cross-entropy over the last axis with float one-hot targets:
 * ℓ = log Σ e^{z − m} − Σ y·(z − m), m = max z (a shift that changes nothing but overflow).
 * Gradient: softmax(z) − y, per row, scaled by the row's cotangent.
 */
export function softmaxCrossEntropy(G: Graph, z: Tensor, onehot: Tensor): Tensor {
  return weightedSoftmaxCE(G, z, onehot, false);
}

/**
 * −Σ_k y_k·log softmax(z)_k for targets y of any sign and any row sum. With y = A·onehot(a) it is
 * the REINFORCE surrogate −A·log π(a | s) (Williams 1992), whose gradient A·(softmax(z) − onehot(a))
 * is the policy-gradient estimate for an action a taken with advantage A; a row of zeros adds
 * nothing (padding). Gradient: softmax(z)·Σy − y, per row.
 */
export function policyGradientSurrogate(G: Graph, z: Tensor, y: Tensor): Tensor {
  return weightedSoftmaxCE(G, z, y, true);
}

function weightedSoftmaxCE(G: Graph, z: Tensor, y: Tensor, anySum: boolean): Tensor {
  // A per-row value [.., B, 1] is spread over the classes by a product with a row of ones, not by
  // broadcasting: onnxruntime's WASM kernels broadcast a column one element at a time (~17 ns each
  // for three classes). Σ y·(lse − shifted) is written lse·Σy − Σ y·shifted for the same reason.
  const C = z.shape[z.shape.length - 1];
  const spread = (col: Tensor) => matmul(G, col, G.constant(new Array(C).fill(1), [1, C]));
  const rowSum = G.untaped(() => reduceSum(G, y, [-1], true));
  const rows = G.untaped(() => {
    const shifted = sub(G, z, spread(reduceMaxNoGrad(G, z, -1)));
    const lse = log(G, reduceSum(G, exp(G, shifted), [-1], true));
    return sub(G, mul(G, lse, rowSum), reduceSum(G, mul(G, y, shifted), [-1], true));
  });
  // targets that are distributions (Σy = 1) need no rescaling of the softmax
  G.record(rows, [z], (g) => [G.untaped(() => mul(G, spread(g), sub(G, anySum ? mul(G, softmax(G, z), spread(rowSum)) : softmax(G, z), y)))]);
  return meanPerMember(G, rows);
}

/**
 * Fraction of correct predictions per member (no gradient). Binary: the sign of the logit agrees
 * with the label; multi-class: the true class's logit is the largest. Regression has no accuracy.
 */
function binaryAccuracy(G: Graph, pred: Tensor, target: Tensor): Tensor {
  const signed = mul(G, pred, sub(G, mul(G, target, G.scalar(2)), G.scalar(1)));
  return meanPerMember(G, toFloat(G, greater(G, signed, G.scalar(0))));
}

function multiclassAccuracy(G: Graph, pred: Tensor, target: Tensor): Tensor {
  const trueLogit = reduceSum(G, mul(G, pred, target), [-1], true);
  const best = reduceMaxNoGrad(G, pred, -1);
  // correct unless another logit is strictly larger than the true one
  return sub(G, G.scalar(1), meanPerMember(G, toFloat(G, greater(G, best, trueLogit))));
}

type Fn = (G: Graph, pred: Tensor, target: Tensor) => Tensor;

/**
 * Every loss a run can name, with its accuracy where one exists (binary: the logit's sign agrees
 * with the 0/1 label; multi-class: the true class's logit is the largest): the one place a new
 * loss is added; tests iterate it.
 */
export const LOSSES = {
  mse: { loss: ((G, p, t) => mse(G, p, t)) as Fn, accuracy: null as Fn | null },
  'half-mse': { loss: ((G, p, t) => mse(G, p, t, true)) as Fn, accuracy: null as Fn | null },
  bce: { loss: bceWithLogits as Fn, accuracy: binaryAccuracy as Fn | null },
  'softmax-ce': { loss: softmaxCrossEntropy as Fn, accuracy: multiclassAccuracy as Fn | null },
  /** Targets are advantage-weighted one-hot actions: the loss is the REINFORCE surrogate. */
  'policy-gradient': { loss: policyGradientSurrogate as Fn, accuracy: null as Fn | null },
  /** The model's output is the loss itself (analytic landscapes). */
  value: { loss: ((G, p) => meanPerMember(G, p)) as Fn, accuracy: null as Fn | null },
};

export function lossFor(G: Graph, kind: LossKind, pred: Tensor, target: Tensor): Tensor {
  return LOSSES[kind].loss(G, pred, target);
}

/** Fraction of correct predictions per member (no gradient); null for losses without one. */
export function accuracy(G: Graph, kind: LossKind, pred: Tensor, target: Tensor): Tensor | null {
  const acc = LOSSES[kind].accuracy;
  return acc ? G.untaped(() => acc(G, pred, target)) : null;
}
