/**
 * "The landscape around your weights": a small ReLU classifier on three spirals, and the
 * directions of a 2-D slice through its current weights (Li et al. 2018): filter-normalized random
 * directions, raw random directions, or the top two PCA directions of the training trajectory
 * (centred, as in Li et al.'s code: see pcaDirections).
 */
import { filterNormalizedDirection, gridCoords, pcaDirections, rescaleLayers } from '../analysis/landscape';
import { spirals } from '../datasets';
import { buildModel, type RunSpec } from '../spec';
import { claim, classPoints, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import type { RunPlan } from '../lab';
import { maxOf, minOf } from '../stats';
import { makeRng } from '../random';

export type SliceMode = 'filter' | 'raw' | 'pca';

export const SLICE_EXTENT = 1;
/** The trajectory PCA mode slices along: θ after every this many steps. */
export const TRAJECTORY_EVERY = 20;
/** Points of the two profiles through the centre (index 32 is the centre). */
const LINE = Array.from({ length: 65 }, (_, i) => -1 + i / 32);

export function landscapePlan(c: { seed: number; lr: number; steps: number }): RunPlan {
  const data = spirals({ n: 150, seed: 7, noise: 0.15 });
  return {
    data,
    spec: {
      model: { kind: 'mlp', widths: [2, 16, 16, 3], activation: 'relu' },
      loss: 'softmax-ce',
      optimizer: { kind: 'adam' },
      lr: c.lr,
      initSeeds: [c.seed],
      batch: 50,
      fused: 10,
      steps: c.steps,
    },
  };
}

/** The slice's centre and directions for a mode (trajectory: snapshots of one member's θ). */
export function sliceFrame(spec: RunSpec, theta: Float32Array, mode: SliceMode, trajectory: Float32Array[], rescale: number, seed: number) {
  const model = buildModel(spec.model);
  const center = rescale === 1 ? theta : rescaleLayers(model, theta, 0, rescale);
  if (mode === 'pca' && trajectory.length >= 3) {
    const traj = rescale === 1 ? trajectory : trajectory.map((t) => rescaleLayers(model, t, 0, rescale));
    const p = pcaDirections(traj, center);
    return { center, d1: p.d1, d2: p.d2, path: p.coords, explained: p.explained };
  }
  const rng = makeRng(seed);
  const normalize = mode !== 'raw';
  return {
    center,
    d1: filterNormalizedDirection(model, center, rng.fork(1), normalize),
    d2: filterNormalizedDirection(model, center, rng.fork(2), normalize),
    path: [] as [number, number][],
    explained: [] as number[],
  };
}

const MODES = [
  { value: 'filter', label: 'random, filter-normalized' },
  { value: 'raw', label: 'random, not normalized' },
  { value: 'pca', label: 'PCA of the trajectory' },
] as const;

const fields = {
  mode: { kind: 'enum', default: 'filter', options: MODES, label: 'Directions', apply: 'reslice' },
  rescale: { kind: 'float', default: 1, min: 0.01, max: 100, label: 'Rescale layer 1 by α (layer 2 by 1/α)', apply: 'reslice' },
  lr: { kind: 'float', default: 0.01, min: 1e-5, max: 100, label: 'Learning rate' },
  steps: { kind: 'int', default: 800, min: 20, max: 20000, step: 20, label: 'Steps' },
  side: { kind: 'int', default: 64, min: 8, max: 128, label: 'Grid side', unit: 'points' },
} satisfies FieldTable;

export interface Slice {
  side: number;
  extent: number;
  /** Loss on the side × side grid, row-major. */
  loss: Float32Array;
  line1: Float32Array;
  line2: Float32Array;
  lineCoords: number[];
  /** The trajectory in the slice's coordinates (PCA mode). */
  path: [number, number][];
  step: number;
}

export const landscape = defineExperiment<{ slice: Slice }>()({
  id: 'landscape',
  title: 'The landscape around your weights',
  fields,
  metrics: {
    step: 'training steps done',
    loss: 'training loss (cross-entropy) on the latest step’s batch, at the weights before that step’s update',
    sliceStep: 'the step whose weights the slice goes through',
    gridPoints: 'points evaluated in the slice',
    sliceMs: 'milliseconds the slice took (one program call)',
    sliceBuilt: '1 when the slice time includes building the grid program',
    centerLoss: 'full-batch training loss at the current weights',
    gridMin: 'lowest loss anywhere on the slice',
    gridMax: 'highest loss anywhere on the slice',
    explained: 'share of the trajectory’s variance about its mean that the two PCA directions hold (Li et al.’s explained-variance ratio; 0 in random modes)',
  },
  volatile: ['sliceMs'],
  small: { steps: 20, side: 12 },
  trainingData: (c) => {
    const d = landscapePlan(c).data;
    return { kind: 'classes', ...classPoints(d), classes: ['arm 1', 'arm 2', 'arm 3'], xTitle: 'input x₁', yTitle: 'input x₂', note: `The ${d.n} training points: three noisy spiral arms, one class each.` };
  },
  claims: (m) => [
    ...claim(m.gridMin <= m.centerLoss + 1e-4, 'the trained weights should sit at the bottom of their slice'),
    ...claim(m.gridMax > m.centerLoss, 'the loss should rise away from the trained weights'),
  ],
  async run(ctx) {
    const c = ctx.config;
    let mode = c.mode as SliceMode;
    let rescale = c.rescale;
    const run = await ctx.lab.start(landscapePlan(c));
    const trajectory: Float32Array[] = [await run.params()];
    let sliced = false;
    const measure = async () => {
      const theta = trajectory[trajectory.length - 1];
      const f = sliceFrame(run.spec, theta, mode, trajectory, rescale, c.seed);
      const extent = f.path.length ? 1.15 * Math.max(SLICE_EXTENT * 0.2, ...f.path.flat().map(Math.abs)) : SLICE_EXTENT;
      const t0 = performance.now();
      const grid = await run.plane('train', f.center, f.d1, f.d2, gridCoords(c.side, extent));
      const sliceMs = performance.now() - t0;
      const lc = LINE.map((a) => a * extent);
      const line1 = (await run.plane('train', f.center, f.d1, f.d2, new Float32Array(lc.flatMap((a) => [a, 0])))).loss;
      const line2 = (await run.plane('train', f.center, f.d1, f.d2, new Float32Array(lc.flatMap((b) => [0, b])))).loss;
      ctx.report({
        metrics: {
          sliceStep: run.stepsDone,
          gridPoints: grid.loss.length,
          sliceMs: Math.round(sliceMs),
          // the first slice of a run also builds the grid program (a one-time cost the caption names)
          sliceBuilt: sliced ? 0 : 1,
          centerLoss: line1[32],
          gridMin: minOf(grid.loss),
          gridMax: maxOf(grid.loss),
          explained: f.explained.length ? f.explained[0] + f.explained[1] : 0,
        },
        figure: { slice: { side: c.side, extent, loss: grid.loss, line1, line2, lineCoords: lc, path: f.path, step: run.stepsDone } },
      });
      sliced = true;
    };
    ctx.action<{ mode?: string; rescale?: number }>('reslice', async (a) => {
      if (a.mode !== undefined) {
        if (!MODES.some((m) => m.value === a.mode)) throw new RangeError(`unknown slice mode "${a.mode}"`);
        mode = a.mode as SliceMode;
      }
      if (a.rescale !== undefined) {
        if (!(a.rescale >= fields.rescale.min && a.rescale <= fields.rescale.max)) throw new RangeError(`α must be between ${fields.rescale.min} and ${fields.rescale.max}`);
        rescale = a.rescale;
      }
      await measure();
    });
    for (let s = TRAJECTORY_EVERY; run.stepsDone < c.steps; s += TRAJECTORY_EVERY) {
      const chunk = await run.trainTo(s);
      trajectory.push(await run.params());
      if (chunk) ctx.report({ metrics: { step: chunk.step, loss: chunk.loss[0] } });
    }
    await measure();
  },
});
