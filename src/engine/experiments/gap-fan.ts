/**
 * "Same fit, different extrapolation": many seeds fit the same 1-D training points, with a gap,
 * equally well, and disagree between and beyond them. D'Amour et al. (2022) call this
 * underspecification; the spread of the fan where there is no data is its size.
 */
import { gapRegression } from '../datasets';
import type { Dataset, RunSpec } from '../spec';

export interface GapFanConfig {
  members: number;
  seed: number;
  steps: number;
  lr: number;
  hidden: number;
}

export const GAP_FAN_DEFAULTS: GapFanConfig = { members: 30, seed: 1, steps: 3000, lr: 0.003, hidden: 32 };
export const GAP: [number, number] = [-0.35, 0.5];
export const RANGE: [number, number] = [-1, 1];
/** The inputs at which the fan is drawn: the data range and a margin beyond it on both sides. */
export const VIEW: [number, number] = [-1.6, 1.6];

export function gapFanExperiment(c: GapFanConfig): { spec: RunSpec; data: Dataset } {
  const data = gapRegression({ n: 24, seed: 11, range: RANGE, gap: GAP, f: (x) => Math.sin(3 * x) });
  const seeds = Array.from({ length: c.members }, (_, i) => c.seed + i);
  return {
    data,
    spec: {
      model: { kind: 'mlp', widths: [1, c.hidden, c.hidden, 1], activation: 'tanh' },
      loss: 'mse',
      optimizer: { kind: 'adam' },
      lr: c.lr,
      initSeeds: seeds,
      batch: data.n,
      fused: 25,
      steps: c.steps,
    },
  };
}

/** Evenly spaced inputs over VIEW, as a [n, 1] row-major array. */
export function fanInputs(n = 161): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => VIEW[0] + ((VIEW[1] - VIEW[0]) * i) / (n - 1));
}

function std(values: number[]): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
}

/**
 * Spread of the fan: the mean over inputs of the across-seed standard deviation, separately where
 * the training data are (inside RANGE, outside the gap), inside the gap, and beyond the range.
 * pred is [E, n] for the inputs xs.
 */
export function fanSpread(pred: ArrayLike<number>, xs: ArrayLike<number>, members: number) {
  const n = xs.length;
  const buckets = { data: [] as number[], gap: [] as number[], beyond: [] as number[] };
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    const s = std(Array.from({ length: members }, (_, e) => pred[e * n + i]));
    if (x < RANGE[0] || x > RANGE[1]) buckets.beyond.push(s);
    else if (x > GAP[0] && x < GAP[1]) buckets.gap.push(s);
    else buckets.data.push(s);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  return { spreadData: mean(buckets.data), spreadGap: mean(buckets.gap), spreadBeyond: mean(buckets.beyond) };
}
