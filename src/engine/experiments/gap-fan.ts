/**
 * "Same fit, different extrapolation": many seeds fit the same 1-D training points, with a gap,
 * equally well, and disagree between and beyond them. D'Amour et al. (2022) call this
 * underspecification; the spread of the fan where there is no data is its size.
 */
import { gapRegression } from '../datasets';
import { claim, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import type { RunPlan } from '../lab';
import { maxOf, mean, std } from '../stats';

export const GAP: [number, number] = [-0.35, 0.5];
export const RANGE: [number, number] = [-1, 1];
/** The inputs at which the fan is drawn: the data range and a margin beyond it on both sides. */
export const VIEW: [number, number] = [-1.6, 1.6];

/** Evenly spaced inputs over VIEW, as a [n, 1] row-major array. */
export function fanInputs(n = 161): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => VIEW[0] + ((VIEW[1] - VIEW[0]) * i) / (n - 1));
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
  return { spreadData: mean(buckets.data), spreadGap: mean(buckets.gap), spreadBeyond: mean(buckets.beyond) };
}

const fields = {
  members: { kind: 'int', default: 30, min: 2, max: 200, label: 'Models' },
  lr: { kind: 'float', default: 0.003, min: 1e-5, max: 10, label: 'Learning rate' },
  steps: { kind: 'int', default: 3000, min: 50, max: 20000, step: 50, label: 'Steps' },
} satisfies FieldTable;

export function gapFanPlan(c: { members: number; seed: number; lr: number; steps: number }): RunPlan {
  const data = gapRegression({ n: 24, seed: 11, range: RANGE, gap: GAP, f: (x) => Math.sin(3 * x) });
  return {
    data,
    spec: {
      model: { kind: 'mlp', widths: [1, 32, 32, 1], activation: 'tanh' },
      loss: 'mse',
      optimizer: { kind: 'adam' },
      lr: c.lr,
      initSeeds: Array.from({ length: c.members }, (_, i) => c.seed + i),
      batch: data.n,
      fused: 25,
      steps: c.steps,
    },
  };
}

export interface GapFanFigure {
  /** Inputs at which the curves are drawn. */
  xs: Float32Array;
  /** Member outputs at xs, [E, xs.length]. */
  curves: Float32Array;
  points: { x: number; y: number }[];
}

export const gapFan = defineExperiment<GapFanFigure>()({
  id: 'gap-fan',
  title: 'Same fit, different extrapolation',
  fields,
  metrics: {
    step: 'training steps done',
    loss: 'worst training loss (MSE, full batch) of any seed, at the weights before the latest step’s update',
    members: 'number of seeds trained',
    spreadData: 'mean across-seed standard deviation of the output where there is training data',
    spreadGap: 'the same inside the gap in the data',
    spreadBeyond: 'the same beyond the range of the data',
  },
  small: { members: 3, steps: 50 },
  trainingData: (c) => {
    const d = gapFanPlan(c).data;
    return { kind: 'curve', xs: d.X, ys: d.Y, xTitle: 'input x', yTitle: 'target y = sin 3x', note: `The ${d.n} training points, the same for every seed: none in the gap (${GAP[0]} to ${GAP[1]}) or beyond ${RANGE[0]} and ${RANGE[1]}.` };
  },
  claims: (m) => [
    ...claim(m.loss < 0.01, `every seed should fit the data (worst loss ${m.loss})`),
    ...claim(m.spreadGap > 4 * m.spreadData, `seeds should fan out in the gap (${m.spreadGap} vs ${m.spreadData} on the data)`),
    ...claim(m.spreadBeyond > m.spreadGap, `and more beyond the data (${m.spreadBeyond} vs ${m.spreadGap})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const plan = gapFanPlan(c);
    const xs = fanInputs();
    ctx.report({ figure: { xs, points: Array.from(plan.data.X, (x, i) => ({ x, y: plan.data.Y[i] })) } });
    const run = await ctx.lab.start(plan);
    await run.trainTo(c.steps, async (chunk) => {
      const curves = await run.predict(xs, xs.length);
      ctx.report({ metrics: { step: chunk.step, loss: maxOf(chunk.loss), members: run.members, ...fanSpread(curves, xs, run.members) }, figure: { curves } });
    });
  },
});
