/**
 * Where a measured curve changes regime, by one rule for every curve so that two curves' change
 * points can be compared (chapter 5's monitor: the LLC against test accuracy).
 *
 * The rule — the half-change step: take the curve's most extreme value before its end in the
 * direction away from where it ends (its peak, when it ends lower; its trough, when it ends higher);
 * the change point is the first measured step after that extreme at which the curve has covered half
 * the way from the extreme to its final value. It is retrospective: it needs the final value, which a
 * monitor watching a run live does not have — the chapter says so. A curve whose net change is below
 * `minChange` (in its own units) has no change point (null).
 */
export interface ChangePoint {
  /** The step of the change point (a measured step). */
  step: number;
  /** Index of that step in the curve. */
  index: number;
  /** Where the change starts from: the extreme's step and value. */
  fromStep: number;
  from: number;
  /** The curve's final value. */
  to: number;
}

export function halfChangePoint(steps: readonly number[], values: readonly number[], minChange = 0): ChangePoint | null {
  const idx = values.flatMap((v, i) => (Number.isFinite(v) && Number.isFinite(steps[i]) ? [i] : []));
  if (idx.length < 2) return null;
  const last = idx[idx.length - 1];
  const to = values[last];
  // the extreme farthest from the final value, on either side: where the curve's change starts
  let ext = idx[0];
  for (const i of idx) if (Math.abs(values[i] - to) > Math.abs(values[ext] - to)) ext = i;
  const from = values[ext];
  if (!(Math.abs(to - from) > minChange)) return null;
  const half = (from + to) / 2;
  const falling = to < from;
  for (const i of idx) {
    if (i <= ext) continue;
    if (falling ? values[i] <= half : values[i] >= half) return { step: steps[i], index: i, fromStep: steps[ext], from, to };
  }
  return null;
}
