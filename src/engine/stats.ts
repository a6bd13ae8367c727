/**
 * Summary statistics the experiments share (population standard deviation). Each runs over the
 * finite values only: a diverged ensemble member's values are NaN (see LabRun.diverged), so every
 * statistic leaves diverged members out without each experiment filtering them. With no finite
 * value at all the result is NaN (argBest: −1).
 */
function finite(v: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) out.push(v[i]);
  return out;
}

export function mean(v: ArrayLike<number>): number {
  const f = finite(v);
  let s = 0;
  for (const x of f) s += x;
  return f.length ? s / f.length : NaN;
}

export function std(v: ArrayLike<number>): number {
  const f = finite(v);
  const m = mean(f);
  let s = 0;
  for (const x of f) s += (x - m) ** 2;
  return f.length ? Math.sqrt(s / f.length) : NaN;
}

export function minOf(v: ArrayLike<number>): number {
  let m = NaN;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]) && !(v[i] >= m)) m = v[i];
  return m;
}

export function maxOf(v: ArrayLike<number>): number {
  let m = NaN;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]) && !(v[i] <= m)) m = v[i];
  return m;
}

/** Median of the finite values (NaN when there are none). */
export function median(v: ArrayLike<number>): number {
  const f = finite(v).sort((a, b) => a - b);
  if (!f.length) return NaN;
  const h = f.length >> 1;
  return f.length % 2 ? f[h] : (f[h - 1] + f[h]) / 2;
}

/** How many values are finite (the members a statistic is over). */
export function finiteCount(v: ArrayLike<number>): number {
  return finite(v).length;
}

/** Index of the largest (or, with sign −1, smallest) finite value; −1 when none is finite. */
export function argBest(v: ArrayLike<number>, sign = 1): number {
  let best = -1;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]) && (best < 0 || sign * v[i] > sign * v[best])) best = i;
  return best;
}

/** Ranks 1..n of the values, ties given the mean of the ranks they span (all values assumed finite). */
export function ranks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && v[order[j + 1]] === v[order[i]]) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]] = mid;
    i = j + 1;
  }
  return r;
}

/** Pearson correlation of two equally long series (NaN when either is constant or shorter than 2). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length || n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] - mx;
    const b = y[i] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/**
 * Spearman's rank correlation: Pearson's over the ranks, ties given mean ranks. Pairs with a
 * non-finite value in either series are left out (a diverged member's NaN); NaN when fewer than two
 * pairs are left or either series is constant.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`spearman: ${x.length} values against ${y.length}`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      xs.push(x[i]);
      ys.push(y[i]);
    }
  }
  return pearson(ranks(xs), ranks(ys));
}
