/**
 * Curvature from gradients alone. A Hessian-vector product by central differences of gradients,
 *   H v ≈ (∇L(θ + h v) − ∇L(θ − h v)) / (2h),
 * and the top eigenvalue of H (the "sharpness") by power iteration on it. Enough below a few
 * thousand parameters; both gradients come from one ensemble call of two members.
 */
import type { Rng } from '../random';

/** Gradients of the loss at several parameter points, each of length P. */
export type GradientFn = (points: Float32Array[]) => Promise<Float32Array[]>;

function norm(v: ArrayLike<number>) {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export async function hessianVectorProduct(grad: GradientFn, theta: Float32Array, v: Float32Array, h: number): Promise<Float32Array> {
  const plus = theta.map((t, i) => t + h * v[i]);
  const minus = theta.map((t, i) => t - h * v[i]);
  const [gp, gm] = await grad([plus, minus]);
  return gp.map((g, i) => (g - gm[i]) / (2 * h));
}

export interface EigenResult {
  value: number;
  vector: Float32Array;
  /** The Rayleigh quotient after each iteration. */
  history: number[];
}

/**
 * Top (largest-magnitude) Hessian eigenvalue. Start from `init` (warm start while training) or a
 * random unit vector; stop after `iters` or when successive estimates agree to `tol`.
 */
export async function topHessianEigenvalue(
  grad: GradientFn,
  theta: Float32Array,
  rng: Rng,
  opts: { iters?: number; h?: number; tol?: number; init?: Float32Array } = {},
): Promise<EigenResult> {
  const iters = opts.iters ?? 30;
  const h = opts.h ?? 1e-3;
  let v = opts.init ? Float32Array.from(opts.init) : Float32Array.from({ length: theta.length }, () => rng.normal());
  let n = norm(v) || 1;
  v = v.map((x) => x / n);
  const history: number[] = [];
  let value = 0;
  for (let it = 0; it < iters; it++) {
    const hv = await hessianVectorProduct(grad, theta, v, h);
    value = hv.reduce((s, x, i) => s + x * v[i], 0);
    history.push(value);
    n = norm(hv);
    if (!Number.isFinite(n) || n === 0) break;
    v = hv.map((x) => x / n);
    if (it > 2 && Math.abs(history[it] - history[it - 1]) <= (opts.tol ?? 1e-4) * Math.abs(value)) break;
  }
  return { value, vector: v, history };
}
