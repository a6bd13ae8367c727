/**
 * Seeded dataset generators for the chapters. Each returns row-major Float32 arrays.
 */
import { makeRng, permutation } from './random';
import type { Dataset } from './spec';

/**
 * Two redundant cues (McCoy et al. 2020 in miniature): the label y ∈ {0,1} sets
 * the sign of x₀ and x₁, each |xᵢ| ~ U(0.2, 1), so either cue alone predicts y perfectly; the
 * remaining dimensions are N(0, noise²) distractors. `conflict` flips x₁'s sign: the cues then
 * disagree, and a model's answer reveals which cue it follows (1 = follows x₀).
 */
export function twoCue(opts: { n: number; seed: number; noiseDims?: number; noise?: number; conflict?: boolean }): Dataset {
  const d = 2 + (opts.noiseDims ?? 0);
  const rng = makeRng(opts.seed).fork(3);
  const X = new Float32Array(opts.n * d);
  const Y = new Float32Array(opts.n);
  for (let i = 0; i < opts.n; i++) {
    const y = i % 2;
    const s = y ? 1 : -1;
    X[i * d] = s * (0.2 + 0.8 * rng.uniform());
    X[i * d + 1] = (opts.conflict ? -s : s) * (0.2 + 0.8 * rng.uniform());
    for (let j = 2; j < d; j++) X[i * d + j] = (opts.noise ?? 0.5) * rng.normal();
    Y[i] = y;
  }
  return { X, Y, n: opts.n, inDim: d, outDim: 1 };
}

/** 1-D regression samples of f on [lo, hi] minus a gap, with optional label noise. */
export function gapRegression(opts: {
  n: number;
  seed: number;
  f?: (x: number) => number;
  range?: [number, number];
  gap?: [number, number];
  noise?: number;
}): Dataset {
  const f = opts.f ?? ((x: number) => Math.sin(3 * x));
  const [lo, hi] = opts.range ?? [-1, 1];
  const [g0, g1] = opts.gap ?? [-0.2, 0.4];
  const rng = makeRng(opts.seed).fork(4);
  const X = new Float32Array(opts.n);
  const Y = new Float32Array(opts.n);
  const kept = hi - lo - (g1 - g0);
  for (let i = 0; i < opts.n; i++) {
    // evenly spaced over the kept part of the interval, so the gap is the only hole
    let x = lo + (kept * (i + 0.5)) / opts.n;
    if (x >= g0) x += g1 - g0;
    X[i] = x;
    Y[i] = f(x) + (opts.noise ?? 0) * rng.normal();
  }
  return { X, Y, n: opts.n, inDim: 1, outDim: 1 };
}

/** Chebyshev polynomial T_k at m evenly spaced points on [−1, 1] (edge-of-stability setup). */
export function chebyshev(k: number, m: number): Dataset {
  const X = new Float32Array(m);
  const Y = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    const x = m === 1 ? 0 : -1 + (2 * i) / (m - 1);
    X[i] = x;
    Y[i] = Math.cos(k * Math.acos(Math.max(-1, Math.min(1, x))));
  }
  return { X, Y, n: m, inDim: 1, outDim: 1 };
}

/** Regression toy: y = sin(πx₀)·x₁ + noise, x ~ U(−1, 1)² (for benchmarks and convergence tests). */
export function smoothRegression(opts: { n: number; seed: number; noise?: number }): Dataset {
  const rng = makeRng(opts.seed).fork(5);
  const X = new Float32Array(opts.n * 2);
  const Y = new Float32Array(opts.n);
  for (let i = 0; i < opts.n; i++) {
    const a = 2 * rng.uniform() - 1;
    const b = 2 * rng.uniform() - 1;
    X[2 * i] = a;
    X[2 * i + 1] = b;
    Y[i] = Math.sin(Math.PI * a) * b + (opts.noise ?? 0) * rng.normal();
  }
  return { X, Y, n: opts.n, inDim: 2, outDim: 1 };
}

/** Three-class spiral arms (softmax classification toy), one-hot targets. */
export function spirals(opts: { n: number; seed: number; classes?: number; noise?: number }): Dataset {
  const C = opts.classes ?? 3;
  const rng = makeRng(opts.seed).fork(6);
  const X = new Float32Array(opts.n * 2);
  const Y = new Float32Array(opts.n * C);
  for (let i = 0; i < opts.n; i++) {
    const c = i % C;
    const r = rng.uniform();
    const angle = (2 * Math.PI * c) / C + 3 * r + (opts.noise ?? 0.2) * rng.normal();
    X[2 * i] = r * Math.cos(angle);
    X[2 * i + 1] = r * Math.sin(angle);
    Y[i * C + c] = 1;
  }
  return { X, Y, n: opts.n, inDim: 2, outDim: C };
}

/**
 * Linear + 5-slab data: Shah et al. (2020)'s LMS-5, "The Pitfalls of Simplicity Bias", with their
 * geometry (their code's defaults: data width 1, margins 0.1). Coordinate 0 is linear:
 * x₀ = ±U(0.1, 1), its sign the label. Each of the `slabs` further coordinates is a 5-slab: five
 * slabs of width 0.24 across [−1, 1] with gaps of 0.2 — y = 1 in ±[0.32, 0.56], y = 0 in the middle
 * slab [−0.12, 0.12] (with probability ¾) or in ±[0.76, 1] — drawn independently per coordinate.
 * Every coordinate alone predicts the label perfectly; the linear one with a single cut at 0, a slab
 * only with four (at ±0.22 and ±0.66).
 */
export const SLAB_CUTS = [-0.66, -0.22, 0.22, 0.66] as const;
export function linearSlabs(opts: { n: number; seed: number; slabs: number }): Dataset {
  const d = 1 + opts.slabs;
  const rng = makeRng(opts.seed).fork(7);
  const sign = () => (rng.uniform() < 0.5 ? -1 : 1);
  const X = new Float32Array(opts.n * d);
  const Y = new Float32Array(opts.n);
  for (let i = 0; i < opts.n; i++) {
    const y = i % 2;
    X[i * d] = (y ? 1 : -1) * (0.1 + 0.9 * rng.uniform());
    for (let j = 1; j < d; j++) {
      const u = 0.24 * rng.uniform();
      if (y) X[i * d + j] = sign() * (0.32 + u);
      else if (rng.uniform() < 0.75) X[i * d + j] = u - 0.12;
      else X[i * d + j] = sign() * (0.76 + u);
    }
    Y[i] = y;
  }
  return { X, Y, n: opts.n, inDim: d, outDim: 1 };
}

/**
 * A copy of `data` with the named input coordinates shuffled across examples (one permutation for
 * all of them): each keeps its distribution but says nothing about the label any more, so a model's
 * accuracy on the copy shows whether it relied on them (Shah et al. 2020's "randomized" sets).
 */
export function randomizeColumns(data: Dataset, columns: number[], seed: number): Dataset {
  const perm = permutation(makeRng(seed).fork(8), data.n);
  const X = data.X.slice();
  for (let i = 0; i < data.n; i++) for (const j of columns) X[i * data.inDim + j] = data.X[perm[i] * data.inDim + j];
  return { ...data, X };
}
