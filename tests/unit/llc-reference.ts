/**
 * Plain-TypeScript gradient oracles (float64 inside) for the LLC tests: MSE of a deep linear
 * network x·W₀·W₁⋯ (the layout of the engine's bias-free linear mlp: each Wₗ [in, out] row-major,
 * layer after layer) and of the normal-crossing model x·Πwᵢ^{kᵢ}. Independent of the graph engine,
 * so the sampler and the estimator can be checked without onnxruntime.
 */
import type { GradientOracle } from '../../src/engine/analysis/sgld';

interface Data {
  X: Float32Array;
  Y: Float32Array;
  inDim: number;
  outDim: number;
}

/** MSE (mean over rows and outputs) of a deep linear network with `widths`, and its gradient. */
export function linearLossGrad(widths: number[], w: ArrayLike<number>, d: Data, rows: ArrayLike<number>): { loss: number; grad: Float64Array } {
  const L = widths.length - 1;
  const offsets: number[] = [0];
  for (let l = 0; l < L; l++) offsets.push(offsets[l] + widths[l] * widths[l + 1]);
  const grad = new Float64Array(offsets[L]);
  const B = rows.length;
  const O = widths[L];
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const i = rows[b];
    const acts: Float64Array[] = [Float64Array.from(d.X.subarray(i * d.inDim, (i + 1) * d.inDim))];
    for (let l = 0; l < L; l++) {
      const [a, o, off] = [widths[l], widths[l + 1], offsets[l]];
      const h = new Float64Array(o);
      for (let p = 0; p < a; p++) for (let q = 0; q < o; q++) h[q] += acts[l][p] * w[off + p * o + q];
      acts.push(h);
    }
    let back = new Float64Array(O);
    for (let q = 0; q < O; q++) {
      const r = acts[L][q] - d.Y[i * O + q];
      loss += r * r;
      back[q] = (2 * r) / (B * O);
    }
    for (let l = L - 1; l >= 0; l--) {
      const [a, o, off] = [widths[l], widths[l + 1], offsets[l]];
      const prev = new Float64Array(a);
      for (let p = 0; p < a; p++) {
        for (let q = 0; q < o; q++) {
          grad[off + p * o + q] += acts[l][p] * back[q];
          prev[p] += w[off + p * o + q] * back[q];
        }
      }
      back = prev;
    }
  }
  return { loss: loss / (B * O), grad };
}

/** MSE of f(x; w) = x·Πwᵢ^{kᵢ} (one input, one output), and its gradient. */
export function crossingLossGrad(powers: number[], w: ArrayLike<number>, d: Data, rows: ArrayLike<number>): { loss: number; grad: Float64Array } {
  let c = 1;
  powers.forEach((k, i) => (c *= w[i] ** k));
  let loss = 0;
  let dc = 0;
  for (let b = 0; b < rows.length; b++) {
    const x = d.X[rows[b]];
    const r = x * c - d.Y[rows[b]];
    loss += r * r;
    dc += (2 * r * x) / rows.length;
  }
  const grad = new Float64Array(powers.length);
  powers.forEach((k, i) => {
    let rest = k * w[i] ** (k - 1);
    powers.forEach((kj, j) => j !== i && (rest *= w[j] ** kj));
    grad[i] = dc * rest;
  });
  return { loss: loss / rows.length, grad };
}

/** A GradientOracle over E chains from a one-member loss-and-gradient function. */
export function referenceOracle(P: number, f: (w: Float32Array, rows: Int32Array) => { loss: number; grad: Float64Array }, batch: number): GradientOracle {
  return async (theta, idx) => {
    const E = theta.length / P;
    const loss = new Float32Array(E);
    const grad = new Float32Array(E * P);
    for (let e = 0; e < E; e++) {
      const r = f(theta.subarray(e * P, (e + 1) * P), idx.subarray(e * batch, (e + 1) * batch));
      loss[e] = r.loss;
      grad.set(r.grad, e * P);
    }
    return { loss, grad };
  };
}
