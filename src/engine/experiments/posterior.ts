/**
 * "Where the good parameters are": a two-parameter model's loss over a plane of parameters,
 * evaluated on a grid in one call, drawn as the tempered posterior ∝ exp(−n·L(w)), and its learning
 * coefficient λ measured by volume scaling — the area where L(w) − L_min < ε grows as ε^λ
 * (Watanabe 2009, "Algebraic Geometry and Statistical Learning Theory", §7.1; Watanabe 2018,
 * "Mathematical Theory of Bayesian Statistics", §5.1).
 *
 *   product  f(x) = w₁·w₂·x, teacher y = a·x: L = E[x²]·(w₁w₂ − a)², a singular model whose
 *            zero-loss set is the hyperbola w₁w₂ = a, λ = 1/2 (m = 1) for a ≠ 0; at a = 0 the two
 *            axes, λ = 1/2 with multiplicity m = 2, whose log factor bends the fit below 1/2;
 *   regular  f(x) = w₁·x₁ + w₂·x₂, teacher y = a·x₁ + x₂: one zero-loss point (a, 1) — a point of the
 *            product model's curve — and a quadratic bowl around it, λ = d/2 = 1.
 *
 * Data: DATA_POINTS inputs x ~ N(0, 1) from the seed, and noiseless targets. Without noise L_min = 0
 * exactly, the zero-loss set is exactly the teacher's, and L − L_min is a sum of squares computed in
 * float32 without cancelling against a noise floor (which would blur the smallest ε). The same
 * sample stands in for the population loss L(w) at every n: `n` only tempers the posterior, so the
 * reader can move it without the picture's curve moving (and the grid program's cost does not grow
 * with n).
 */
import { volumeScaling, temperedPosterior } from '../analysis/volume';
import { gridCoords } from '../analysis/landscape';
import { claim, defineExperiment, type TrainingData } from '../experiment';
import type { FieldTable } from '../fields';
import type { RunPlan } from '../lab';
import { makeRng } from '../random';
import type { Dataset, ModelSpec } from '../spec';

/** The plane drawn: w₁, w₂ ∈ [−BOX, BOX]. */
export const POSTERIOR_BOX = 3;
/** Samples behind the loss (a stand-in for the population: see above). */
export const DATA_POINTS = 64;

const fields = {
  model: {
    kind: 'enum',
    default: 'product',
    label: 'Model',
    options: [
      { value: 'product', label: 'product w₁·w₂·x (singular)' },
      { value: 'regular', label: 'regular w₁·x₁ + w₂·x₂' },
    ],
  },
  target: { kind: 'float', default: 1, min: -2, max: 2, step: 0.1, label: 'Teacher a' },
  n: { kind: 'int', default: 100, min: 1, max: 10000, label: 'n, the sample size in exp(−n·L)' },
  // odd sides put w = 0 on the grid, as the axes of minima at a = 0 need (analysis/volume.ts)
  grid: { kind: 'int', default: 201, min: 51, max: 301, step: 10, label: 'Grid points per side' },
} satisfies FieldTable;

type Config = { model: string; target: number; seed: number };

/** The teacher's data and the model (its random starts spread over the box): one seeded sample, noiseless targets. */
export function posteriorProblem(c: Config): { data: Dataset; model: ModelSpec } {
  const rng = makeRng(c.seed);
  if (c.model === 'regular') {
    const X = Float32Array.from({ length: 2 * DATA_POINTS }, () => rng.normal());
    const Y = Float32Array.from({ length: DATA_POINTS }, (_, i) => c.target * X[2 * i] + X[2 * i + 1]);
    return { data: { X, Y, n: DATA_POINTS, inDim: 2, outDim: 1 }, model: { kind: 'mlp', widths: [2, 1], activation: 'linear', bias: false, initScale: 2 } };
  }
  const X = Float32Array.from({ length: DATA_POINTS }, () => rng.normal());
  const Y = X.map((x) => c.target * x);
  // f(x; w) = x·w₁·w₂: the normal-crossing model with powers [1, 1]
  return { data: { X, Y, n: DATA_POINTS, inDim: 1, outDim: 1 }, model: { kind: 'normal-crossing', powers: [1, 1], initBox: 2 } };
}

/**
 * Gradient descent from a few random starts beside the posterior: each run ends at one point of
 * the zero-loss set, where the posterior weighs all of them. (The plane program is this run's too.)
 */
export const DESCENTS = 8;
export const DESCENT_STEPS = 400;

function posteriorPlan(c: Config): RunPlan {
  const { data, model } = posteriorProblem(c);
  return {
    data,
    spec: {
      model,
      loss: 'mse',
      optimizer: { kind: 'sgd' },
      lr: 0.05,
      initSeeds: Array.from({ length: DESCENTS }, (_, i) => c.seed + i),
      batch: data.n,
      fused: 50,
      steps: DESCENT_STEPS,
    },
  };
}

/**
 * The zero-loss set inside the box, as polylines [w₁, w₂, w₁, w₂, …]: the hyperbola's two branches
 * (w₂ = a/w₁ for |w₁| ≥ |a|/BOX), or at a = 0 the two axes; for the regular model the point (a, 1).
 */
export function zeroLossSet(model: string, a: number, box = POSTERIOR_BOX): number[][] {
  if (model === 'regular') return [[a, 1]];
  if (a === 0) return [[-box, 0, box, 0], [0, -box, 0, box]];
  const from = Math.abs(a) / box;
  const branch = (sign: number) =>
    Array.from({ length: 60 }, (_, i) => sign * from * (box / from) ** (i / 59)).flatMap((w1) => [w1, a / w1]);
  return [branch(1), branch(-1)];
}

export interface PosteriorFigure {
  /** Grid points per side; the grid is row-major from the top row (w₂ = BOX) down, w₁ left to right. */
  side: number;
  /** The tempered posterior's probability per grid cell, ∝ exp(−n·(L − L_min)), summing to 1. */
  density: Float32Array;
  /** How many grid cells the posterior's mass covers (1/Σp²): near 1 the grid cannot resolve it. */
  effectiveCells: number;
  /** The zero-loss set (polylines, or one point for the regular model). */
  zeroSet: number[][];
  /** The sublevel areas measured, log₁₀ ε against log₁₀ V(ε), over a wider range than the fit. */
  logEps: number[];
  logArea: number[];
  /** The fitted line log₁₀ V = intercept + volumeExponent·log₁₀ ε, and the ε range fitted. */
  intercept: number;
  fitFrom: number;
  fitTo: number;
  /** The smallest loss on the grid, which ε is measured from (the true minimum is 0). */
  lossMin: number;
  /** Where each gradient-descent run is now, [DESCENTS × 2] (w₁, w₂), and where it started. */
  descents: Float32Array;
  descentStarts: Float32Array;
  /** The theory's λ for the model (1/2 product, 1 regular), for contrast with the fit. */
  lambdaTheory: number;
}

export const posterior = defineExperiment<PosteriorFigure>()({
  id: 'posterior',
  title: 'Where the good parameters are',
  fields,
  metrics: {
    volumeExponent:
      'λ by volume scaling: the slope of log V(ε) against log ε, V(ε) the area where L − L_min < ε, fitted over the range the figure shades (≈ 0.5 product with a ≠ 0, ≈ 1 regular; at a = 0 the multiplicity-2 log factor bends it below 0.5)',
    normalization: 'the sum of the posterior over the grid, recomputed from the drawn densities (1 up to rounding)',
    posteriorArea:
      'the posterior’s effective area, (cell area)/Σp²: it shrinks as n^(−λ), by √10 per tenfold n for the product model and tenfold for the regular one',
    fitDecades: 'how many decades of ε the fit spans (log₁₀ of its largest over its smallest ε; the figure gives the range)',
  },
  small: { grid: 51 },
  claims: (m) => [
    ...claim(m.volumeExponent >= 0.4 && m.volumeExponent <= 0.6, `the product model's volume exponent should be near λ = 1/2 (got ${m.volumeExponent})`),
    ...claim(Math.abs(m.normalization - 1) < 1e-6, `the posterior should sum to 1 over the grid (got ${m.normalization})`),
  ],
  trainingData: (c): TrainingData => {
    const { data } = posteriorProblem(c);
    const first = data.X.filter((_, i) => i % data.inDim === 0);
    const note =
      c.model === 'regular'
        ? `The ${data.n} samples, first input x₁ against y = a·x₁ + x₂ (x₂ not drawn): no noise.`
        : `The ${data.n} samples x ~ N(0, 1) with y = a·x: no noise, so the loss is 0 exactly on w₁w₂ = a.`;
    return { kind: 'curve', xs: first, ys: data.Y, xTitle: c.model === 'regular' ? 'input x₁' : 'input x', yTitle: 'target y', note };
  },
  async run(ctx) {
    const c = ctx.config;
    const run = await ctx.lab.start(posteriorPlan(c));
    const side = c.grid;
    // one program call for the whole grid: θ = a·(1, 0) + b·(0, 1) at every (a, b) of the grid
    const plane = await run.plane('train', new Float32Array(2), Float32Array.of(1, 0), Float32Array.of(0, 1), gridCoords(side, POSTERIOR_BOX));
    const cellArea = ((2 * POSTERIOR_BOX) / (side - 1)) ** 2;
    const v = volumeScaling(plane.loss, cellArea);
    const post = temperedPosterior(plane.loss, c.n);
    ctx.report({
      metrics: { volumeExponent: v.exponent, normalization: post.normalization, posteriorArea: post.effectiveCells * cellArea, fitDecades: Math.log10(v.fitTo / v.fitFrom) },
      figure: {
        side,
        density: post.density,
        effectiveCells: post.effectiveCells,
        zeroSet: zeroLossSet(c.model, c.target),
        logEps: v.logEps,
        logArea: v.logArea,
        intercept: v.intercept,
        fitFrom: v.fitFrom,
        fitTo: v.fitTo,
        lossMin: v.lossMin,
        lambdaTheory: c.model === 'regular' ? 1 : 0.5,
        descentStarts: await run.params(),
      },
    });
    await run.trainTo(DESCENT_STEPS, async () => ctx.report({ figure: { descents: await run.params() } }));
  },
});
