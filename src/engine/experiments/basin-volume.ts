/**
 * "The landscape as a probability map": gradient descent from many random starting points on a
 * two-parameter landscape with two equally deep wells of different widths. The fraction of starts
 * that drain into each well is the volume of its basin of attraction — wide valleys take up more
 * of parameter space, so training finds them more often.
 */
import { gridCoords } from '../analysis/landscape';
import { claim, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import type { RunPlan } from '../lab';
import { initParams, type Well } from '../models';
import { buildModel } from '../spec';

export const BASIN_BOX = 3;
/** Side of the grid the landscape behind the dots is drawn from. */
export const MAP_SIDE = 48;

export function basinWells(c: { narrow: number; wide: number }): Well[] {
  return [
    { center: [-1.3, 0.4], width: c.narrow },
    { center: [1.3, -0.4], width: c.wide },
  ];
}

export function basinPlan(c: { starts: number; seed: number; narrow: number; wide: number; steps: number; lr: number }): RunPlan {
  return {
    data: { X: Float32Array.of(0), Y: Float32Array.of(0), n: 1, inDim: 1, outDim: 1 },
    spec: {
      model: { kind: 'two-wells', wells: basinWells(c), box: BASIN_BOX },
      loss: 'value',
      optimizer: { kind: 'sgd' },
      lr: c.lr,
      initSeeds: Array.from({ length: c.starts }, (_, i) => c.seed + i),
      batch: 1,
      fused: 20,
      steps: c.steps,
    },
  };
}

/** Which well each final point sits in (0 narrow, 1 wide), or −1 when it is still on the plateau (or diverged: NaN). */
export function classifyBasins(finals: ArrayLike<number>, wells: Well[]): Int8Array {
  const n = finals.length / 2;
  const out = new Int8Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    wells.forEach((w, k) => {
      const d = Math.hypot(finals[2 * i] - w.center[0], finals[2 * i + 1] - w.center[1]);
      if (d < w.width) out[i] = k;
    });
  }
  return out;
}

/** Fractions of the starts in each well, over the starts that did not diverge (`diverged`: their indices). */
export function basinFractions(labels: Int8Array, diverged: readonly number[] = []) {
  const gone = new Set(diverged);
  const n = labels.length - gone.size || 1;
  const count = (k: number) => labels.filter((l, i) => l === k && !gone.has(i)).length / n;
  return { narrow: count(0), wide: count(1), plateau: count(-1) };
}

const fields = {
  starts: { kind: 'int', default: 400, min: 1, max: 4000, label: 'Random starts' },
  narrow: { kind: 'float', default: 0.5, min: 0.1, max: 2, step: 0.1, label: 'Narrow well width σ' },
  wide: { kind: 'float', default: 1, min: 0.1, max: 2, step: 0.1, label: 'Wide well width σ' },
  steps: { kind: 'int', default: 300, min: 20, max: 5000, step: 20, label: 'Steps' },
  lr: { kind: 'float', default: 0.1, min: 1e-4, max: 100, label: 'Learning rate' },
} satisfies FieldTable;

export interface BasinsFigure {
  /** Where each run started, [starts × 2]. */
  starts: Float32Array;
  /** Where each run is now. */
  positions: Float32Array;
  /** The well each run ended in (0 narrow, 1 wide, −1 plateau), once training is done. */
  labels: Int8Array;
  /** The loss on a MAP_SIDE² grid over the box, row-major. */
  landscape: Float32Array;
}

export const basins = defineExperiment<BasinsFigure>()({
  id: 'basins',
  title: 'The landscape as a probability map',
  fields,
  metrics: {
    step: 'gradient-descent steps done',
    starts: 'number of random starts',
    fracNarrow: 'fraction of starts now in the narrow well',
    fracWide: 'fraction of starts now in the wide well',
    fracPlateau: 'fraction still on the plateau between them',
  },
  small: { starts: 20, steps: 40 },
  claims: (m) => [...claim(m.fracWide > 2 * m.fracNarrow, `the wide well should catch far more starts (${m.fracWide} vs ${m.fracNarrow})`)],
  async run(ctx) {
    const c = ctx.config;
    const plan = basinPlan(c);
    const wells = basinWells(c);
    ctx.report({ figure: { starts: initParams(buildModel(plan.spec.model), plan.spec.initSeeds) } });
    const run = await ctx.lab.start(plan);
    const origin = new Float32Array(2);
    const map = await run.plane('train', origin, Float32Array.of(1, 0), Float32Array.of(0, 1), gridCoords(MAP_SIDE, BASIN_BOX));
    ctx.report({ figure: { landscape: map.loss } });
    let labels: Int8Array = new Int8Array(0);
    await run.trainTo(c.steps, async (chunk) => {
      const positions = await run.params();
      labels = classifyBasins(positions, wells);
      const f = basinFractions(labels, run.diverged);
      ctx.report({ metrics: { step: chunk.step, starts: c.starts, fracNarrow: f.narrow, fracWide: f.wide, fracPlateau: f.plateau }, figure: { positions } });
    });
    ctx.report({ figure: { labels } });
  },
});
