/** Summary statistics the experiments share (population standard deviation). */
export function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return v.length ? s / v.length : NaN;
}

export function std(v: ArrayLike<number>): number {
  const m = mean(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - m) ** 2;
  return v.length ? Math.sqrt(s / v.length) : NaN;
}

export function minOf(v: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < v.length; i++) m = Math.min(m, v[i]);
  return m;
}

export function maxOf(v: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) m = Math.max(m, v[i]);
  return m;
}

/** Index of the largest (or, with sign −1, smallest) value. */
export function argBest(v: ArrayLike<number>, sign = 1): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (sign * v[i] > sign * v[best]) best = i;
  return best;
}
