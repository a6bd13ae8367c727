/**
 * "The landscape as a probability map": gradient descent from many random starting points on a
 * two-parameter landscape with two equally deep wells of different widths. The fraction of starts
 * that drain into each well is the volume of its basin of attraction — wide valleys take up more
 * of parameter space, so training finds them more often.
 */
import type { Well } from '../models';
import type { Dataset, RunSpec } from '../spec';

export interface BasinConfig {
  starts: number;
  seed: number;
  narrow: number;
  wide: number;
  steps: number;
  lr: number;
}

export const BASIN_DEFAULTS: BasinConfig = { starts: 400, seed: 1, narrow: 0.5, wide: 1, steps: 300, lr: 0.1 };
export const BASIN_BOX = 3;

export function basinWells(c: BasinConfig): Well[] {
  return [
    { center: [-1.3, 0.4], width: c.narrow },
    { center: [1.3, -0.4], width: c.wide },
  ];
}

export function basinExperiment(c: BasinConfig): { spec: RunSpec; data: Dataset } {
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

/** Which well each final point sits in (0 narrow, 1 wide), or −1 when it is still on the plateau. */
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

export function basinFractions(labels: Int8Array) {
  const n = labels.length || 1;
  const count = (k: number) => labels.filter((l) => l === k).length / n;
  return { narrow: count(0), wide: count(1), plateau: count(-1) };
}
