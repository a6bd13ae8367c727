/**
 * The local learning coefficient (LLC) and its estimator.
 *
 * Singular learning theory (Watanabe 2009, 2018): the Bayesian free energy of n samples is
 * F_n ≈ n·L_n(w₀) + λ·log n, where λ, the learning coefficient, replaces the regular d/2. Lau et
 * al. (2023, "The local learning coefficient: a singularity-aware complexity measure") define it
 * locally at a minimum w* and estimate it, as the devinterp library does, by
 *
 *   λ̂ = nβ·(E_w[L_n(w)] − L_n(w*)),   β = 1/log n  (so nβ = n / log n by default),
 *
 * the expectation over the localized tempered posterior ∝ exp(−nβ·L_n(w) − (γ/2)‖w − w*‖²),
 * sampled by SGLD chains (sgld.ts). Here, as in devinterp, E_w[L_n(w)] is the mean of the
 * minibatch losses recorded at every kept draw of every chain (an unbiased estimate of L_n at each
 * draw); L_n(w*) is the full-batch loss at the anchor. λ̂ is reported per chain and as the mean and
 * standard deviation over chains.
 *
 * Closed forms to calibrate against: a regular model (λ = d/2), the normal-crossing model
 * (λ = 1/(2·max kᵢ)), and deep linear networks (two layers: reduced-rank regression, Aoyagi &
 * Watanabe 2005; more: Aoyagi 2024).
 */
import { normalCrossingLambda } from '../models';
import { mean } from '../stats';

export { normalCrossingLambda };

/** nβ at β = 1/log n, the default of Lau et al. (2023) and devinterp (`default_nbeta`). */
export function defaultNbeta(n: number): number {
  return n / Math.log(n);
}

export interface LlcEstimate {
  /** λ̂ per chain: nβ·(mean of its kept draws − L_n(w*)). NaN for a chain with a non-finite draw. */
  perChain: number[];
  /** Mean of λ̂ over the chains with a finite estimate. */
  mean: number;
  /** Sample standard deviation (n − 1, as devinterp's `llc/std`) of λ̂ over those chains (0 for one chain). */
  std: number;
}

/**
 * λ̂ from loss traces: `traces[c]` is chain c's loss at every step (burn-in first), `anchorLoss`
 * L_n(w*) (one number, or one per chain), the first `burnin` steps of each trace discarded.
 */
export function estimateLLC(traces: ArrayLike<number>[], anchorLoss: number | ArrayLike<number>, nbeta: number, burnin: number): LlcEstimate {
  const perChain = traces.map((trace, c) => {
    const at = typeof anchorLoss === 'number' ? anchorLoss : anchorLoss[c];
    const kept = Array.from(trace).slice(burnin);
    if (kept.length === 0 || !kept.every(Number.isFinite) || !Number.isFinite(at)) return NaN;
    return nbeta * (mean(kept) - at);
  });
  const finite = perChain.filter(Number.isFinite);
  const m = finite.length ? mean(finite) : NaN;
  const spread = finite.length > 1 ? Math.sqrt(finite.reduce((s, v) => s + (v - m) ** 2, 0) / (finite.length - 1)) : 0;
  return { perChain, mean: m, std: spread };
}

/**
 * Thresholds of the chain health checks. A stationary chain's second half has the same mean as its
 * first half up to noise; half of the chain's whole excess loss is far beyond that noise, and a
 * chain still climbing out of the minimum (ε or nβ too large, γ too small on a flat valley) does
 * it. A single draw a hundred times the mean excess loss is an excursion no posterior of this
 * temperature makes: the step has blown up.
 */
export const DRIFT_FRACTION = 0.5;
export const EXPLOSION_FACTOR = 100;

export interface ChainHealth {
  chain: number;
  /** Why the chain cannot be trusted; empty for a healthy chain. */
  reasons: string[];
}

/**
 * Per chain: a non-finite loss, a trace drifting upward (the kept draws' second half above the
 * first by more than DRIFT_FRACTION of the chain's excess loss), a draw exploding (excess above
 * EXPLOSION_FACTOR × the mean excess), or a negative λ̂ (the chain found lower loss than the anchor:
 * w* is not a local minimum, or the sampler is biased).
 */
export function chainHealth(traces: ArrayLike<number>[], anchorLoss: number | ArrayLike<number>, nbeta: number, burnin: number): ChainHealth[] {
  const est = estimateLLC(traces, anchorLoss, nbeta, burnin);
  return traces.map((trace, c) => {
    const reasons: string[] = [];
    const at = typeof anchorLoss === 'number' ? anchorLoss : anchorLoss[c];
    const all = Array.from(trace);
    const kept = all.slice(burnin);
    if (!all.every(Number.isFinite) || !Number.isFinite(at)) {
      reasons.push('a loss became non-finite');
      return { chain: c, reasons };
    }
    if (kept.length === 0) return { chain: c, reasons: ['no draws after the burn-in'] };
    const excess = mean(kept) - at;
    const half = Math.floor(kept.length / 2);
    if (half >= 2) {
      const rise = mean(kept.slice(half)) - mean(kept.slice(0, half));
      if (excess > 0 && rise > DRIFT_FRACTION * excess) reasons.push(`its loss drifts upward (second half ${fmt(rise * nbeta)} above the first, in units of λ)`);
    }
    const peak = Math.max(...kept) - at;
    if (excess > 0 && peak > EXPLOSION_FACTOR * excess) reasons.push(`its loss exploded (a draw ${Math.round(peak / excess)}× the mean excess)`);
    if (est.perChain[c] < 0) reasons.push(`its λ̂ is negative (${fmt(est.perChain[c])}): the anchor is not a local minimum for this chain`);
    return { chain: c, reasons };
  });
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toExponential(2) : v.toFixed(3));

/** A regular model's learning coefficient: half its parameter count (Watanabe 2009). */
export function regularLambda(d: number): number {
  return d / 2;
}

export interface LearningCoefficient {
  lambda: number;
  /** The multiplicity m (the order of the free energy's log log n term). */
  multiplicity: number;
  /** Which case of the closed form applies (for the figure's note). */
  regime: string;
}

/**
 * Reduced-rank regression y = B·A·x with A: H × M, B: N × H (a two-layer deep linear network
 * M → H → N without biases), at a true map of rank r ≤ min(M, H, N), with Gaussian inputs and
 * noise. Aoyagi & Watanabe (2005), "Stochastic complexities of reduced rank regression in Bayesian
 * estimation", Neural Networks 18, main theorem:
 *
 *   1. N + r ≤ M + H, M + r ≤ N + H and H + r ≤ M + N:
 *        λ = [2(H + r)(M + N) − (M − N)² − (H + r)²] / 8        when M + H + N + r is even (m = 1),
 *        λ = [2(H + r)(M + N) − (M − N)² − (H + r)² + 1] / 8    when it is odd (m = 2);
 *   2. M + H < N + r:  λ = (H·M − H·r + N·r) / 2;
 *   3. N + H < M + r:  λ = (H·N − H·r + M·r) / 2;
 *   4. M + N < H + r:  λ = M·N / 2.
 *
 * Checks: at r = H ≤ min(M, N) case 1 gives (H(M + N) − H²)/2, half the dimension of the rank-H
 * matrices (the GL(H) symmetry removes H² of the H(M + N) parameters); at r = 0 it is devinterp's
 * tested formula.
 */
export function reducedRankLambda(M: number, H: number, N: number, r: number): LearningCoefficient {
  for (const [name, v] of [['M', M], ['H', H], ['N', N]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`reduced-rank regression: ${name} must be a positive integer (got ${v})`);
  }
  if (!Number.isInteger(r) || r < 0 || r > Math.min(M, H, N)) throw new RangeError(`teacher rank ${r} must be an integer in [0, min(M, H, N) = ${Math.min(M, H, N)}]`);
  if (M + H < N + r) return { lambda: (H * M - H * r + N * r) / 2, multiplicity: 1, regime: 'M + H < N + r' };
  if (N + H < M + r) return { lambda: (H * N - H * r + M * r) / 2, multiplicity: 1, regime: 'N + H < M + r' };
  if (M + N < H + r) return { lambda: (M * N) / 2, multiplicity: 1, regime: 'M + N < H + r' };
  const core = 2 * (H + r) * (M + N) - (M - N) ** 2 - (H + r) ** 2;
  const odd = (M + H + N + r) % 2 === 1;
  return { lambda: (core + (odd ? 1 : 0)) / 8, multiplicity: odd ? 2 : 1, regime: odd ? 'balanced, M + H + N + r odd' : 'balanced, M + H + N + r even' };
}

/**
 * A deep linear network x ↦ x·W₁⋯W_L with widths H₀ (input), H₁, …, H_L (output) at a teacher of
 * rank r ≤ min Hₖ. Aoyagi (2024), "Consideration on the learning efficiency of multiple-layered
 * neural networks with linear units", Neural Networks 172, main theorem (as implemented by Lau et
 * al. for their DLN experiments): with the reduced widths Mₖ = Hₖ − r, take the set S of the ℓ + 1
 * smallest (ℓ ≥ 1) such that max S < min Sᶜ, ΣS ≥ ℓ·max S and ΣS < ℓ·min Sᶜ (conditions on Sᶜ
 * hold vacuously when it is empty); with P = ΣS, M = ⌈P/ℓ⌉ and a = P − (M − 1)ℓ,
 *
 *   λ = (−r² + r(H₀ + H_L))/2 + a(ℓ − a)/(4ℓ) − (ℓ(ℓ − 1)/4)·(P/ℓ)² + ½·Σ_{i<j in S} MᵢMⱼ,
 *
 * with multiplicity a(ℓ − a) + 1. For two layers it agrees with Aoyagi & Watanabe (2005) in value
 * and multiplicity (tests/unit/llc.test.ts checks every case up to width 7).
 */
export function aoyagiLambda(dims: readonly number[], r: number): LearningCoefficient {
  checkWidths(dims, r, 3);
  const reduced = dims.map((h) => h - r).sort((x, y) => x - y);
  for (let size = 2; size <= reduced.length; size++) {
    const S = reduced.slice(0, size);
    const rest = reduced.slice(size);
    const ell = size - 1;
    const P = S.reduce((t, m) => t + m, 0);
    const maxS = S[size - 1];
    const minRest = rest.length ? rest[0] : Infinity;
    if (!(maxS < minRest && P >= ell * maxS && P < ell * minRest)) continue;
    const M = Math.ceil(P / ell);
    const a = P - (M - 1) * ell;
    let pairs = 0;
    for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) pairs += S[i] * S[j];
    const lambda = (-r * r + r * (dims[0] + dims[dims.length - 1])) / 2 + (a * (ell - a)) / (4 * ell) - ((ell * (ell - 1)) / 4) * (P / ell) ** 2 + pairs / 2;
    return { lambda, multiplicity: a * (ell - a) + 1, regime: `${size} of ${dims.length} reduced widths bind` };
  }
  throw new RangeError(`no subset of the reduced widths meets Aoyagi's conditions for widths ${dims.join(', ')} at rank ${r}`);
}

function checkWidths(dims: readonly number[], r: number, fewest: number) {
  if (dims.length < fewest || dims.some((h) => !Number.isInteger(h) || h < 1)) throw new RangeError(`layer widths must be ${fewest} or more positive integers (got ${dims.join(', ')})`);
  const narrowest = Math.min(...dims);
  if (!Number.isInteger(r) || r < 0 || r > narrowest) throw new RangeError(`teacher rank ${r} must be an integer in [0, the narrowest width ${narrowest}]`);
}

/**
 * The learning coefficient of a deep linear network with widths `dims` (input first) at a teacher
 * of rank r: one layer is a regular linear map (λ = H₀·H₁/2), two are reduced-rank regression
 * (with its named regimes), more take Aoyagi's (2024) theorem.
 */
export function deepLinearLambda(dims: readonly number[], r: number): LearningCoefficient {
  checkWidths(dims, r, 2);
  if (dims.length === 2) return { lambda: regularLambda(dims[0] * dims[1]), multiplicity: 1, regime: 'one layer: regular' };
  if (dims.length === 3) return reducedRankLambda(dims[0], dims[1], dims[2], r);
  return aoyagiLambda(dims, r);
}
