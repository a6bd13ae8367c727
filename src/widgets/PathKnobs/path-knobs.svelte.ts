/**
 * Controller of "Which knobs raise path dependence?": the hundred-seeds experiment run once per
 * condition (what the seeds share, learning rate, amount of data), one after another; each
 * condition's spread of cue-conflict behaviour goes into a table.
 */
import { HUNDRED_SEEDS_DEFAULTS, hundredSeedsExperiment } from '../../engine/experiments/hundred-seeds';
import { behaviourSpread, knobConditions } from '../../engine/experiments/knobs';
import type { FieldTable } from '../../lib/permalink';
import { LiveRun, roundMetric } from '../frame/live-run.svelte';

export const KNOB_FIELDS = {
  members: { kind: 'int', default: 50, min: 2, max: 300, label: 'Models per condition' },
  seed: { kind: 'int', default: 1, min: 0, max: 1_000_000, label: 'First seed' },
  steps: { kind: 'int', default: HUNDRED_SEEDS_DEFAULTS.steps, min: 20, max: 5000, label: 'Steps' },
} satisfies FieldTable;

export interface KnobRow {
  id: string;
  label: string;
  range: number | null;
  sd: number | null;
  accMin: number | null;
}

const camel = (id: string) => id.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

export class PathKnobsController {
  rows = $state<KnobRow[]>([]);
  live: LiveRun<typeof KNOB_FIELDS>;

  constructor() {
    const conditions = knobConditions();
    const reset = () => (this.rows = conditions.map((k) => ({ id: k.id, label: k.label, range: null, sd: null, accMin: null })));
    reset();
    this.live = new LiveRun('path-knobs', KNOB_FIELDS, {
      plan: (c) =>
        conditions.map((k) => {
          const ex = hundredSeedsExperiment({ ...HUNDRED_SEEDS_DEFAULTS, ...c, ...k.over });
          return { spec: ex.spec, data: ex.data, evals: ex.evals };
        }),
      report: (r, _c, index) => {
        const prev = this.live.metrics;
        if (r.type !== 'done') return { ...prev, condition: index };
        const s = behaviourSpread(r.evals.find((e) => e.name === 'conflict')!.acc!);
        const accMin = Math.min(...r.evals.find((e) => e.name === 'test')!.acc!);
        this.rows[index] = { ...this.rows[index], range: s.range, sd: s.sd, accMin };
        return { ...prev, condition: index, [camel(conditions[index].id)]: roundMetric(s.range) };
      },
      cleared: reset,
    });
  }
}
