/**
 * Calibrating the local learning coefficient estimator (Lau et al. 2023) against closed forms:
 * SGLD chains (an ensemble axis: all chains in one program call, noise from the seed) around w*, λ̂ = nβ·(E[L_n] − L_n(w*)),
 * beside the true λ of three families of models:
 *   regular          linear regression in d dimensions, λ = d/2 (Watanabe 2009);
 *   normal-crossing  f(x; w) = x·Πwᵢ^{kᵢ} at w* = 0 with data from f = 0, λ = 1/(2·max kᵢ);
 *   dln              a deep linear network (widths `dims`) at a teacher of rank r: λ from Aoyagi &
 *                    Watanabe (2005) for two layers (reduced-rank regression), Aoyagi (2024) for more.
 * Data: x ~ N(0, I) (normal crossing: N(0, 2²), as devinterp's tests), y = teacher(x) + noise, MSE
 * loss (mean over rows and outputs, as devinterp's `evaluate_mse`). w*: the teacher (a factorization
 * of it through the layers, padded with zeros, for the DLN), then full-batch gradient descent to the empirical minimum
 * near it. The defaults (ε = 10⁻³, γ = 1, nβ = 145 ≈ n/log n at n = 1000, 4 chains, 1000 burn-in
 * steps, 4000 draws, full batch) were calibrated so that λ̂ lands within 20% of d/2 and within 40%
 * of the singular families' λ; the prose discusses how γ, ε and nβ move it.
 */
import { SGLD_DEFAULTS } from '../analysis/sgld';
import { deepLinearLambda, type LearningCoefficient, normalCrossingLambda, regularLambda } from '../analysis/llc';
import { claim, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import type { RunPlan } from '../lab';
import { makeRng, type Rng } from '../random';
import type { Dataset, ModelSpec } from '../spec';
import { type ChainSummary, type ChainTraces, chainSettings, failedMeasurement, sampleLlc } from './llc-chains';

const fields = {
  family: {
    kind: 'enum',
    default: 'dln',
    label: 'Model',
    options: [
      { value: 'regular', label: 'regular: linear regression' },
      { value: 'normal-crossing', label: 'normal crossing x·Πwᵢ^kᵢ' },
      { value: 'dln', label: 'deep linear network' },
    ],
  },
  d: { kind: 'int', default: 4, min: 1, max: 10, label: 'Dimension d (regular)' },
  k: {
    kind: 'enum',
    default: '1,2',
    label: 'Exponents k (normal crossing)',
    options: [
      { value: '1,2', label: '1, 2 (λ = 1/4)' },
      { value: '1,3', label: '1, 3 (λ = 1/6)' },
      { value: '1,4', label: '1, 4 (λ = 1/8)' },
    ],
  },
  dims: {
    kind: 'enum',
    default: '5,3,5',
    label: 'Widths (DLN)',
    options: [
      { value: '5,3,5', label: '5 → 3 → 5' },
      { value: '4,2,4', label: '4 → 2 → 4' },
      { value: '6,4,6', label: '6 → 4 → 6' },
      { value: '4,3,8', label: '4 → 3 → 8' },
      { value: '3,2,2,3', label: '3 → 2 → 2 → 3' },
      { value: '4,3,3,4', label: '4 → 3 → 3 → 4' },
    ],
  },
  rank: { kind: 'int', default: 1, min: 0, max: 4, label: 'Teacher rank (DLN)' },
  epsilon: { kind: 'float', default: SGLD_DEFAULTS.epsilon, min: 1e-6, max: 0.1, label: 'Step size ε' },
  gamma: { kind: 'float', default: SGLD_DEFAULTS.gamma, min: 0, max: 10000, label: 'Localization γ' },
  nbeta: { kind: 'float', default: 145, min: 1, max: 100000, label: 'Inverse temperature nβ (n/log n ≈ 145 at n = 1000)' },
  chains: { kind: 'int', default: SGLD_DEFAULTS.chains, min: 1, max: 16, label: 'Chains' },
  draws: { kind: 'int', default: SGLD_DEFAULTS.draws, min: 10, max: 20000, step: 100, label: 'Draws per chain' },
  burnin: { kind: 'int', default: SGLD_DEFAULTS.burnin, min: 0, max: 10000, step: 100, label: 'Burn-in steps' },
  n: { kind: 'int', default: 1000, min: 50, max: 5000, step: 50, label: 'Training examples n' },
} satisfies FieldTable;

type Family = 'regular' | 'normal-crossing' | 'dln';

/** Label noise of the regression families (its size moves w* off the teacher, not λ). */
export const NOISE = 0.5;
/** Full-batch gradient descent from the teacher to the empirical minimum w*: steps and step size. */
export const FIT_STEPS = 300;
const FIT_LR = 0.1;

export interface CalibrationProblem {
  data: Dataset;
  model: ModelSpec;
  /** Where w* is sought from: the teacher's parameters (normal crossing: 0). */
  start: Float32Array;
  truth: LearningCoefficient;
}

const parseList = (s: string) => s.split(',').map(Number);

/** Orthonormal vectors v₁…v_r in ℝ^dim (Gram–Schmidt on Gaussian draws). */
export function orthonormal(rng: Rng, dim: number, r: number): Float64Array[] {
  const out: Float64Array[] = [];
  while (out.length < r) {
    const v = Float64Array.from({ length: dim }, () => rng.normal());
    for (const u of out) {
      const dot = u.reduce((s, ui, i) => s + ui * v[i], 0);
      for (let i = 0; i < dim; i++) v[i] -= dot * u[i];
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-6) out.push(v.map((x) => x / norm));
  }
  return out;
}

/**
 * The family's data, model and true λ. Regression teachers have unit singular values (a DLN
 * teacher of rank r is Σₐ uₐvₐᵀ with orthonormal u's and v's): a tiny singular value would sit
 * below the posterior's resolution at this nβ and the measured λ would be that of a lower rank.
 */
export function calibrationProblem(c: { family: string; d: number; k: string; dims: string; rank: number; n: number; seed: number }): CalibrationProblem {
  const rng = makeRng(c.seed);
  const family = c.family as Family;
  if (family === 'normal-crossing') {
    const powers = parseList(c.k);
    const X = Float32Array.from({ length: c.n }, () => 2 * rng.normal());
    const Y = Float32Array.from({ length: c.n }, () => 0.25 * rng.normal());
    const lambda = normalCrossingLambda(powers);
    const multiplicity = powers.filter((k) => k === Math.max(...powers)).length;
    return {
      data: { X, Y, n: c.n, inDim: 1, outDim: 1 },
      model: { kind: 'normal-crossing', powers },
      start: new Float32Array(powers.length),
      truth: { lambda, multiplicity, regime: 'normal crossing at w* = 0' },
    };
  }
  const dims = family === 'regular' ? [c.d, 1] : parseList(c.dims);
  const r = family === 'regular' ? 1 : c.rank;
  const [M, N] = [dims[0], dims[dims.length - 1]];
  const truth = family === 'regular' ? { lambda: regularLambda(c.d), multiplicity: 1, regime: 'regular' } : deepLinearLambda(dims, r);
  const u = orthonormal(rng, M, r);
  const v = orthonormal(rng, N, r);
  const teacher = new Float64Array(M * N); // x·T, T [M, N]
  for (let a = 0; a < r; a++) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) teacher[i * N + j] += u[a][i] * v[a][j];
  const X = Float32Array.from({ length: c.n * M }, () => rng.normal());
  const Y = new Float32Array(c.n * N);
  for (let s = 0; s < c.n; s++) {
    for (let j = 0; j < N; j++) {
      let y = NOISE * rng.normal();
      for (let i = 0; i < M; i++) y += X[s * M + i] * teacher[i * N + j];
      Y[s * N + j] = y;
    }
  }
  return {
    data: { X, Y, n: c.n, inDim: M, outDim: N },
    model: { kind: 'mlp', widths: dims, activation: 'linear', bias: false },
    start: family === 'regular' ? Float32Array.from(teacher) : factorTeacher(dims, u, v),
    truth,
  };
}

/**
 * The teacher Σₐ uₐvₐᵀ as a product of the layers, in the mlp's layout (each Wₗ [Hₗ, Hₗ₊₁]
 * row-major, one after another): W₁ = [u₁ … u_r 0 …], the middle layers the identity on their
 * first r units, W_L = [v₁ᵀ; …; v_rᵀ; 0].
 */
export function factorTeacher(dims: number[], u: Float64Array[], v: Float64Array[]): Float32Array {
  const L = dims.length - 1;
  const offsets = [0];
  for (let l = 0; l < L; l++) offsets.push(offsets[l] + dims[l] * dims[l + 1]);
  const w = new Float32Array(offsets[L]);
  u.forEach((ua, a) => {
    for (let i = 0; i < dims[0]; i++) w[i * dims[1] + a] = ua[i];
    for (let l = 1; l < L - 1; l++) w[offsets[l] + a * dims[l + 1] + a] = 1;
    for (let j = 0; j < dims[L]; j++) w[offsets[L - 1] + a * dims[L] + j] = v[a][j];
  });
  return w;
}


/** The run that finds w*: one member starts at the teacher and descends the full-batch loss. */
export function calibrationPlan(p: CalibrationProblem, seed: number): RunPlan {
  return {
    data: p.data,
    init: p.start,
    spec: {
      model: p.model,
      loss: 'mse',
      optimizer: { kind: 'sgd' },
      lr: FIT_LR,
      initSeeds: [seed],
      batch: p.data.n,
      fused: 50,
      steps: FIT_STEPS,
    },
  };
}

export interface LlcCalibrationFigure extends ChainTraces {
  llcEstimate: number;
  llcStd: number;
  llcTrue: number;
  /** Which case of the closed form applies, and the multiplicity. */
  regime: string;
  multiplicity: number;
}

/** The relative error a family's estimate is held to (Lau et al. 2023 report similar accuracy). */
export function tolerance(family: string): number {
  return family === 'regular' ? 0.2 : 0.4;
}

export const llcCalibration = defineExperiment<LlcCalibrationFigure>()({
  id: 'llc-calibration',
  title: 'Calibrating the LLC estimator against closed forms',
  fields,
  metrics: {
    llcEstimate: 'λ̂, the mean over chains of nβ·(mean loss over the kept draws − L_n(w*))',
    llcStd: 'standard deviation of λ̂ over the chains',
    llcTrue: 'the learning coefficient in closed form: d/2, 1/(2·max k), or Aoyagi & Watanabe (2005) for the DLN',
    relativeError: '(λ̂ − λ) / λ: negative when the estimator reads low (γ too large, chains not mixed)',
    healthy: '1 when every chain passed its checks (finite, not drifting or exploding, λ̂ ≥ 0), else 0',
  },
  small: { family: 'regular', d: 2, chains: 2, draws: 200, burnin: 50, n: 200 },
  trainingData: (c) => {
    const [xTitle, yTitle] = ['first input x₁', 'first target y₁'];
    let p: CalibrationProblem;
    try {
      p = calibrationProblem(c);
    } catch (e) {
      // settings with no such model (a teacher rank the widths cannot hold): the run says why
      return { kind: 'curve', xs: new Float32Array(0), ys: new Float32Array(0), xTitle, yTitle, note: `No data: ${(e as Error).message}.` };
    }
    const first = (v: Float32Array, width: number) => v.filter((_, i) => i % width === 0);
    return { kind: 'curve', xs: first(p.data.X, p.data.inDim), ys: first(p.data.Y, p.data.outDim), xTitle, yTitle, note: `The ${p.data.n} training examples (first input against first target): the teacher plus noise.` };
  },
  claims: (m) => [...claim(Math.abs(m.relativeError) <= 0.4, `λ̂ = ${m.llcEstimate} should land within 40% of λ = ${m.llcTrue} (relative error ${m.relativeError})`)],
  async run(ctx) {
    const c = ctx.config;
    const problem = calibrationProblem(c);
    const run = await ctx.lab.start(calibrationPlan(problem, c.seed), { share: [0, 0.1] });
    await run.trainTo(FIT_STEPS);
    const anchor = await run.params();
    const anchorLoss = (await run.evaluate(['train']))[0].loss[0];
    const llcTrue = problem.truth.lambda;
    const figureOf = ({ est, figure }: ChainSummary): LlcCalibrationFigure => ({
      ...figure,
      llcEstimate: est.mean,
      llcStd: est.std,
      llcTrue,
      regime: problem.truth.regime,
      multiplicity: problem.truth.multiplicity,
    });
    ctx.report({ metrics: { llcTrue } });
    const chains = await sampleLlc(run, {
      anchor,
      anchorLoss,
      ...chainSettings(c),
      batch: problem.data.n,
      share: [0.1, 1],
      // live traces; the estimate only once draws past the burn-in exist
      onChunk: (partial) => ctx.report({ figure: figureOf(partial) }),
    });
    ctx.report({
      metrics: {
        llcEstimate: chains.est.mean,
        llcStd: chains.est.std,
        llcTrue,
        relativeError: (chains.est.mean - llcTrue) / llcTrue,
        healthy: chains.healthy ? 1 : 0,
      },
      figure: figureOf(chains),
    });
    const failed = failedMeasurement(chains);
    if (failed) ctx.unconverged(failed);
  },
});
