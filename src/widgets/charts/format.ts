/**
 * Numbers as a chart shows them: short, never "NaN" or "996e+25". Non-finite values read "–";
 * very large or very small magnitudes switch to a compact exponent ("2.1e5").
 */
import { format } from 'd3';

const general = format('.3~r');
const exponent = format('.2~e');

export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return exponent(v).replace('e+', 'e');
  if (Number.isInteger(v)) return String(v);
  return general(v);
}

export const pct = (v: number | null | undefined, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)}%`);

/** Finite values only: the extent a scale should cover ([0, 1] when there are none). */
export function finiteExtent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** Ticks for a log scale: the powers of ten inside the domain, with 2× and 5× when they are too few. */
export function logTicks([lo, hi]: [number, number]): number[] {
  if (!(lo > 0) || !(hi > lo)) return [];
  const decades: number[] = [];
  for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) decades.push(10 ** e);
  if (decades.length >= 3) return decades.length > 6 ? decades.filter((_, i) => i % 2 === 0) : decades;
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) for (const m of [1, 2, 5]) out.push(m * 10 ** e);
  return out.filter((t) => t >= lo && t <= hi);
}

export function hasNonFinite(values: Iterable<number> | null | undefined): boolean {
  if (!values) return false;
  for (const v of values) if (!Number.isFinite(v)) return true;
  return false;
}
