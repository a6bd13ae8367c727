/**
 * Chapter 5's grokking figures, headless through their experiment modules: modular addition
 * a + b mod 23 from half the pairs (grokking-task.ts). The network memorizes its training pairs
 * within tens of steps and generalizes hundreds of steps later under weight decay (Power et al.
 * 2022; Nanda et al. 2023) — sooner with more weight decay, never without it — and what it
 * generalizes with is Fourier features: each hidden unit ends reading one frequency of the residues
 * (Gromov 2023), though the network as a whole spreads over nearly all of them.
 */
import { describe, expect, it } from 'vitest';
import { addSpectrum, fourierCircuit, frequencyShares, keyFrequencyCount, topShare } from '../../src/engine/experiments/fourier-circuit';
import { grokking } from '../../src/engine/experiments/grokking';
import { embeddings, GROK_FUSED, GROKKING_FIELDS, grokkingModel, measureSteps, modularAddition, splitTrainingData, trainCount } from '../../src/engine/experiments/grokking-task';
import { buildModel } from '../../src/engine/spec';
import { runExperiment } from '../../src/runtime/host';

describe('chapter 5: the grokking task', () => {
  it('splits all p² pairs once by the seed, one-hot(a) ⊕ one-hot(b) in, (a + b) mod p out', () => {
    const t = modularAddition(23, 0.5, 1);
    expect(t.trainPairs.length + t.testPairs.length).toBe(529);
    expect(t.trainPairs.length).toBe(265);
    expect(new Set([...t.trainPairs, ...t.testPairs]).size).toBe(529);
    expect(modularAddition(23, 0.5, 1).trainPairs).toEqual(t.trainPairs);
    expect(modularAddition(23, 0.5, 2).trainPairs).not.toEqual(t.trainPairs);
    const { X, Y, inDim, outDim } = t.test;
    expect([inDim, outDim]).toEqual([46, 23]);
    for (let i = 0; i < t.test.n; i++) {
      const a = Math.floor(t.testPairs[i] / 23);
      const b = t.testPairs[i] % 23;
      const row = Array.from(X.subarray(i * 46, (i + 1) * 46));
      expect(row.reduce((s, v) => s + v, 0)).toBe(2);
      expect([row[a], row[23 + b], Y[i * 23 + ((a + b) % 23)]]).toEqual([1, 1, 1]);
    }
    expect(splitTrainingData({ p: 23, trainFraction: 0.5, seed: 1 }).labels.filter((l) => l === 0).length).toBe(265);
  });

  it('both sets stay non-empty at the ends of the settings’ range, and beyond it', () => {
    const { p, trainFraction } = GROKKING_FIELDS;
    for (const f of [trainFraction.min, trainFraction.max, 0, 1, NaN]) {
      const t = modularAddition(p.min, f, 3);
      expect(t.train.n).toBeGreaterThan(0);
      expect(t.test.n).toBeGreaterThan(0);
    }
    expect([trainCount(7, 0), trainCount(7, 1)]).toEqual([1, 48]);
  });

  it('measures every 10 steps up to 100, then log-spaced, always at the last step', () => {
    const s = measureSteps(3000);
    expect(s.slice(0, 10)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(s.at(-1)).toBe(3000);
    expect(s.every((v, i) => v % GROK_FUSED === 0 && (i === 0 || v > s[i - 1]))).toBe(true);
    expect(s.length).toBeLessThan(60);
    expect(measureSteps(100).at(-1)).toBe(100);
  });

  it('the embeddings are W0’s rows: a’s first, then b’s', () => {
    const c = { p: 5, width: 3, activation: 'quadratic' };
    const model = buildModel(grokkingModel(c));
    const theta = Float32Array.from({ length: model.size }, (_, i) => i);
    const { a, b } = embeddings(theta, c);
    const W0 = model.params.find((q) => q.name === 'W0')!;
    expect(W0.shape).toEqual([10, 3]);
    expect(a[0]).toBe(W0.offset);
    expect(b[0]).toBe(W0.offset + 15);
    expect(model.params.some((q) => q.isBias)).toBe(false);
  });

  it('the spectrum: a pure frequency lands on its k, and the energies add up to the squared norm (Parseval)', () => {
    const p = 23;
    const emb = Float32Array.from({ length: p }, (_, r) => 0.5 + Math.cos((2 * Math.PI * 4 * r) / p + 1) + 0.3 * Math.sin((2 * Math.PI * 9 * r) / p));
    const spec = addSpectrum(emb, p, 1, new Float64Array(12));
    expect(spec.reduce((s, v) => s + v, 0)).toBeCloseTo(emb.reduce((s, v) => s + v * v, 0), 3);
    expect(spec[0]).toBeCloseTo(p * 0.25, 3);
    const shares = frequencyShares(spec);
    expect(shares[3] + shares[8]).toBeCloseTo(1, 5);
    expect(shares[3]).toBeCloseTo(1 / 1.09, 3);
    expect(keyFrequencyCount(shares)).toBe(1);
    expect(keyFrequencyCount(shares, 0.99)).toBe(2);
    expect(topShare(shares, 2)).toBeCloseTo(1, 5);
  });
});

describe('chapter 5: grokking live', () => {
  it('at the defaults (p = 23, half the pairs, width 256, weight decay 1): memorized within ~60 steps, generalized ~1000 steps later', async () => {
    const r = await runExperiment(grokking, {});
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(grokking.claims!(r.metrics)).toEqual([]);
    const m = r.metrics;
    // measured over seeds 1–4: memorized at 50–60, generalized at 910–1110
    expect(m.stepTrain99).toBeGreaterThan(0);
    expect(m.stepTrain99).toBeLessThanOrEqual(100);
    expect(m.stepTest95).toBeGreaterThan(10 * m.stepTrain99);
    expect(m.trainAccFinal).toBeGreaterThanOrEqual(0.99);
    expect(m.testAccFinal).toBeGreaterThanOrEqual(0.95);
    // while memorized and not yet generalized, the held-out accuracy sits near chance
    const f = r.figure;
    const i = f.steps!.indexOf(m.stepTrain99);
    expect(f.testAcc![i]).toBeLessThan(0.1);
    expect(f.steps!.at(-1)).toBe(3000);
    expect(f.weightNorm!.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(f.chance).toBeCloseTo(1 / 23, 6);
  });

  it('the gap holds across seeds 2–4', async () => {
    for (const seed of [2, 3, 4]) {
      const m = (await runExperiment(grokking, { seed })).metrics;
      expect(grokking.claims!(m), `seed ${seed}`).toEqual([]);
      expect(m.stepTest95, `seed ${seed}`).toBeGreaterThan(10 * m.stepTrain99);
    }
  });

  it('more weight decay generalizes sooner; none never does, its held-out accuracy near chance while its weights grow', async () => {
    const wd3 = (await runExperiment(grokking, { weightDecay: 3 })).metrics;
    const wd1 = (await runExperiment(grokking, { weightDecay: 1, steps: 1500 })).metrics;
    const wd0 = await runExperiment(grokking, { weightDecay: 0 });
    // measured (seed 1): weight decay 3 at step 570, 1 at 1000, 0 never within 3000 (test accuracy 0.03)
    expect(wd3.stepTest95).toBeGreaterThan(0);
    expect(wd1.stepTest95).toBeGreaterThan(0);
    expect(wd3.stepTest95).toBeLessThan(wd1.stepTest95);
    expect(wd0.metrics.stepTrain99).toBeGreaterThan(0);
    expect(wd0.metrics.stepTest95).toBe(-1);
    expect(wd0.metrics.testAccFinal).toBeLessThan(0.2);
    expect(wd0.metrics.weightNormFinal).toBeGreaterThan(wd3.weightNormFinal);
    expect(grokking.claims!(wd0.metrics).length).toBeGreaterThan(0);
  });
});

describe('chapter 5: the algorithm that emerged', () => {
  it('at the defaults: each hidden unit ends on one frequency of the residues, from a spread spectrum at memorization', async () => {
    const r = await runExperiment(fourierCircuit, {});
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(fourierCircuit.claims!(r.metrics)).toEqual([]);
    const m = r.metrics;
    // measured (seeds 1, 2): 0.29 at memorization → 0.92 at the end; 1.16 frequencies per unit
    expect(m.fourierShareEarly).toBeLessThan(0.4);
    expect(m.fourierShareFinal).toBeGreaterThan(0.8);
    expect(m.fourierShareFinal).toBeGreaterThan(2.5 * m.fourierShareEarly);
    expect(m.keyFrequencies).toBeLessThan(1.5);
    // …while the units between them use nearly all 11 frequencies (Morwani et al. 2023: the
    // max-margin solution of this network does): no few "key frequencies" for the whole network here
    expect(m.frequenciesUsed).toBeGreaterThanOrEqual(8);
    expect(m.constantShareFinal).toBeLessThan(0.02);
    const f = r.figure;
    const n = f.steps!.length;
    expect([f.shares!.length, f.units!.length, f.unitShare!.length, f.topShare!.length]).toEqual([n, n, n, n]);
    expect(f.frequencies).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(f.units![0].length).toBe(48 * 11);
    expect(f.steps![f.memorizedAt!]).toBe(m.stepTrain99);
    for (const row of [f.shares![0], f.shares![n - 1], f.units![n - 1].slice(0, 11)]) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
  });

  it('without weight decay the units stay spread over many frequencies', async () => {
    const m = (await runExperiment(fourierCircuit, { weightDecay: 0, steps: 1500 })).metrics;
    expect(m.stepTest95).toBe(-1);
    expect(m.fourierShareFinal).toBeLessThan(0.5);
    expect(m.keyFrequencies).toBeGreaterThan(4);
  });
});
