/**
 * Edge of stability (Cohen et al. 2021): full-batch gradient descent with step size η on a small
 * regression. Classical analysis says GD on a quadratic diverges once the top Hessian eigenvalue
 * exceeds 2/η; in neural networks the sharpness rises (progressive sharpening) until it reaches
 * 2/η, then hovers there while the loss keeps falling, non-monotonically.
 * Setup: Chebyshev T₆ at 20 points on [−1, 1], tanh MLP 1-30-20-1, weights N(0, 1/fan_in),
 * loss ½·MSE, sharpness measured every 50 steps.
 */
import { chebyshev } from '../datasets';
import { claim, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import type { RunPlan } from '../lab';
import { maxOf, mean } from '../stats';

/** The sharpness is measured after every this many steps (one fused call). */
export const EOS_EVERY = 50;

export interface TracePoint {
  step: number;
  /** Top Hessian eigenvalue at the weights after `step` steps. */
  sharpness: number;
  /** Full-batch loss at the weights before step `step`'s update (after step − 1 steps): the trainer's reading. */
  loss: number;
}

export function edgeOfStabilityPlan(c: { lr: number; steps: number; seed: number }): RunPlan {
  const data = chebyshev(6, 20);
  return {
    data,
    spec: {
      model: { kind: 'mlp', widths: [1, 30, 20, 1], activation: 'tanh' },
      loss: 'half-mse',
      optimizer: { kind: 'sgd' },
      lr: c.lr,
      initSeeds: [c.seed],
      batch: data.n,
      fused: EOS_EVERY,
      steps: c.steps,
    },
  };
}

/**
 * The window the "late" headline numbers average over, [from, to] in steps: the last quarter of the
 * run, starting at a measurement. Fixed by the run's length (not by the trace) so the figure can mark
 * it from the start and the prose can name it: at the defaults (η = 0.2, 3000 steps) it is steps
 * 2250–3000, and the sharpness reaches 2/η around step 2000 (seed 1; earlier for the other seeds we
 * measured), so the window holds the hovering and not the climb. A "second half" window would
 * include several hundred steps of the climb and read a few percent low.
 */
export function lateWindow(steps: number): [number, number] {
  const from = Math.ceil((0.75 * steps) / EOS_EVERY) * EOS_EVERY;
  return [Math.min(from, steps), steps];
}

/**
 * Summary of a sharpness trace: how close it sits to 2/η over the late window (NaN while no
 * measurement has reached the window), and how much the loss rose along the way.
 */
export function eosSummary(trace: TracePoint[], lr: number, window: [number, number]) {
  const threshold = 2 / lr;
  const late = trace.filter((t) => t.step >= window[0] && t.step <= window[1]).map((t) => t.sharpness);
  const meanLate = late.length ? mean(late) : NaN;
  let rises = 0;
  for (let i = 1; i < trace.length; i++) if (trace[i].loss > trace[i - 1].loss) rises++;
  return {
    threshold,
    early: trace[0]?.sharpness ?? NaN,
    meanLate,
    ratioLate: meanLate / threshold,
    maxSharpness: maxOf(trace.map((t) => t.sharpness)),
    lossRises: rises,
  };
}

const fields = {
  lr: { kind: 'float', default: 0.2, min: 1e-4, max: 100, label: 'Step size η' },
  steps: { kind: 'int', default: 3000, min: 100, max: 20000, step: 100, label: 'Steps' },
} satisfies FieldTable;

export interface EdgeOfStabilityFigure {
  trace: TracePoint[];
  /** The steps [from, to] that sharpnessLate and ratioLate average over (measurements with from ≤ step ≤ to): the view marks it. */
  lateWindow: [number, number];
}

export const edgeOfStability = defineExperiment<EdgeOfStabilityFigure>()({
  id: 'edge-of-stability',
  title: 'Edge of stability',
  fields,
  metrics: {
    step: 'training steps done',
    loss: 'full-batch training loss (½·MSE) at the weights before the latest step’s update (the loss that step descended)',
    sharpness: 'top Hessian eigenvalue of the training loss at the latest measurement',
    threshold: '2/η, where gradient descent on a quadratic of this curvature stops converging',
    sharpnessEarly: 'sharpness at the first measurement (step 50)',
    sharpnessLate: 'mean sharpness over the late window, the last quarter of the run (figure: lateWindow; reported once a measurement falls in it)',
    ratioLate: 'sharpnessLate ÷ (2/η)',
    maxSharpness: 'largest sharpness measured',
    lossRises: 'how many times the loss went up between two measurements',
  },
  small: { steps: 100 },
  trainingData: (c) => {
    const d = edgeOfStabilityPlan(c).data;
    return { kind: 'curve', xs: d.X, ys: d.Y, xTitle: 'input x', yTitle: 'target T₆(x)', note: `The ${d.n} training points: the Chebyshev polynomial T₆ at evenly spaced inputs on [−1, 1].` };
  },
  claims: (m) => [
    ...claim(m.sharpnessEarly < 0.6 * m.threshold, `sharpening should start well below 2/η (${m.sharpnessEarly} of ${m.threshold})`),
    ...claim(m.ratioLate > 0.95 && m.ratioLate < 1.05, `over the last quarter the sharpness should hover at 2/η (ratio ${m.ratioLate})`),
    ...claim(m.lossRises > 0, 'the loss should fall non-monotonically'),
  ],
  async run(ctx) {
    const c = ctx.config;
    const run = await ctx.lab.start(edgeOfStabilityPlan(c));
    const window = lateWindow(c.steps);
    ctx.report({ figure: { lateWindow: window } });
    const trace: TracePoint[] = [];
    let vector: Float32Array | undefined;
    for (let s = EOS_EVERY; run.stepsDone < c.steps; s += EOS_EVERY) {
      const chunk = (await run.trainTo(s))!;
      // warm-started power iteration: few iterations once the previous eigenvector is known
      const e = await run.sharpness(0, { iters: vector ? 8 : 30, init: vector, seed: 1 });
      if (!Number.isFinite(e.value)) continue;
      vector = e.vector;
      trace.push({ step: chunk.step, sharpness: e.value, loss: chunk.loss[0] });
      const s2 = eosSummary(trace, c.lr, window);
      ctx.report({
        metrics: {
          step: chunk.step,
          loss: chunk.loss[0],
          sharpness: e.value,
          threshold: s2.threshold,
          sharpnessEarly: s2.early,
          // the late numbers only once a measurement falls in the window
          ...(Number.isFinite(s2.meanLate) ? { sharpnessLate: s2.meanLate, ratioLate: s2.ratioLate } : {}),
          maxSharpness: s2.maxSharpness,
          lossRises: s2.lossRises,
        },
        figure: { trace: [...trace] },
      });
    }
  },
});
