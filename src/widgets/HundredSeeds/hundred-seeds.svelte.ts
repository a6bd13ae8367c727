/**
 * Controller of "A hundred seeds at once". Data flow: permalink/controls → config →
 * hundredSeedsExperiment (engine) → worker run → per-seed accuracies → view.
 */
import { HUNDRED_SEEDS_DEFAULTS, hundredSeedsExperiment, spreadSummary } from '../../engine/experiments/hundred-seeds';
import type { FieldTable } from '../../lib/permalink';
import { LiveRun, roundMetric } from '../frame/live-run.svelte';

const D = HUNDRED_SEEDS_DEFAULTS;
export const HUNDRED_SEEDS_FIELDS = {
  members: { kind: 'int', default: D.members, min: 1, max: 500, label: 'Models' },
  seed: { kind: 'int', default: D.seed, min: 0, max: 1_000_000, label: 'First seed' },
  varyInit: { kind: 'bool', default: D.varyInit, label: 'Different initializations' },
  varyOrder: { kind: 'bool', default: D.varyOrder, label: 'Different batch orders' },
  lr: { kind: 'float', default: D.lr, min: 1e-4, max: 1e4, label: 'Learning rate' },
  steps: { kind: 'int', default: D.steps, min: 10, max: 5000, label: 'Steps' },
} satisfies FieldTable;

/** Inputs for the decision-boundary picture: a grid over (x₀, x₁), distractor dimensions at 0. */
export const BOUNDARY_RES = 41;
export const BOUNDARY_EXTENT = 1.2;
export function boundaryGrid(inDim: number): Float32Array {
  const X = new Float32Array(BOUNDARY_RES * BOUNDARY_RES * inDim);
  for (let r = 0; r < BOUNDARY_RES; r++)
    for (let c = 0; c < BOUNDARY_RES; c++) {
      const i = r * BOUNDARY_RES + c;
      X[i * inDim] = -BOUNDARY_EXTENT + (2 * BOUNDARY_EXTENT * c) / (BOUNDARY_RES - 1);
      X[i * inDim + 1] = BOUNDARY_EXTENT - (2 * BOUNDARY_EXTENT * r) / (BOUNDARY_RES - 1);
    }
  return X;
}

export class HundredSeedsController {
  testAcc = $state.raw<Float32Array | null>(null);
  followsX0 = $state.raw<Float32Array | null>(null);
  selected = $state<number | null>(null);
  /** Logits of the selected member on the boundary grid. */
  boundary = $state.raw<Float32Array | null>(null);
  trainPoints = $state.raw<{ x: number; y: number; label: number }[]>([]);
  live: LiveRun<typeof HUNDRED_SEEDS_FIELDS>;
  private inDim = 4;

  constructor() {
    this.live = new LiveRun('hundred-seeds', HUNDRED_SEEDS_FIELDS, {
      plan: (c) => {
        const ex = hundredSeedsExperiment({ ...D, ...c });
        this.inDim = ex.data.inDim;
        this.trainPoints = Array.from({ length: Math.min(ex.data.n, 160) }, (_, i) => ({
          x: ex.data.X[i * ex.data.inDim],
          y: ex.data.X[i * ex.data.inDim + 1],
          label: ex.data.Y[i],
        }));
        return { spec: ex.spec, data: ex.data, evals: ex.evals };
      },
      report: (r) => {
        const test = r.evals.find((e) => e.name === 'test')?.acc;
        const conflict = r.evals.find((e) => e.name === 'conflict')?.acc;
        if (!test || !conflict) return {};
        this.testAcc = test;
        this.followsX0 = conflict;
        const s = spreadSummary(test, conflict);
        const meanLoss = r.loss.reduce((a, b) => a + b, 0) / r.loss.length;
        if (r.type === 'done' && this.selected !== null) void this.select(this.selected);
        return { step: r.step, loss: roundMetric(meanLoss), members: test.length, ...mapRound(s) };
      },
      cleared: () => {
        this.testAcc = null;
        this.followsX0 = null;
        this.boundary = null;
      },
    });
  }

  /** Show one seed's decision boundary (asks the worker for that ensemble's predictions). */
  async select(member: number) {
    this.selected = member;
    const h = this.live.handle;
    if (!h) return;
    const n = BOUNDARY_RES * BOUNDARY_RES;
    const { pred } = await h.predict(boundaryGrid(this.inDim), n);
    if (this.selected === member) this.boundary = pred.slice(member * n, (member + 1) * n);
  }
}

function mapRound(o: Record<string, number>) {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, roundMetric(v)]));
}
