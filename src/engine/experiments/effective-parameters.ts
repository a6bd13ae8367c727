/**
 * Effective parameters of a real network: the local learning coefficient λ̂ (Lau et al. 2023) of
 * tanh MLPs 1 → width → 1, each trained on the same task (llc-estimator's sin(πx) + noise), as the
 * width doubles, beside d/2 — what λ would be were the network a regular model (Watanabe 2009).
 * The parameter count grows linearly with the width; the fitted function does not need the extra
 * units, whose parameters then move along directions that leave the loss almost unchanged, so
 * λ̂ — twice the "effective number of parameters" — grows far slower than d/2.
 * Each width: train to a minimum w*, then SGLD chains from it (llc-chains.ts, the same estimate and
 * health checks as the other LLC figures).
 */
import { defaultNbeta, regularLambda } from '../analysis/llc';
import { claim, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import { chainSettings, failedMeasurement, sampleLlc } from './llc-chains';
import { mlpSize, NETWORK_SGLD, networkPlan, settingCautions, sineTask, TASK_N, TRAIN_STEPS } from './llc-estimator';

/** The widths swept: doubling from 2 up to the largest one the reader picked. */
export function sweepWidths(maxWidth: number): number[] {
  const widths: number[] = [];
  for (let w = 2; w <= maxWidth; w *= 2) widths.push(w);
  return widths;
}

const fields = {
  trainSteps: { kind: 'int', default: TRAIN_STEPS, min: 100, max: 20000, step: 100, label: 'Training steps per width' },
  maxWidth: {
    kind: 'enum',
    default: '32',
    label: 'Widest network',
    options: [
      { value: '8', label: '8 hidden units (widths 2, 4, 8)' },
      { value: '16', label: '16 hidden units (widths 2 … 16)' },
      { value: '32', label: '32 hidden units (widths 2 … 32)' },
      { value: '64', label: '64 hidden units (widths 2 … 64)' },
    ],
  },
  epsilon: { kind: 'float', default: NETWORK_SGLD.epsilon, min: 1e-6, max: 1, label: 'Step size ε' },
  gamma: { kind: 'float', default: NETWORK_SGLD.gamma, min: 0, max: 100000, label: 'Localization γ' },
  chains: { kind: 'int', default: 4, min: 1, max: 16, label: 'Chains per width' },
  draws: { kind: 'int', default: 1000, min: 10, max: 20000, step: 100, label: 'Draws per chain' },
  burnin: { kind: 'int', default: 1000, min: 0, max: 10000, step: 100, label: 'Burn-in steps' },
} satisfies FieldTable;

export interface EffectiveParametersFigure {
  /** Every width of the sweep (the chart's x), known from the start. */
  widths: number[];
  /** d/2 per width. */
  halfD: number[];
  /** λ̂ per width, its spread over chains, L_n(w*); NaN until that width is done. */
  llc: number[];
  llcStd: number[];
  anchorLoss: number[];
  /** One line per width whose chains failed a health check. */
  warnings: string[];
  /** One line per width whose estimate the settings bias (llc-estimator's settingCautions: ε against that width's sharpness, γ). */
  cautions: string[];
}

export const effectiveParameters = defineExperiment<EffectiveParametersFigure>()({
  id: 'effective-parameters',
  title: 'Effective parameters of a real network',
  fields,
  metrics: {
    widths: 'how many widths were trained and measured',
    ratioAtMaxWidth: 'λ̂ / (d/2) at the largest width (while the sweep runs, the widest measured so far): well below 1 when most parameters are not effective',
  },
  small: { maxWidth: '8', trainSteps: 100, chains: 2, draws: 50, burnin: 20 },
  trainingData: (c) => {
    const d = sineTask(c.seed);
    return { kind: 'curve', xs: d.X, ys: d.Y, xTitle: 'input x', yTitle: 'target y', note: `The ${d.n} training examples, the same for every width: sin(πx) plus noise.` };
  },
  claims: (m) => [...claim(m.ratioAtMaxWidth > 0 && m.ratioAtMaxWidth < 0.5, `λ̂ at the largest width should be far below d/2 (ratio ${m.ratioAtMaxWidth})`)],
  async run(ctx) {
    const c = ctx.config;
    const widths = sweepWidths(Number(c.maxWidth));
    const data = sineTask(c.seed);
    const nbeta = defaultNbeta(TASK_N);
    const halfD = widths.map((w) => regularLambda(mlpSize(w)));
    // d grows linearly with the width and so does the cost of a step, roughly: share the bar by d
    const cost = halfD.map((h, i) => h + 20 * (i + 1));
    const total = cost.reduce((s, v) => s + v, 0);
    const fig: EffectiveParametersFigure = { widths, halfD, llc: widths.map(() => NaN), llcStd: widths.map(() => NaN), anchorLoss: widths.map(() => NaN), warnings: [], cautions: [] };
    ctx.report({ figure: { ...fig } });
    let from = 0;
    for (const [i, width] of widths.entries()) {
      const to = from + cost[i] / total;
      const mid = from + (to - from) * 0.3;
      const run = await ctx.lab.start(networkPlan(width, data, c.seed, c.trainSteps), { share: [from, mid] });
      await run.trainTo(c.trainSteps);
      const anchor = await run.params();
      const anchorLoss = (await run.evaluate(['train']))[0].loss[0];
      const sharpness = (await run.sharpness(0, { iters: 20, seed: c.seed })).value;
      for (const caution of settingCautions({ ...c, nbeta }, sharpness)) fig.cautions.push(`width ${width}: ${caution}`);
      const chains = await sampleLlc(run, { anchor, anchorLoss, ...chainSettings({ ...c, nbeta }), batch: data.n, share: [mid, to] });
      await run.release();
      fig.llc[i] = chains.est.mean;
      fig.llcStd[i] = chains.est.std;
      fig.anchorLoss[i] = anchorLoss;
      const failed = failedMeasurement(chains, `λ̂ at width ${width}`);
      if (failed) ctx.unconverged(failed);
      if (!chains.healthy) fig.warnings.push(`width ${width}: ${chains.figure.warnings.join('; ')}`);
      ctx.report({ metrics: { widths: i + 1, ratioAtMaxWidth: chains.est.mean / halfD[i] }, figure: { llc: [...fig.llc], llcStd: [...fig.llcStd], anchorLoss: [...fig.anchorLoss], warnings: [...fig.warnings], cautions: [...fig.cautions] } });
      from = to;
    }
  },
});
