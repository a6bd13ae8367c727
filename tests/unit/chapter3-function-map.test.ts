/**
 * Chapter 3, "Which functions random networks compute" (function-map), headless through its
 * experiment module: the Lempel–Ziv complexity it plots against (Dingle et al. 2018), the Spearman
 * helper, the normals the networks are drawn from, and the effect Valle-Pérez et al. (2019) report —
 * the probability of a Boolean function falls with its complexity, the constant functions the
 * likeliest — at a reduced sample count.
 */
import { describe, expect, it } from 'vitest';
import { lz76Words, lzComplexity, unpackBits } from '../../src/engine/analysis/complexity';
import { booleanInputs, FunctionTally, functionMap, functionMapModel, sampleParams, summarize, TOP_FUNCTIONS } from '../../src/engine/experiments/function-map';
import { makeRng, ZigguratNormal } from '../../src/engine/random';
import { buildModel } from '../../src/engine/spec';
import { ranks, spearman } from '../../src/engine/stats';
import { ExperimentHost, type HostReport, runExperiment } from '../../src/runtime/host';
import { loadOrt } from '../../src/runtime/ort';

const bits = (s: string) => [...s].map(Number);

describe('Lempel–Ziv complexity of a truth table', () => {
  it('counts LZ76 words as Kaspar & Schuster do', () => {
    // 0·001·10·100·1000·101 (Kaspar & Schuster 1987) and 1·0·01·1110·1100·0010
    expect(lz76Words(bits('0001101001000101'))).toBe(6);
    expect(lz76Words(bits('1001111011000010'))).toBe(6);
    expect(lz76Words(bits('0'))).toBe(1);
    expect(lz76Words(bits('01'))).toBe(2);
    expect(lz76Words(bits('0101010101'))).toBe(3); // 0·1·01010101
    expect(lz76Words(bits('0000000001'))).toBe(2); // 0·000000001
    expect(lz76Words(bits('0000'))).toBe(2); // 0·000 (the constant case K sets to the minimum)
  });

  it('ranks the constants lowest and random tables among the highest', () => {
    const n = 128;
    const zeros = new Array(n).fill(0);
    const ones = new Array(n).fill(1);
    expect(lzComplexity(zeros)).toBe(7);
    expect(lzComplexity(ones)).toBe(7);
    const half = Array.from({ length: n }, (_, i) => (i < 64 ? 0 : 1));
    const alternating = Array.from({ length: n }, (_, i) => i % 2);
    const single = Array.from({ length: n }, (_, i) => (i === 37 ? 1 : 0));
    for (const s of [half, alternating, single]) {
      expect(lzComplexity(s)).toBeGreaterThan(7);
      expect(lzComplexity(s)).toBeLessThan(40);
    }
    expect(lzComplexity(half)).toBe(21); // 7·(3 + 3)/2: 0·0…0·1…1 both ways
    const rng = makeRng(5);
    const random = Array.from({ length: 200 }, () => lzComplexity(Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0))));
    // every random table is far above every simple one (a table of a few runs scores ≤ 40)
    expect(Math.min(...random)).toBeGreaterThan(100);
    // and no structured table comes near: periodic tables of any period up to 8
    for (let period = 2; period <= 8; period++) {
      const p = Array.from({ length: n }, (_, i) => (i % period < period / 2 ? 1 : 0));
      expect(lzComplexity(p)).toBeLessThan(Math.min(...random));
    }
  });

  it('unpacks a 4 × 32-bit table bit by bit', () => {
    const t = unpackBits(Uint32Array.of(1, 0x80000000, 0, 0xffffffff), 128);
    expect(t[0]).toBe(1);
    expect(t[1]).toBe(0);
    expect(t[63]).toBe(1);
    expect(t.slice(64, 96).every((b) => b === 0)).toBe(true);
    expect(t.slice(96).every((b) => b === 1)).toBe(true);
  });
});

describe('Spearman rank correlation', () => {
  it('ranks ties by their mean rank and reads monotone relations as ±1', () => {
    expect(Array.from(ranks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [8, 4, 2, 1])).toBeCloseTo(-1, 12);
    // with ties: x ranks 1, 2.5, 2.5, 4 against y ranks 1..4 → 0.9487 (Pearson of the ranks)
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9486833, 6);
    // the pair with NaN is left out: (1, 1), (3, 2), (4, 3) rise together
    expect(spearman([1, NaN, 3, 4], [1, 5, 2, 3])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});

describe('the random networks', () => {
  it('ziggurat normals: mean 0, variance 1, the normal’s tails', () => {
    const z = new ZigguratNormal(7);
    const N = 1_000_000;
    const a = new Float32Array(N);
    z.fill(a, 0, N, 1);
    let m = 0;
    let v = 0;
    let beyond2 = 0;
    let beyond3 = 0;
    for (const x of a) {
      m += x;
      v += x * x;
      if (Math.abs(x) > 2) beyond2++;
      if (Math.abs(x) > 3) beyond3++;
    }
    expect(Math.abs(m / N)).toBeLessThan(0.005);
    expect(Math.abs(v / N - 1)).toBeLessThan(0.006);
    expect(Math.abs(beyond2 / N - 0.0455)).toBeLessThan(0.001);
    expect(Math.abs(beyond3 / N - 0.0027)).toBeLessThan(0.0003);
  });

  it('weights N(0, σ_w²/fan_in) and biases N(0, σ_b²), layer by layer', () => {
    const spec = functionMapModel({ width: 40, depth: 2, activation: 'relu' });
    const model = buildModel(spec);
    const E = 200;
    const theta = new Float32Array(E * model.size);
    sampleParams(spec, theta, E, { sigmaW: 2, sigmaB: 0.5, seed: 3 }, 0);
    for (const p of model.params) {
      let s = 0;
      for (let e = 0; e < E; e++) for (let k = 0; k < p.size; k++) s += theta[e * model.size + p.offset + k] ** 2;
      const sd = Math.sqrt(s / (E * p.size));
      const want = p.isBias ? 0.5 : 2 / Math.sqrt(p.shape[0]);
      expect(Math.abs(sd / want - 1), p.name).toBeLessThan(p.size * E > 1000 ? 0.05 : 0.2);
    }
    // the 128 inputs: row i the bits of i, most significant first
    const X = booleanInputs();
    expect(Array.from(X.subarray(5 * 7, 6 * 7))).toEqual([0, 0, 0, 0, 1, 0, 1]);
  });

  it('a tally counts truth tables, the constants among them, and keeps its summary small', () => {
    const t = new FunctionTally();
    for (let i = 0; i < 5; i++) t.add(0, 0, 0, 0);
    for (let i = 0; i < 3; i++) t.add(-1, -1, -1, -1);
    t.add(1, 0, 0, 0);
    t.add(1, 0, 0, 0);
    t.add(0x12345678, 0x9abcdef0, 0x0f0f0f0f, 0x77777777);
    const s = summarize(t, 11);
    expect(s.metrics.samples).toBe(11);
    expect(s.metrics.distinctFunctions).toBe(4);
    expect(s.metrics.pConstant).toBeCloseTo(8 / 11, 12);
    expect(Array.from(s.figure.topCounts)).toEqual([5, 3, 2, 1]);
    expect(s.figure.topComplexity[0]).toBe(7);
    expect(Array.from(s.figure.rankCounts)).toEqual([5, 3, 2, 1]);
    expect(s.figure.restCount.length).toBe(0);
  });
});

describe('chapter 3: which functions random networks compute', () => {
  it('at 20,000 networks: simpler functions likelier, the constants a sizeable share, most functions seen once', async () => {
    const r = await runExperiment(functionMap, { samples: 20_000 });
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    const m = r.metrics;
    expect(m.samples).toBe(20_000);
    // measured (seed 1): complexityCorrelation −0.48, pConstant 0.169, 15,736 distinct functions
    expect(m.complexityCorrelation).toBeLessThan(-0.3);
    expect(m.pConstant).toBeGreaterThan(0.1);
    expect(m.pConstant).toBeLessThan(0.3);
    expect(m.distinctFunctions).toBeGreaterThan(5000);
    expect(m.distinctFunctions).toBeLessThan(20_000);
    const f = r.figure;
    // the two constants are the two likeliest functions, at complexity 7
    expect(f.topComplexity![0]).toBe(7);
    expect(f.topComplexity![1]).toBe(7);
    expect(f.topCounts![1]).toBeGreaterThan(10 * f.topCounts![2]);
    // figure data stays small: the top functions one by one, the rest aggregated, every function counted once
    expect(f.topCounts!.length).toBe(Math.min(TOP_FUNCTIONS, m.distinctFunctions));
    let functions = f.topCounts!.length;
    let samples = f.topCounts!.reduce((s, c) => s + c, 0);
    f.restFunctions!.forEach((n, i) => {
      functions += n;
      samples += n * f.restCount![i];
    });
    expect(functions).toBe(m.distinctFunctions);
    expect(samples).toBe(20_000);
    expect(f.restCount!.length).toBeLessThan(500);
    expect(f.rankRanks!.at(-1)).toBe(m.distinctFunctions);
    // reports came as batches completed, the progress rising to the end
    const progress = r.reports.map((x) => x.progress);
    expect(r.reports.length).toBeGreaterThanOrEqual(20);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
  }, 60_000);

  it('tanh networks show the same bias, fewer constants', async () => {
    const r = await runExperiment(functionMap, { samples: 10_000, activation: 'tanh', width: 20 });
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(r.metrics.complexityCorrelation).toBeLessThan(-0.3);
    expect(r.metrics.pConstant).toBeGreaterThan(0.01);
    expect(r.figure.topComplexity![0]).toBe(7);
  }, 60_000);

  it('between batches a pause holds the sampler and a stop ends it (ctx.checkpoint)', async () => {
    await loadOrt('wasm');
    const reports: HostReport[] = [];
    const config = { seed: 1, samples: 200_000, width: 8, depth: 1, sigmaW: 1, sigmaB: 0.1, activation: 'relu' };
    const h = new ExperimentHost(functionMap as never, config, {
      backend: { backend: 'wasm', reason: 'test', threads: 1 },
      events: { ready: () => undefined, report: (r) => reports.push(r), notice: () => undefined },
    });
    const deadline = Date.now() + 20_000;
    while (reports.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    h.pause();
    await new Promise((r) => setTimeout(r, 100));
    const at = reports.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(reports.length).toBeLessThanOrEqual(at + 1);
    const progress = reports.at(-1)!.progress;
    expect(progress).toBeGreaterThan(0);
    expect(progress).toBeLessThan(1);
    await h.stop();
    expect(await h.finished).toEqual({ kind: 'stopped' });
  }, 60_000);
});
