/**
 * Estimating the local learning coefficient of a trained network, live (Lau et al. 2023): a small
 * tanh MLP is trained on a 1-D regression task until it sits at a minimum w*, then SGLD chains
 * (an ensemble axis: one chain per member, all in one program call per step, the noise drawn in JS
 * from the seed) sample the localized tempered posterior ∝ exp(−nβ·L_n(w) − (γ/2)‖w − w*‖²) and
 *
 *   λ̂ = nβ·(E_w[L_n(w)] − L_n(w*)),   nβ = n/log n (β = 1/log n, Watanabe's WBIC temperature)
 *
 * is read off their loss traces after the burn-in, as devinterp does. The hyperparameters are the
 * reader's: a step size ε too large makes the chains explode, a γ too large pins them to w* and
 * biases λ̂ down, a chain that drifts or reads below w* is named — the figure warns rather than
 * reporting a number it cannot vouch for. For contrast, d/2: what λ would be if the network were a
 * regular model (Watanabe 2009); a singular network's λ̂ lands below it.
 */
import { defaultNbeta, regularLambda } from '../analysis/llc';
import { claim, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import type { RunPlan } from '../lab';
import { makeRng } from '../random';
import { buildModel, type Dataset } from '../spec';
import { type ChainSummary, type ChainTraces, chainSettings, failedMeasurement, sampleLlc } from './llc-chains';

/** Training examples of the task: n = 1000 as in the calibration, so nβ = n/log n ≈ 145 there too. */
export const TASK_N = 1000;
/** Label noise: w* is the empirical minimum of a noisy sample, as in any real fit. */
const TASK_NOISE = 0.1;

/** y = sin(πx) + N(0, 0.1²) at x ~ U(−1, 1): one smooth bump up and one down, a few tanh units fit it. */
export function sineTask(seed: number, n = TASK_N): Dataset {
  const rng = makeRng(seed).fork(41);
  const X = Float32Array.from({ length: n }, () => 2 * rng.uniform() - 1);
  const Y = X.map((x) => Math.sin(Math.PI * x) + TASK_NOISE * rng.normal());
  return { X, Y, n, inDim: 1, outDim: 1 };
}

/** Full-batch Adam to near convergence; the chains need a minimum, not a point on the way down. */
export const TRAIN_LR = 0.01;
export const TRAIN_STEPS = 3000;

/** One member, a 1 → width → 1 tanh MLP with biases, trained full-batch on the task. */
export function networkPlan(width: number, data: Dataset, seed: number, steps = TRAIN_STEPS): RunPlan {
  return {
    data,
    spec: {
      model: { kind: 'mlp', widths: [1, width, 1], activation: 'tanh' },
      loss: 'mse',
      optimizer: { kind: 'adam' },
      lr: TRAIN_LR,
      initSeeds: [seed],
      batch: data.n,
      fused: 50,
      steps,
    },
  };
}

/**
 * SGLD for these networks: SGLD_DEFAULTS (sgld.ts) were calibrated on losses of O(1) curvature,
 * but a tanh MLP's sharpest directions (the output layer: curvature ≈ 2·Σ tanh² over the units;
 * the saturated units of a narrow net, steeper still) reach tens, where ε·nβ·h/4 nears 1 at
 * ε = 10⁻³ and the Langevin steps inflate the posterior without bound. Measured at nβ = 145,
 * seed 1: at ε = 10⁻³, width 32 read λ̂ ≈ 31 with a drifting chain and width 2 read 11 > d/2 = 3.5;
 * at 10⁻⁴ they read 2.3 and 1.9, at 2·10⁻⁴ 2.6 and 2.3, healthy. 2·10⁻⁴ with γ = 10 (relaxation
 * along flat valleys εγ/2 = 10⁻³ per step) left every chain healthy at width 8 over seeds 1–4
 * (λ̂ 2.17–2.33), where 10⁻⁴ still drifted now and then; γ = 100 read ~30% lower (Lau et al.
 * 2023: γ must stay small next to nβ × the curvature, or it biases λ̂ down).
 */
export const NETWORK_SGLD = { epsilon: 2e-4, gamma: 10 } as const;

/** Parameters of the 1 → width → 1 MLP with biases: d = 3·width + 1. */
export const mlpSize = (width: number) => buildModel({ kind: 'mlp', widths: [1, width, 1], activation: 'tanh' }).size;

const fields = {
  width: { kind: 'int', default: 8, min: 1, max: 64, label: 'Hidden units' },
  trainSteps: { kind: 'int', default: TRAIN_STEPS, min: 100, max: 20000, step: 100, label: 'Training steps' },
  epsilon: { kind: 'float', default: NETWORK_SGLD.epsilon, min: 1e-6, max: 1, label: 'Step size ε' },
  gamma: { kind: 'float', default: NETWORK_SGLD.gamma, min: 0, max: 100000, label: 'Localization γ' },
  nbeta: { kind: 'float', default: Math.round(defaultNbeta(TASK_N)), min: 1, max: 100000, label: `Inverse temperature nβ (n/log n ≈ ${Math.round(defaultNbeta(TASK_N))} at n = ${TASK_N})` },
  chains: { kind: 'int', default: 4, min: 1, max: 16, label: 'Chains' },
  draws: { kind: 'int', default: 2000, min: 10, max: 20000, step: 100, label: 'Draws per chain' },
  burnin: { kind: 'int', default: 1000, min: 0, max: 10000, step: 100, label: 'Burn-in steps' },
} satisfies FieldTable;

export interface LlcEstimatorFigure extends ChainTraces {
  /** Training: the step of each point and the full-batch loss there (before the chains start). */
  trainSteps: number[];
  trainLoss: number[];
  /** L_n(w*), the training loss at the anchor. */
  anchorLoss: number;
  /** The top Hessian eigenvalue of L_n at w*: the sharpest direction the chains step along. */
  sharpness: number;
  /** Settings the estimate is biased by (a step too large for the sharpest direction, γ too strong); empty when none. */
  cautions: string[];
  llcMean: number;
  llcStd: number;
  halfD: number;
}

/**
 * What the chains' health checks cannot see: a bias the settings build in. On a quadratic of
 * curvature h the Langevin step inflates the posterior's variance by 1/(1 − ε·nβ·h/4) and is
 * unstable once ε·nβ·h/4 ≥ 1 (sgld.ts), so the top Hessian eigenvalue at w* bounds the step; γ
 * pins every direction whose curvature is below γ/nβ, biasing λ̂ down (Lau et al. 2023) — here
 * γ = 100 (γ/nβ ≈ 0.7) read ~30% below γ = 10.
 */
export function settingCautions(c: { epsilon: number; gamma: number; nbeta: number }, sharpness: number): string[] {
  const out: string[] = [];
  const stiffness = (c.epsilon * c.nbeta * sharpness) / 4;
  if (stiffness >= 1) out.push(`the step size ε is unstable along the sharpest direction (ε·nβ·h/4 = ${stiffness.toFixed(2)} ≥ 1 at curvature h = ${sharpness.toFixed(1)}): lower ε`);
  else if (stiffness > 1 / 3) {
    // a direction whose variance is inflated k-fold adds ½(k − 1) to λ̂ (½ is its regular share)
    const k = 1 / (1 - stiffness);
    out.push(`the step size ε inflates the posterior along the sharpest direction ×${k.toFixed(2)} (curvature h = ${sharpness.toFixed(1)}): λ̂ reads high, by about ${((k - 1) / 2).toFixed(2)} per direction that sharp; lower ε`);
  }
  const soft = c.gamma / c.nbeta;
  if (soft > 0.5) out.push(`the localization γ pins every direction of curvature below γ/nβ = ${soft.toPrecision(2)}: λ̂ reads low; lower γ`);
  return out;
}

export const llcEstimator = defineExperiment<LlcEstimatorFigure>()({
  id: 'llc-estimator',
  title: 'Estimating the LLC live',
  fields,
  metrics: {
    llcMean: 'λ̂, the mean over chains of nβ·(mean loss over the kept draws − L_n(w*)) (Lau et al. 2023)',
    llcStd: 'standard deviation of λ̂ over the chains',
    chains: 'SGLD chains sampled (one per ensemble member)',
    draws: 'draws kept per chain, after the burn-in',
    healthy: '1 when every chain passed its checks (finite, not drifting or exploding, λ̂ ≥ 0), else 0',
    halfD: 'd/2 for the network’s d parameters: λ of a regular model of that size (Watanabe 2009)',
  },
  small: { width: 3, trainSteps: 100, chains: 2, draws: 50, burnin: 20 },
  trainingData: (c) => {
    const d = sineTask(c.seed);
    return { kind: 'curve', xs: d.X, ys: d.Y, xTitle: 'input x', yTitle: 'target y', note: `The ${d.n} training examples: sin(πx) plus noise of standard deviation ${TASK_NOISE}.` };
  },
  claims: (m) => [
    ...claim(m.healthy === 1, 'every chain should pass its health checks at the defaults'),
    ...claim(m.llcMean > 0 && m.llcMean < m.halfD, `λ̂ = ${m.llcMean} should be positive and below d/2 = ${m.halfD}`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const data = sineTask(c.seed);
    const halfD = regularLambda(mlpSize(c.width));
    ctx.report({ metrics: { halfD, chains: c.chains, draws: c.draws }, figure: { halfD } });
    // training takes the first fifth of the bar: it is quick, and the chains are the figure
    const run = await ctx.lab.start(networkPlan(c.width, data, c.seed, c.trainSteps), { share: [0, 0.2] });
    const trainSteps: number[] = [];
    const trainLoss: number[] = [];
    await run.trainTo(c.trainSteps, async (chunk) => {
      trainSteps.push(chunk.step);
      trainLoss.push(chunk.loss[0]);
      ctx.report({ figure: { trainSteps: [...trainSteps], trainLoss: [...trainLoss] } });
    });
    const anchor = await run.params();
    const anchorLoss = (await run.evaluate(['train']))[0].loss[0];
    const sharpness = (await run.sharpness(0, { iters: 20, seed: c.seed })).value;
    const cautions = settingCautions(c, sharpness);
    ctx.report({ figure: { sharpness, cautions } });
    const figureOf = ({ est, figure }: ChainSummary): Partial<LlcEstimatorFigure> => ({ ...figure, anchorLoss, llcMean: est.mean, llcStd: est.std });
    const chains = await sampleLlc(run, {
      anchor,
      anchorLoss,
      ...chainSettings(c),
      batch: data.n,
      share: [0.2, 1],
      onChunk: (partial) => ctx.report({ figure: figureOf(partial) }),
    });
    ctx.report({
      metrics: { llcMean: chains.est.mean, llcStd: chains.est.std, chains: c.chains, draws: c.draws, healthy: chains.healthy ? 1 : 0, halfD },
      figure: figureOf(chains),
    });
    const failed = failedMeasurement(chains);
    if (failed) ctx.unconverged(failed);
  },
});
