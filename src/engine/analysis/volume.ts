/**
 * Volume scaling and the tempered posterior on a grid of parameters (pure).
 *
 * Singular learning theory: the volume of the set of parameters whose loss lies within ε of the
 * minimum behaves as V(ε) ≈ c·ε^λ·(−log ε)^(m−1) as ε → 0, λ the learning coefficient and m its
 * multiplicity (Watanabe 2009, "Algebraic Geometry and Statistical Learning Theory", Thm 7.1 and
 * §7.1 on the state density; Watanabe 2018, "Mathematical Theory of Bayesian Statistics", §5.1).
 * So λ is the slope of log V against log ε, up to the log factor when m > 1. On a grid over two
 * parameters V(ε) is (points with L − L_min < ε) × (area of one cell).
 */

export interface LineFit {
  slope: number;
  intercept: number;
}

/** Least-squares line y ≈ intercept + slope·x (NaN slope for fewer than two distinct xs). */
export function fitLine(xs: ArrayLike<number>, ys: ArrayLike<number>): LineFit {
  const n = xs.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] / n;
    my += ys[i] / n;
  }
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  return { slope, intercept: my - slope * mx };
}

/** How many of the ascending values are below t (binary search). */
function countBelow(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const logSpaced = (from: number, to: number, k: number) =>
  Array.from({ length: k }, (_, i) => from * (to / from) ** (k === 1 ? 0 : i / (k - 1)));

export interface VolumeOptions {
  /**
   * The smallest sublevel set fitted holds at least this many grid points: below it the count is
   * lattice noise (a band thinner than a cell is hit by some points and missed by others).
   */
  minPoints: number;
  /** …and at least this fraction of the grid (so a finer grid reaches smaller ε). */
  minFraction: number;
  /**
   * The largest holds at most this fraction of the grid: beyond it the set is no longer a thin
   * neighbourhood of the zero-loss set (and meets the edges of the box).
   */
  maxFraction: number;
  /** Points of the log–log fit, and of the measured curve drawn (over a wider range). */
  fitPoints: number;
  curvePoints: number;
}

export const VOLUME_DEFAULTS: VolumeOptions = { minPoints: 50, minFraction: 0.0025, maxFraction: 0.05, fitPoints: 16, curvePoints: 40 };

export interface VolumeScaling {
  /** λ measured: the slope of log₁₀ V against log₁₀ ε over the fit range. */
  exponent: number;
  /** log₁₀ V ≈ intercept + exponent·log₁₀ ε. */
  intercept: number;
  /** The fit range [ε_lo, ε_hi]. */
  fitFrom: number;
  fitTo: number;
  /** The measured curve over a wider range (log₁₀ ε, log₁₀ V), for drawing. */
  logEps: number[];
  logArea: number[];
  /** The minimum loss on the grid, which ε is measured from. */
  lossMin: number;
}

/**
 * Fit V(ε) ∝ ε^λ on a grid: `loss` at every grid point, `cellArea` the area one point stands for.
 * The fit range is chosen from the data (quantiles of L − L_min), so that every fitted set is
 * resolved by the grid and small against the box, whatever the model: see VolumeOptions.
 */
export function volumeScaling(loss: ArrayLike<number>, cellArea: number, opts: VolumeOptions = VOLUME_DEFAULTS): VolumeScaling {
  let lossMin = Infinity;
  for (let i = 0; i < loss.length; i++) if (loss[i] < lossMin) lossMin = loss[i];
  const excess = Float64Array.from(loss, (v) => (Number.isFinite(v) ? v - lossMin : Infinity)).sort();
  const N = excess.length;
  // ε at which the set holds k points: the k-th smallest excess (strictly below it: k points, ties aside)
  const epsAt = (k: number) => excess[Math.min(N - 1, Math.max(1, Math.round(k)))];
  // Grid points exactly on the zero-loss set (a lattice line along an axis of minima) sit in every
  // sublevel set; the continuum gives that line no area, so the fit starts where they are few.
  const zeros = countBelow(excess, Number.MIN_VALUE);
  const lo = Math.max(opts.minPoints, opts.minFraction * N, 4 * zeros);
  const hi = Math.max(lo * 2, opts.maxFraction * N);
  const [fitFrom, fitTo] = [epsAt(lo), epsAt(hi)];
  const logV = (eps: number) => Math.log10(countBelow(excess, eps) * cellArea);
  const fitEps = fitFrom > 0 && fitTo > fitFrom ? logSpaced(fitFrom, fitTo, opts.fitPoints) : [];
  const fit = fitLine(fitEps.map(Math.log10), fitEps.map(logV));
  // the drawn curve starts a little below the fit, but past the lattice zeros (excess 0: no log)
  const [drawFrom, drawTo] = [epsAt(Math.min(lo, Math.max(10, 2 * zeros))), epsAt(0.5 * N)];
  const curve = drawFrom > 0 && drawTo > drawFrom ? logSpaced(drawFrom, drawTo, opts.curvePoints) : [];
  return {
    exponent: fit.slope,
    intercept: fit.intercept,
    fitFrom,
    fitTo,
    logEps: curve.map(Math.log10),
    logArea: curve.map(logV),
    lossMin,
  };
}

export interface GridPosterior {
  /** Probability of each grid point's cell, ∝ exp(−n·(L − L_min)); sums to 1. */
  density: Float32Array;
  /** The sum of the stored densities, recomputed (1 up to rounding: a check, not a constant). */
  normalization: number;
  /**
   * How many cells the mass covers, 1/Σp² (the participation ratio): times the cell area, the
   * posterior's effective area, which shrinks as n^(−λ) — volume scaling seen from the posterior.
   * Near 1 the posterior is narrower than the grid resolves.
   */
  effectiveCells: number;
}

/**
 * The tempered posterior exp(−n·L(w)) (flat prior on the box) normalized over the grid, i.e. the
 * Gibbs measure at inverse temperature n (Watanabe 2018, §1.3). Subtracting L_min first keeps the
 * largest term at exp(0) = 1, so no n underflows the whole grid.
 */
export function temperedPosterior(loss: ArrayLike<number>, n: number): GridPosterior {
  let lossMin = Infinity;
  for (let i = 0; i < loss.length; i++) if (loss[i] < lossMin) lossMin = loss[i];
  const weights = Float64Array.from(loss, (v) => (Number.isFinite(v) ? Math.exp(-n * (v - lossMin)) : 0));
  const Z = weights.reduce((s, w) => s + w, 0);
  const density = Float32Array.from(weights, (w) => w / Z);
  let normalization = 0;
  let squares = 0;
  for (const p of density) {
    normalization += p;
    squares += p * p;
  }
  return { density, normalization, effectiveCells: 1 / squares };
}
