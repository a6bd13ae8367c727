/**
 * Controller of "The landscape as a probability map": many gradient-descent runs from uniform random
 * starts on the two-wells landscape; positions stream in as they move, and each start is coloured by
 * the well it ends in.
 */
import { gridCoords } from '../../engine/analysis/landscape';
import { BASIN_BOX, BASIN_DEFAULTS, basinExperiment, basinFractions, basinWells, classifyBasins } from '../../engine/experiments/basin-volume';
import { initParams } from '../../engine/models';
import { buildModel } from '../../engine/spec';
import type { FieldTable } from '../../lib/permalink';
import { LiveRun, roundMetric } from '../frame/live-run.svelte';

export const BASIN_FIELDS = {
  starts: { kind: 'int', default: BASIN_DEFAULTS.starts, min: 1, max: 4000, label: 'Random starts' },
  seed: { kind: 'int', default: BASIN_DEFAULTS.seed, min: 0, max: 1_000_000, label: 'First seed' },
  narrow: { kind: 'float', default: BASIN_DEFAULTS.narrow, min: 0.1, max: 2, label: 'Narrow well width σ' },
  wide: { kind: 'float', default: BASIN_DEFAULTS.wide, min: 0.1, max: 2, label: 'Wide well width σ' },
  steps: { kind: 'int', default: BASIN_DEFAULTS.steps, min: 20, max: 5000, label: 'Steps' },
  lr: { kind: 'float', default: BASIN_DEFAULTS.lr, min: 1e-4, max: 100, label: 'Learning rate' },
} satisfies FieldTable;

export const MAP_SIDE = 48;

export class BasinsController {
  starts = $state.raw<Float32Array | null>(null);
  positions = $state.raw<Float32Array | null>(null);
  labels = $state.raw<Int8Array | null>(null);
  landscape = $state.raw<Float32Array | null>(null);
  live: LiveRun<typeof BASIN_FIELDS>;

  constructor() {
    this.live = new LiveRun('basins', BASIN_FIELDS, {
      plan: (c) => {
        const ex = basinExperiment({ ...BASIN_DEFAULTS, ...c });
        this.starts = initParams(buildModel(ex.spec.model), ex.spec.initSeeds);
        return { spec: ex.spec, data: ex.data, evals: [] };
      },
      report: async (r, c): Promise<Record<string, number>> => {
        const h = this.live.handle;
        if (!h) return {};
        if (!this.landscape) {
          const grid = await h.plane({ set: 'train', theta0: new Float32Array(2), d1: Float32Array.of(1, 0), d2: Float32Array.of(0, 1), coords: gridCoords(MAP_SIDE, BASIN_BOX) });
          this.landscape = grid.loss;
        }
        this.positions = (await h.snapshot()).params;
        const labels = classifyBasins(this.positions, basinWells({ ...BASIN_DEFAULTS, ...c }));
        const f = basinFractions(labels);
        if (r.type === 'done') this.labels = labels;
        return { step: r.step, starts: c.starts, fracNarrow: roundMetric(f.narrow), fracWide: roundMetric(f.wide), fracPlateau: roundMetric(f.plateau) };
      },
      cleared: () => {
        this.positions = this.labels = this.landscape = null;
      },
    });
  }
}
