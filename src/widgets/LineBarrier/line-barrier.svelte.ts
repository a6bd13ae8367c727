/**
 * Controller of "Between two solutions": trains a small ensemble on the two-cue data, keeps a
 * checkpoint at a quarter of training, then evaluates the training loss along straight lines —
 * between two seeds, and between two checkpoints of one seed (Frankle et al. 2020).
 */
import { HUNDRED_SEEDS_DEFAULTS, hundredSeedsExperiment } from '../../engine/experiments/hundred-seeds';
import { barrierHeight, lineAlphas, lineCoords } from '../../engine/experiments/mode-connectivity';
import type { FieldTable } from '../../lib/permalink';
import { LiveRun, roundMetric } from '../frame/live-run.svelte';

export const LINE_FIELDS = {
  members: { kind: 'int', default: 12, min: 2, max: 100, label: 'Models' },
  seed: { kind: 'int', default: 1, min: 0, max: 1_000_000, label: 'First seed' },
  lr: { kind: 'float', default: HUNDRED_SEEDS_DEFAULTS.lr, min: 1e-4, max: 1e4, label: 'Learning rate' },
  steps: { kind: 'int', default: HUNDRED_SEEDS_DEFAULTS.steps, min: 40, max: 5000, label: 'Steps' },
} satisfies FieldTable;

export const ALPHAS = lineAlphas();

export class LineBarrierController {
  followsX0 = $state.raw<Float32Array | null>(null);
  a = $state(0);
  b = $state(1);
  seedsLine = $state.raw<Float32Array | null>(null);
  checkpointLine = $state.raw<Float32Array | null>(null);
  checkpointStep = $state(0);
  private early: Float32Array | null = null;
  private earlyAsked = false;
  private final: Float32Array | null = null;
  private P = 0;
  live: LiveRun<typeof LINE_FIELDS>;

  constructor() {
    this.live = new LiveRun('two-solutions', LINE_FIELDS, {
      plan: (c) => {
        const ex = hundredSeedsExperiment({ ...HUNDRED_SEEDS_DEFAULTS, ...c });
        return { spec: ex.spec, data: ex.data, evals: ex.evals };
      },
      report: async (r, c) => {
        const conflict = r.evals.find((e) => e.name === 'conflict')!.acc!;
        this.followsX0 = conflict;
        const base = { step: r.step, loss: roundMetric(r.loss.reduce((s, v) => s + v, 0) / r.loss.length) };
        const h = this.live.handle;
        if (!h) return base;
        if (!this.earlyAsked && r.step >= c.steps / 4) {
          this.earlyAsked = true;
          const snap = await h.snapshot();
          this.early = snap.params;
          this.checkpointStep = snap.step;
          this.P = snap.params.length / c.members;
        }
        if (r.type !== 'done') return base;
        this.final = (await h.snapshot()).params;
        const f = Array.from(conflict);
        this.a = f.indexOf(Math.max(...f));
        this.b = f.indexOf(Math.min(...f));
        return { ...base, ...(await this.measure()) };
      },
      cleared: () => {
        this.early = this.final = null;
        this.earlyAsked = false;
        this.seedsLine = this.checkpointLine = null;
        this.followsX0 = null;
      },
    });
  }

  private member(theta: Float32Array, e: number) {
    return theta.slice(e * this.P, (e + 1) * this.P);
  }

  private async along(A: Float32Array, B: Float32Array) {
    const h = this.live.handle!;
    const d1 = B.map((v, i) => v - A[i]);
    return (await h.plane({ set: 'train', theta0: A, d1, d2: new Float32Array(this.P), coords: lineCoords(ALPHAS) })).loss;
  }

  /** Evaluate both lines for the current pair; returns the barrier metrics. */
  async measure(): Promise<Record<string, number>> {
    if (!this.final || !this.early || !this.live.handle) return {};
    this.seedsLine = await this.along(this.member(this.final, this.a), this.member(this.final, this.b));
    this.checkpointLine = await this.along(this.member(this.early, this.a), this.member(this.final, this.a));
    return {
      barrierSeeds: roundMetric(barrierHeight(ALPHAS, this.seedsLine)),
      barrierCheckpoints: roundMetric(barrierHeight(ALPHAS, this.checkpointLine)),
      seedA: this.a,
      seedB: this.b,
    };
  }

  async choose(a: number, b: number) {
    this.a = a;
    this.b = b;
    const m = await this.measure();
    this.live.metrics = { ...this.live.metrics, ...m };
  }
}
