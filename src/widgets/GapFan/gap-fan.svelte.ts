/**
 * Controller of "Same fit, different extrapolation": config → gapFanExperiment → worker run →
 * every member's function on a grid of inputs → fan, band and spread metrics.
 */
import { fanInputs, fanSpread, GAP_FAN_DEFAULTS, gapFanExperiment } from '../../engine/experiments/gap-fan';
import type { FieldTable } from '../../lib/permalink';
import { LiveRun, roundMetric } from '../frame/live-run.svelte';

const D = GAP_FAN_DEFAULTS;
export const GAP_FAN_FIELDS = {
  members: { kind: 'int', default: D.members, min: 2, max: 200, label: 'Models' },
  seed: { kind: 'int', default: D.seed, min: 0, max: 1_000_000, label: 'First seed' },
  lr: { kind: 'float', default: D.lr, min: 1e-5, max: 10, label: 'Learning rate' },
  steps: { kind: 'int', default: D.steps, min: 50, max: 20000, label: 'Steps' },
} satisfies FieldTable;

export const XS = fanInputs();

export class GapFanController {
  /** Member outputs at XS, [E, XS.length]. */
  curves = $state.raw<Float32Array | null>(null);
  points = $state.raw<{ x: number; y: number }[]>([]);
  live: LiveRun<typeof GAP_FAN_FIELDS>;

  constructor() {
    this.live = new LiveRun('gap-fan', GAP_FAN_FIELDS, {
      plan: (c) => {
        const ex = gapFanExperiment({ ...D, ...c });
        this.points = Array.from(ex.data.X, (x, i) => ({ x, y: ex.data.Y[i] }));
        return { spec: ex.spec, data: ex.data, evals: [] };
      },
      report: async (r, c) => {
        const h = this.live.handle;
        const base = { step: r.step, loss: roundMetric(Math.max(...r.loss)), members: r.loss.length };
        if (!h) return base;
        const { pred } = await h.predict(XS, XS.length);
        this.curves = pred;
        const s = fanSpread(pred, XS, c.members);
        return { ...base, spreadData: roundMetric(s.spreadData), spreadGap: roundMetric(s.spreadGap), spreadBeyond: roundMetric(s.spreadBeyond) };
      },
      cleared: () => (this.curves = null),
    });
  }
}
