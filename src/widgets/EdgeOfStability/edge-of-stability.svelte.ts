/**
 * Controller of "Edge of stability": full-batch GD on Chebyshev T₆; after every 50 steps the
 * worker measures the sharpness (top Hessian eigenvalue, warm-started power iteration) and the
 * view plots it against 2/η (Cohen et al. 2021).
 */
import { EOS_DEFAULTS, edgeOfStabilityExperiment, eosSummary } from '../../engine/experiments/edge-of-stability';
import type { FieldTable } from '../../lib/permalink';
import { LiveRun, roundMetric } from '../frame/live-run.svelte';

export const EOS_FIELDS = {
  lr: { kind: 'float', default: EOS_DEFAULTS.lr, min: 1e-4, max: 100, label: 'Step size η' },
  steps: { kind: 'int', default: EOS_DEFAULTS.steps, min: 100, max: 20000, label: 'Steps' },
  seed: { kind: 'int', default: EOS_DEFAULTS.seed, min: 0, max: 1_000_000, label: 'Seed' },
} satisfies FieldTable;

export interface TracePoint {
  step: number;
  sharpness: number;
  loss: number;
}


export class EdgeOfStabilityController {
  trace = $state.raw<TracePoint[]>([]);
  private vector: Float32Array | undefined;
  live: LiveRun<typeof EOS_FIELDS>;

  constructor() {
    this.live = new LiveRun('edge-of-stability', EOS_FIELDS, {
      plan: (c) => {
        const ex = edgeOfStabilityExperiment({ ...EOS_DEFAULTS, ...c });
        return { spec: ex.spec, data: ex.data, evals: [], reportEvery: 1 };
      },
      report: async (r, c) => {
        const h = this.live.handle;
        if (!h) return {};
        const e = await h.hessian(0, this.vector ? 8 : 30, this.vector);
        if (!Number.isFinite(e.value)) return this.live.metrics;
        this.vector = e.vector;
        this.trace = [...this.trace, { step: e.step, sharpness: e.value, loss: r.loss[0] }];
        const s = eosSummary(this.trace, c.lr);
        return {
          step: r.step,
          loss: roundMetric(r.loss[0]),
          sharpness: roundMetric(e.value),
          threshold: roundMetric(s.threshold),
          sharpnessEarly: roundMetric(s.early),
          sharpnessLate: roundMetric(s.meanLate),
          ratioLate: roundMetric(s.ratioLate),
          lossRises: s.lossRises,
        };
      },
      cleared: () => {
        this.trace = [];
        this.vector = undefined;
      },
    });
  }
}
