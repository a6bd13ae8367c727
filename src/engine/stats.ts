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

/** Ranks 1…n of the values, ties sharing their mean rank (for Spearman's ρ). */
export function ranks(v: ArrayLike<number>): number[] {
  const idx = Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Array<number>(v.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Pearson correlation of two equally long samples (NaN when either is constant or shorter than 2). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length || n < 2) return NaN;
  const ma = mean(a), mb = mean(b);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/**
 * Spearman's rank correlation ρ: Pearson's correlation of the ranks (ties at their mean rank), over
 * the pairs where both values are finite. NaN with fewer than two such pairs or a constant side.
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const keep = Array.from({ length: Math.min(a.length, b.length) }, (_, i) => i).filter((i) => Number.isFinite(a[i]) && Number.isFinite(b[i]));
  return pearson(ranks(keep.map((i) => a[i])), ranks(keep.map((i) => b[i])));
}
