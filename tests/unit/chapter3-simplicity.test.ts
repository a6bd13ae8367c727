/**
 * Chapter 3's inductive-bias figures through their experiment modules (WASM in Node): simplicity
 * bias (Shah et al. 2020) and spectral bias (Rahaman et al. 2019) at their defaults and across the
 * controls the prose describes.
 */
import { describe, expect, it } from 'vitest';
import { linearSlabs, randomizeColumns } from '../../src/engine/datasets';
import { simplicity } from '../../src/engine/experiments/simplicity';
import { runExperiment } from '../../src/runtime/host';

describe('simplicity bias (Shah et al. 2020)', () => {
  it('linear + slab data: every coordinate alone separates the classes; shuffling keeps each column’s values', () => {
    const d = linearSlabs({ n: 400, seed: 3, slabs: 4 });
    for (let i = 0; i < d.n; i++) {
      const y = d.Y[i];
      expect(Math.sign(d.X[i * d.inDim])).toBe(y ? 1 : -1);
      expect(Math.abs(d.X[i * d.inDim])).toBeGreaterThanOrEqual(0.1);
      for (let j = 1; j < d.inDim; j++) {
        const bin = Math.floor((d.X[i * d.inDim + j] + 1) / 0.4);
        expect(bin % 2).toBe(y);
      }
    }
    const r = randomizeColumns(d, [0], 5);
    const col = (x: Float32Array, j: number) => Array.from({ length: d.n }, (_, i) => x[i * d.inDim + j]).sort((a, b) => a - b);
    expect(col(r.X, 0)).toEqual(col(d.X, 0));
    expect(Array.from({ length: d.n }, (_, i) => r.X[i * d.inDim + 1])).toEqual(Array.from({ length: d.n }, (_, i) => d.X[i * d.inDim + 1]));
  });

  it('at the defaults: perfect on clean data, chance with the linear coordinate shuffled, unchanged with every slab shuffled', async () => {
    const r = await runExperiment(simplicity);
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(simplicity.claims!(r.metrics)).toEqual([]);
    expect(r.figure.accClean!.length).toBe(16);
    expect(r.figure.points!.length).toBeGreaterThan(100);
  });

  it('across the controls (more slabs, fewer steps, one wide layer) the linear coordinate is still all the network uses', async () => {
    for (const cfg of [{ slabs: 20 }, { steps: 200 }, { width: 200, depth: 1 }, { seed: 3, slabs: 1 }]) {
      const r = await runExperiment(simplicity, { members: 4, ...cfg });
      expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
      expect(r.metrics.accCleanMin, JSON.stringify(cfg)).toBeGreaterThan(0.98);
      expect(r.metrics.accLinearRandomizedMax, JSON.stringify(cfg)).toBeLessThan(0.56);
      expect(r.metrics.accLinearRandomizedMin, JSON.stringify(cfg)).toBeGreaterThan(0.44);
      expect(r.metrics.accSlabsRandomizedMin, JSON.stringify(cfg)).toBeGreaterThan(0.97);
    }
  });
});
