/**
 * Chapter 3's inductive-bias figures through their experiment modules (WASM in Node): simplicity
 * bias (Shah et al. 2020) and spectral bias (Rahaman et al. 2019) at their defaults and across the
 * controls the prose describes.
 */
import { describe, expect, it } from 'vitest';
import { linearSlabs, randomizeColumns, SLAB_CUTS } from '../../src/engine/datasets';
import { simplicity } from '../../src/engine/experiments/simplicity';
import { amplitudes, dft, learnedAmplitudes, learnOrder, spectralBias, sumOfSines } from '../../src/engine/experiments/spectral-bias';
import { ranks, spearman } from '../../src/engine/stats';
import { runExperiment } from '../../src/runtime/host';

describe('simplicity bias (Shah et al. 2020)', () => {
  it('linear + slab data: every coordinate alone separates the classes; shuffling keeps each column’s values', () => {
    const d = linearSlabs({ n: 400, seed: 3, slabs: 4 });
    for (let i = 0; i < d.n; i++) {
      const y = d.Y[i];
      expect(Math.sign(d.X[i * d.inDim])).toBe(y ? 1 : -1);
      expect(Math.abs(d.X[i * d.inDim])).toBeGreaterThanOrEqual(0.1);
      for (let j = 1; j < d.inDim; j++) {
        const a = Math.abs(d.X[i * d.inDim + j]);
        expect(a > 0.22 && a < 0.66 ? 1 : 0).toBe(y);
        // at least 0.1 from every cut: the margins of Shah et al.
        for (const c of SLAB_CUTS) expect(Math.abs(d.X[i * d.inDim + j] - c)).toBeGreaterThanOrEqual(0.1 - 1e-6);
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
    for (const cfg of [{ slabs: 19 }, { steps: 200 }, { width: 200, depth: 1 }, { seed: 3, slabs: 1 }]) {
      const r = await runExperiment(simplicity, { members: 4, ...cfg });
      expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
      expect(r.metrics.accCleanMin, JSON.stringify(cfg)).toBeGreaterThan(0.98);
      expect(r.metrics.accLinearRandomizedMax, JSON.stringify(cfg)).toBeLessThan(0.56);
      expect(r.metrics.accLinearRandomizedMin, JSON.stringify(cfg)).toBeGreaterThan(0.44);
      expect(r.metrics.accSlabsRandomizedMin, JSON.stringify(cfg)).toBeGreaterThan(0.96);
    }
  });
});

describe('Spearman’s rank correlation', () => {
  it('ranks ties at their mean rank; ρ is 1 for any increasing relation, −1 for decreasing, and skips non-finite pairs', () => {
    expect(Array.from(ranks([10, 30, 20, 20]))).toEqual([1, 4, 2.5, 2.5]);
    expect(spearman([1, 2, 3, 4, 5], [1, 8, 27, 64, 125])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3, NaN], [1, 3, 2, 100])).toBeCloseTo(0.5, 12);
    // with ties: ranks a = 1 2 3 4, b = 1 2.5 2.5 4 → ρ = Pearson of the ranks
    expect(spearman([1, 2, 3, 4], [0, 5, 5, 9])).toBeCloseTo(4.5 / Math.sqrt(5 * 4.5), 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(learnOrder([10, 20, -1, 40])).toBeCloseTo(1, 12);
    expect(learnOrder([-1, -1, 5])).toBe(0);
  });
});

describe('spectral bias (Rahaman et al. 2019)', () => {
  it('the DFT reads each sine’s amplitude off the grid; a fit equal to the target has learned all of every frequency', () => {
    for (const preset of ['equal', 'decaying', 'rising']) {
      const d = sumOfSines({ maxFrequency: 6, amplitudes: preset, seed: 2 });
      const A = amplitudes(preset, 6);
      dft(d.Y, 6).forEach(([re, im], i) => expect(Math.hypot(re, im)).toBeCloseTo(A[i], 4));
      learnedAmplitudes(d.Y, d.Y, 6).forEach((v) => expect(v).toBeCloseTo(1, 6));
      // a fit of half the target has learned half of every frequency
      learnedAmplitudes(d.Y.map((v) => v / 2), d.Y, 6).forEach((v) => expect(v).toBeCloseTo(0.5, 6));
    }
    expect(amplitudes('rising', 4)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(amplitudes('decaying', 4)).toEqual([1, 0.75, 0.5, 0.25]);
  });

  it('at the defaults: every frequency learned, from low to high', async () => {
    const r = await runExperiment(spectralBias);
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(spectralBias.claims!(r.metrics)).toEqual([]);
    expect(r.metrics.frequenciesLearned).toBe(10);
    expect(r.figure.learned!.length).toBe(r.figure.checkpoints!.length);
    // the heatmap starts at zero: what training added, not what the initialization happened to carry
    expect(Math.max(...r.figure.learned![0].map(Math.abs))).toBe(0);
  });

  it('the order holds at K = 5 and K = 20, and with rising or decaying amplitudes', async () => {
    for (const cfg of [{ maxFrequency: 5 }, { maxFrequency: 20 }, { amplitudes: 'rising' }, { amplitudes: 'decaying', seed: 3 }]) {
      const r = await runExperiment(spectralBias, cfg);
      expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
      expect(r.metrics.learnOrderSpearman, JSON.stringify(cfg)).toBeGreaterThan(0.85);
      expect(r.metrics.firstLearnedLow, JSON.stringify(cfg)).toBeGreaterThanOrEqual(0);
      expect(r.metrics.firstLearnedLow, JSON.stringify(cfg)).toBeLessThan(100);
      expect(r.metrics.frequenciesLearned, JSON.stringify(cfg)).toBeGreaterThanOrEqual(Math.ceil(0.7 * (cfg.maxFrequency ?? 10)));
    }
  });
});
