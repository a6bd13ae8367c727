/**
 * Controller of "Flat versus sharp": four runs (batch × learning rate), then for each the sharpness
 * (worker-side power iteration), loss under random perturbations, and test accuracy.
 */
import { FLAT_SHARP_CONDITIONS, flatSharpExperiment, PERTURBATION_RADII, perturbationDirections } from '../../engine/experiments/flat-sharp';
import { buildModel } from '../../engine/spec';
import type { FieldTable } from '../../lib/permalink';
import { LiveRun, roundMetric } from '../frame/live-run.svelte';

export const FLAT_SHARP_FIELDS = {
  seed: { kind: 'int', default: 1, min: 0, max: 1_000_000, label: 'First seed' },
  members: { kind: 'int', default: 3, min: 1, max: 20, label: 'Seeds per condition' },
  steps: { kind: 'int', default: 3000, min: 20, max: 20000, label: 'Steps' },
  lrScale: { kind: 'float', default: 1, min: 1e-3, max: 1e4, label: 'Learning-rate multiplier' },
  iters: { kind: 'int', default: 40, min: 3, max: 200, label: 'Power iterations' },
} satisfies FieldTable;

export interface FlatSharpRow {
  id: string;
  batch: number;
  lr: number;
  sharpness: number[] | null;
  trainLoss: number | null;
  testAcc: number | null;
  /** Mean training loss at each PERTURBATION_RADII. */
  perturbed: Float32Array | null;
}

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

export class FlatSharpController {
  rows = $state<FlatSharpRow[]>([]);
  live: LiveRun<typeof FLAT_SHARP_FIELDS>;

  constructor() {
    const reset = () =>
      (this.rows = FLAT_SHARP_CONDITIONS.map((c) => ({ ...c, lr: c.lr, sharpness: null, trainLoss: null, testAcc: null, perturbed: null })));
    reset();
    this.live = new LiveRun('flat-sharp', FLAT_SHARP_FIELDS, {
      plan: (c) =>
        FLAT_SHARP_CONDITIONS.map((cond) => {
          const ex = flatSharpExperiment(cond, c);
          return { spec: ex.spec, data: ex.data, evals: [{ name: 'test', data: ex.test, loss: 'softmax-ce' }, { name: 'train', data: ex.data, loss: 'softmax-ce' }] };
        }),
      report: async (r, c, index) => {
        const prev = { ...this.live.metrics, condition: index };
        const h = this.live.handle;
        if (r.type !== 'done' || !h) return prev;
        const cond = FLAT_SHARP_CONDITIONS[index];
        const sharpness: number[] = [];
        for (let e = 0; e < c.members; e++) sharpness.push((await h.hessian(e, c.iters)).value);
        const model = buildModel(flatSharpExperiment(cond, c).spec.model);
        const theta = (await h.snapshot()).params.slice(0, model.size);
        const dirs = perturbationDirections(model, theta, 4, c.seed);
        const perturbed = new Float32Array(PERTURBATION_RADII.length);
        const coords = new Float32Array(PERTURBATION_RADII.flatMap((rad) => [rad, 0]));
        for (const d of dirs) {
          const { loss } = await h.plane({ set: 'train', theta0: theta, d1: d, d2: new Float32Array(model.size), coords });
          loss.forEach((v, i) => (perturbed[i] += v / dirs.length));
        }
        this.rows[index] = {
          ...this.rows[index],
          lr: cond.lr * c.lrScale,
          sharpness,
          trainLoss: mean(r.evals[1].loss),
          testAcc: mean(r.evals[0].acc!),
          perturbed,
        };
        return { ...prev, [`${cond.id}Sharpness`]: roundMetric(mean(sharpness)), [`${cond.id}TestAcc`]: roundMetric(mean(r.evals[0].acc!)) };
      },
      cleared: reset,
    });
  }
}
