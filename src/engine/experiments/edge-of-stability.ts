/**
 * Edge of stability (Cohen et al. 2021): full-batch gradient descent with step size η on a small
 * regression. Classical analysis says GD on a quadratic diverges once the top Hessian eigenvalue
 * exceeds 2/η; in neural networks the sharpness rises (progressive sharpening) until it reaches
 * 2/η, then hovers there while the loss keeps falling, non-monotonically.
 * Setup from SCIENCE.md: Chebyshev T₆ at 20 points on [−1, 1], tanh MLP 1-30-20-1, weights
 * N(0, 1/fan_in), loss ½·MSE.
 */
import { chebyshev } from '../datasets';
import type { Dataset, RunSpec } from '../spec';

export interface EdgeOfStabilityConfig {
  lr: number;
  steps: number;
  seed: number;
  /** Measure the sharpness every this many steps. */
  every: number;
}

export const EOS_DEFAULTS: EdgeOfStabilityConfig = { lr: 0.2, steps: 3000, seed: 1, every: 50 };

export function edgeOfStabilityExperiment(c: EdgeOfStabilityConfig): { spec: RunSpec; data: Dataset } {
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
      fused: c.every,
      steps: c.steps,
    },
  };
}

/** Summary of a sharpness trace: how close its late part sits to 2/η, and how much the loss rose along the way. */
export function eosSummary(trace: { step: number; sharpness: number; loss: number }[], lr: number) {
  const threshold = 2 / lr;
  const late = trace.slice(Math.floor(trace.length / 2));
  const meanLate = late.reduce((s, t) => s + t.sharpness, 0) / Math.max(1, late.length);
  const early = trace[0]?.sharpness ?? NaN;
  let rises = 0;
  for (let i = 1; i < trace.length; i++) if (trace[i].loss > trace[i - 1].loss) rises++;
  return { threshold, early, meanLate, ratioLate: meanLate / threshold, maxSharpness: Math.max(...trace.map((t) => t.sharpness)), lossRises: rises };
}
