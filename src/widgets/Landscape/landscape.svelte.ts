/**
 * Controller of "The landscape around your weights": trains a small classifier, keeps its
 * trajectory, and evaluates a 64×64 slice through the current weights in one grid-program call.
 */
import { gridCoords } from '../../engine/analysis/landscape';
import { LANDSCAPE_DEFAULTS, landscapeExperiment, SLICE_EXTENT, SLICE_SIDE, sliceFrame, type SliceMode } from '../../engine/experiments/landscape-slice';
import type { RunSpec } from '../../engine/spec';
import type { FieldTable } from '../../lib/permalink';
import { LiveRun, roundMetric } from '../frame/live-run.svelte';

export const LANDSCAPE_FIELDS = {
  seed: { kind: 'int', default: LANDSCAPE_DEFAULTS.seed, min: 0, max: 1_000_000, label: 'Seed' },
  lr: { kind: 'float', default: LANDSCAPE_DEFAULTS.lr, min: 1e-5, max: 100, label: 'Learning rate' },
  steps: { kind: 'int', default: LANDSCAPE_DEFAULTS.steps, min: 20, max: 20000, label: 'Steps' },
  mode: { kind: 'enum', default: 'filter', options: ['filter', 'raw', 'pca'], label: 'Directions' },
  rescale: { kind: 'float', default: 1, min: 0.01, max: 100, label: 'Rescale layer 1 by' },
  side: { kind: 'int', default: SLICE_SIDE, min: 8, max: 128, label: 'Grid side' },
} satisfies FieldTable;

export interface Slice {
  side: number;
  extent: number;
  loss: Float32Array;
  line1: Float32Array;
  line2: Float32Array;
  lineCoords: number[];
  path: [number, number][];
  step: number;
}

const LINE = Array.from({ length: 65 }, (_, i) => -1 + i / 32);

export class LandscapeController {
  slice = $state.raw<Slice | null>(null);
  busy = $state(false);
  private trajectory: Float32Array[] = [];
  private spec: RunSpec | null = null;
  private step = 0;
  private slicedHandle: unknown = null;
  live: LiveRun<typeof LANDSCAPE_FIELDS>;

  constructor() {
    this.live = new LiveRun('landscape', LANDSCAPE_FIELDS, {
      plan: (c) => {
        const ex = landscapeExperiment({ ...LANDSCAPE_DEFAULTS, ...c });
        this.spec = ex.spec;
        return { spec: ex.spec, data: ex.data, evals: [] };
      },
      report: async (r) => {
        const h = this.live.handle;
        const base = { ...this.live.metrics, step: r.step, loss: roundMetric(r.loss[0]) };
        if (!h) return base;
        const snap = await h.snapshot();
        this.trajectory.push(snap.params);
        this.step = snap.step;
        if (r.type !== 'done') return base;
        return { ...base, ...(await this.measure()) };
      },
      cleared: () => {
        this.trajectory = [];
        this.slice = null;
      },
    });
  }

  /** Evaluate the slice through the newest weights; returns its headline numbers. */
  async measure(): Promise<Record<string, number>> {
    const h = this.live.handle;
    const c = this.live.config;
    if (!h || !this.spec || !this.trajectory.length) return {};
    this.busy = true;
    const theta = this.trajectory[this.trajectory.length - 1];
    const f = sliceFrame(this.spec, theta, c.mode as SliceMode, this.trajectory, c.rescale, c.seed);
    const extent = f.path.length ? 1.15 * Math.max(SLICE_EXTENT * 0.2, ...f.path.flat().map(Math.abs)) : SLICE_EXTENT;
    // The first slice of a run also builds the grid program (a one-time cost the caption names).
    const firstOfRun = this.slicedHandle !== h;
    this.slicedHandle = h;
    const t0 = performance.now();
    const grid = await h.plane({ set: 'train', theta0: f.center, d1: f.d1, d2: f.d2, coords: gridCoords(c.side, extent) });
    const sliceMs = performance.now() - t0;
    const lc = LINE.map((a) => a * extent);
    const coords1 = new Float32Array(lc.flatMap((a) => [a, 0]));
    const coords2 = new Float32Array(lc.flatMap((b) => [0, b]));
    const line1 = (await h.plane({ set: 'train', theta0: f.center, d1: f.d1, d2: f.d2, coords: coords1 })).loss;
    const line2 = (await h.plane({ set: 'train', theta0: f.center, d1: f.d1, d2: f.d2, coords: coords2 })).loss;
    this.slice = { side: c.side, extent, loss: grid.loss, line1, line2, lineCoords: lc, path: f.path, step: this.step };
    this.busy = false;
    return {
      sliceStep: this.step,
      gridPoints: grid.loss.length,
      sliceMs: Math.round(sliceMs),
      sliceBuilt: firstOfRun ? 1 : 0,
      centerLoss: roundMetric(line1[32]),
      gridMin: roundMetric(Math.min(...grid.loss)),
      gridMax: roundMetric(Math.max(...grid.loss)),
      explained: f.explained.length ? roundMetric(f.explained[0] + f.explained[1]) : 0,
    };
  }

  /** Re-slice now (a new mode or rescale after training, or mid-run). */
  async reslice() {
    const m = await this.measure();
    this.live.metrics = { ...this.live.metrics, ...m };
  }
}
