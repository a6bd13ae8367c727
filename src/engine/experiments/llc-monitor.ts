/**
 * The monitor (chapter 5): the local learning coefficient estimated at checkpoints of one grokking
 * run, on the same step axis as its accuracies, to test the proposal that a change in λ̂ warns of a
 * change in what a network computes. The run is grokking-task.ts's; at log-spaced checkpoints its
 * parameters become anchors w*, and SGLD chains around every checkpoint run together in one call (one
 * anchor row per chain; the estimator and health checks are chapter 4's, llc-chains.ts):
 *
 *   λ̂(w*) = nβ·(E_w[L_n(w)] − L_n(w*)),  w ~ exp(−nβ·L_n(w) − (γ/2)‖w − w*‖²)   (Lau et al. 2023)
 *
 * with minibatch SGLD, as devinterp's grokking example does. The chains are short and the network has
 * thousands of parameters, so λ̂ here is a relative measure along the run — it moves with ε and γ
 * (the chapter shows how) — and what a monitor reads is its shape: where it changes regime. One rule
 * (change-point.ts, the half-change step) finds that step for λ̂ and for the test accuracy alike.
 * What it shows (chapter 5): λ̂ peaks at memorization and then falls whether or not the network
 * generalizes (weight decay 0: 73 → 6, half its fall at step 350 as with weight decay 1).
 */
import { halfChangePoint } from '../analysis/change-point';
import { claim, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import { firstStepAtLeast, GROK_FUSED, GROKKING_FIELDS, GROKKING_SMALL, type GrokkingConfig, type GrokTrace, measureSteps, splitTrainingData, TRAIN_THRESHOLD, trainGrokking } from './grokking-task';
import { failedMeasurement, summarizeChains } from './llc-chains';

/** SGLD minibatch: a quarter of the default training set, as devinterp's grokking example samples minibatches of 128. */
export const MONITOR_BATCH = 64;

/** The run's last step: the steps setting rounded up to whole fused calls, as grokkingPlan trains. */
const lastStep = (steps: number) => Math.max(GROK_FUSED, Math.ceil(steps / GROK_FUSED) * GROK_FUSED);

/*
 * Measured in Node at the grokking defaults (p = 23, half the pairs, width 256; 8 checkpoints, 2 chains
 * each, nβ = 47 = n/log n for the 265 training pairs). ε = 3·10⁻³, γ = 10 with 100 burn-in steps and
 * 100 draws left every chain healthy on seeds 1–3: λ̂ rose from ≈ 53 to ≈ 83–87 while the network
 * memorized (steps 20–80), then fell to ≈ 5 as the test accuracy rose (0.05 at step 200, 0.97 at
 * 1000). Ten checkpoints with 150 + 150 steps read the same curve but took 23 s in Chromium (WASM),
 * past the 20 s budget. With 50 burn-in steps at ε = 10⁻³ the chains were still climbing (flagged:
 * drifting) — relaxing along the flat directions takes ~1/(εγ/2) steps. γ = 100 pins the chains:
 * λ̂ ≈ 4 at memorization, ≈ 0 at the end. devinterp's grokking example (ε = 3·10⁻³, γ = 5, nβ = 2)
 * also reads the rise and the fall.
 */
const fields = {
  ...GROKKING_FIELDS,
  checkpoints: { kind: 'int', default: 8, min: 4, max: 30, label: 'Checkpoints probed (log-spaced)' },
  chains: { kind: 'int', default: 2, min: 1, max: 8, label: 'SGLD chains per checkpoint' },
  epsilon: { kind: 'float', default: 3e-3, min: 1e-6, max: 0.1, label: 'Step size ε' },
  gamma: { kind: 'float', default: 10, min: 0, max: 10000, label: 'Localization γ' },
  nbeta: { kind: 'float', default: 47, min: 1, max: 100000, label: 'Inverse temperature nβ (n/log n ≈ 47 for 265 training pairs)' },
  draws: { kind: 'int', default: 100, min: 10, max: 5000, step: 10, label: 'Draws per chain' },
  burnin: { kind: 'int', default: 100, min: 0, max: 5000, step: 10, label: 'Burn-in steps' },
} satisfies FieldTable;

export interface LlcMonitorFigure extends GrokTrace {
  totalSteps: number;
  chance: number;
  stepTrain99: number;
  /** The checkpoints probed, and λ̂ at each (mean over its chains; NaN where every chain failed) with its spread. */
  checkpointSteps: number[];
  llc: number[];
  llcStd: number[];
  /** One line per checkpoint whose chains failed a check. */
  warnings: string[];
  /** The change points found (−1: none), and where each change started from (its extreme). */
  llcChangeStep: number;
  llcChangeFrom: number;
  testJumpStep: number;
  testJumpFrom: number;
}

/** `count` checkpoint steps log-spaced from the first measurement to the last, each a measured step, no repeats. */
export function monitorCheckpoints(steps: number, count: number): number[] {
  const schedule = measureSteps(lastStep(steps));
  const [lo, hi] = [schedule[1] ?? schedule[0], schedule[schedule.length - 1]];
  const out = new Set<number>();
  for (let i = 0; i < count; i++) {
    const want = lo * (hi / lo) ** (count === 1 ? 1 : i / (count - 1));
    // the nearest measured step (in log distance)
    let best = schedule[0];
    for (const s of schedule) if (Math.abs(Math.log(s / want)) < Math.abs(Math.log(best / want))) best = s;
    out.add(best);
  }
  return [...out].sort((a, b) => a - b);
}

export const llcMonitor = defineExperiment<LlcMonitorFigure>()({
  id: 'llc-monitor',
  title: 'The monitor',
  fields,
  metrics: {
    llcAtMemorization: 'λ̂ at the first probed checkpoint at or after memorization (training accuracy ≥ 0.99)',
    llcFinal: 'λ̂ at the last step',
    llcChangeStep: 'the step where λ̂ has gone half the way from its extreme to its final value (the half-change rule); −1 if it does not change',
    testJumpStep: 'the step where the test accuracy has gone half the way from its lowest to its final value, by the same rule; −1 if it does not change',
    leadSteps: 'testJumpStep − llcChangeStep: positive when λ̂ changed first (0 when either has no change point)',
  },
  small: { ...GROKKING_SMALL, checkpoints: 4, chains: 1, draws: 20, burnin: 10 },
  trainingData: (c) => splitTrainingData(c as GrokkingConfig),
  claims: (m) => [
    ...claim(m.llcAtMemorization > m.llcFinal, `λ̂ should fall from its peak at memorization (${m.llcAtMemorization}) to the end (${m.llcFinal}), as the training loss flattens`),
    ...claim(m.llcChangeStep > 0 && m.testJumpStep > 0, 'both curves should have a change point'),
  ],
  async run(ctx) {
    const c = ctx.config;
    const chance = 1 / c.p;
    const totalSteps = lastStep(c.steps);
    const want = monitorCheckpoints(c.steps, c.checkpoints);
    let stepTrain99 = -1;
    // training fills the first 40% of the bar, the chains the rest
    const g = await trainGrokking(ctx.lab, c, {
      checkpoints: want,
      share: [0, 0.4],
      onMeasure: (trace) => {
        stepTrain99 = firstStepAtLeast(trace.steps, trace.trainAcc, TRAIN_THRESHOLD);
        ctx.report({ figure: { ...trace, totalSteps, chance, stepTrain99 } });
      },
    });
    const cps = g.checkpoints;
    const K = cps.length;
    const P = g.run.model.size;
    const per = c.chains;
    const anchor = new Float32Array(K * per * P);
    const anchorLoss: number[] = [];
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < per; j++) anchor.set(cps[k].params, (k * per + j) * P);
      anchorLoss.push((await g.run.evaluate(['train'], cps[k].params))[0].loss[0]);
    }
    const checkpointSteps = cps.map((cp) => cp.step);
    const sgld = { epsilon: c.epsilon, gamma: c.gamma, nbeta: c.nbeta, draws: c.draws, burnin: c.burnin };
    const summarize = (traces: Float32Array[]) => checkpointSteps.map((_, k) => summarizeChains(traces.slice(k * per, (k + 1) * per), anchorLoss[k], sgld));
    const figureOf = (sums: ReturnType<typeof summarize>) => ({
      checkpointSteps,
      llc: sums.map((s) => (s.health.length && s.health.every((h) => h.reasons.length) ? NaN : s.est.mean)),
      llcStd: sums.map((s) => s.est.std),
      warnings: sums.flatMap((s, k) => s.figure.warnings.map((w) => `step ${checkpointSteps[k]}, ${w}`)),
    });
    const run = await g.run.sgld({
      anchor,
      chains: K * per,
      ...sgld,
      batch: Math.min(MONITOR_BATCH, g.task.train.n),
      seed: c.seed,
      share: [0.4, 1],
      onChunk: (step, traces) => {
        if (step > c.burnin) ctx.report({ figure: figureOf(summarize(traces)) });
      },
    });
    const sums = summarize(run.traces);
    const fig = figureOf(sums);
    const llcCp = halfChangePoint(checkpointSteps, fig.llc);
    const testCp = halfChangePoint(g.trace.steps, g.trace.testAcc, 2 * chance);
    const memo = checkpointSteps.findIndex((s) => stepTrain99 >= 0 && s >= stepTrain99);
    const llcChangeStep = llcCp?.step ?? -1;
    const testJumpStep = testCp?.step ?? -1;
    ctx.report({
      metrics: {
        llcAtMemorization: memo >= 0 ? fig.llc[memo] : NaN,
        llcFinal: fig.llc[K - 1],
        llcChangeStep,
        testJumpStep,
        leadSteps: llcCp && testCp ? testJumpStep - llcChangeStep : 0,
      },
      figure: { ...fig, llcChangeStep, llcChangeFrom: llcCp?.fromStep ?? -1, testJumpStep, testJumpFrom: testCp?.fromStep ?? -1 },
    });
    const failed = sums.map((s) => failedMeasurement(s, 'λ̂')).filter((m) => m !== null);
    if (failed.length === K) ctx.unconverged(failed[0]!);
    await g.run.release();
  },
});
