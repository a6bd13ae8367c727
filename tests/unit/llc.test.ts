/**
 * The local learning coefficient machinery (src/engine/analysis/llc.ts, sgld.ts) on its own: the
 * closed forms on known values, the estimator and health checks on made-up traces, SGLD against
 * gradient descent (zero noise, γ = 0) through the lab, and the sampler on a regular model with a
 * plain-TypeScript gradient (tests/unit/llc-reference.ts).
 */
import { describe, expect, it } from 'vitest';
import { aoyagiLambda, chainHealth, deepLinearLambda, defaultNbeta, estimateLLC, normalCrossingLambda, reducedRankLambda, regularLambda } from '../../src/engine/analysis/llc';
import { sampleSgld, sgldStep } from '../../src/engine/analysis/sgld';
import { memberParams } from '../../src/engine/lab';
import { makeRng } from '../../src/engine/random';
import type { RunSpec } from '../../src/engine/spec';
import { OrtLab } from '../../src/runtime/lab';
import { linearLossGrad, referenceOracle } from './llc-reference';

describe('closed forms', () => {
  it('regular and normal crossing', () => {
    expect(regularLambda(7)).toBe(3.5);
    expect(normalCrossingLambda([1, 2])).toBe(0.25);
    expect(normalCrossingLambda([3, 1])).toBeCloseTo(1 / 6, 12);
    expect(defaultNbeta(1000)).toBeCloseTo(144.76, 2);
  });

  it('reduced-rank regression (Aoyagi & Watanabe 2005): devinterp’s five tested cases at r = 0, one per regime', () => {
    // (M, H, N): the values devinterp's rrr test computes for a teacher of rank 0
    expect(reducedRankLambda(5, 3, 5, 0)).toEqual({ lambda: 6.5, multiplicity: 2, regime: 'balanced, M + H + N + r odd' });
    expect(reducedRankLambda(5, 4, 5, 0)).toEqual({ lambda: 8, multiplicity: 1, regime: 'balanced, M + H + N + r even' });
    expect(reducedRankLambda(4, 3, 8, 0).lambda).toBe(6); // M + H < N: H·M/2
    expect(reducedRankLambda(8, 3, 4, 0).lambda).toBe(6); // N + H < M: H·N/2
    expect(reducedRankLambda(3, 8, 4, 0).lambda).toBe(6); // M + N < H: M·N/2
  });

  it('at a full-rank teacher it is half the dimension of the rank-H matrices; it grows with the rank and never exceeds d/2', () => {
    for (const [M, H, N] of [[5, 3, 5], [6, 4, 6], [4, 2, 7], [7, 3, 4]]) {
      expect(reducedRankLambda(M, H, N, H).lambda).toBe((H * (M + N) - H * H) / 2);
      for (let r = 1; r <= Math.min(M, H, N); r++) expect(reducedRankLambda(M, H, N, r).lambda).toBeGreaterThanOrEqual(reducedRankLambda(M, H, N, r - 1).lambda);
      for (let r = 0; r <= Math.min(M, H, N); r++) expect(reducedRankLambda(M, H, N, r).lambda).toBeLessThanOrEqual((H * (M + N)) / 2);
    }
    // the cases meet: 4 → 3 → 8 at r = 1 is case 2, (H·M − H·r + N·r)/2
    expect(reducedRankLambda(4, 3, 8, 1).lambda).toBe(8.5);
    expect(reducedRankLambda(5, 3, 5, 1)).toMatchObject({ lambda: 8, multiplicity: 1 });
  });

  it('deep linear networks (Aoyagi 2024): two layers agree with Aoyagi & Watanabe (2005) in all 1,127 cases up to width 7', () => {
    let cases = 0;
    for (let M = 1; M <= 7; M++) {
      for (let H = 1; H <= 7; H++) {
        for (let N = 1; N <= 7; N++) {
          for (let r = 0; r <= Math.min(M, H, N); r++) {
            const two = reducedRankLambda(M, H, N, r);
            const deep = aoyagiLambda([M, H, N], r);
            expect(deep.lambda, `${M} → ${H} → ${N}, r = ${r}`).toBeCloseTo(two.lambda, 10);
            expect(deep.multiplicity).toBe(two.multiplicity);
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(1127); // Σ over M, H, N ≤ 7 of (min(M, H, N) + 1)
  });

  it('deeper networks: a hidden layer as narrow as the teacher’s rank adds nothing, and depth lowers λ below d/2', () => {
    // widths exactly r in the middle: the product is any rank-r 4 × 4 matrix, dimension r(4 + 4) − r² = 15
    expect(deepLinearLambda([4, 3, 3, 4], 3).lambda).toBe(7.5);
    // a full-rank square teacher: every 3 × 3 matrix, λ = 9/2, however deep
    expect(deepLinearLambda([3, 3, 3, 3], 3).lambda).toBe(4.5);
    // one layer is regular; more layers of the same widths keep λ below half their parameter count
    expect(deepLinearLambda([3, 4], 2).lambda).toBe(6);
    for (const dims of [[3, 2, 2, 3], [4, 3, 3, 4], [5, 4, 3, 4, 5]]) {
      const d = dims.slice(1).reduce((s, h, i) => s + h * dims[i], 0);
      for (let r = 0; r <= Math.min(...dims); r++) expect(deepLinearLambda(dims, r).lambda).toBeLessThan(d / 2);
    }
    expect(deepLinearLambda([6, 4, 6], 2).lambda).toBe(13.5);
    expect(() => deepLinearLambda([3, 2, 2, 3], 3)).toThrow(RangeError);
    expect(() => reducedRankLambda(4, 2, 4, 3)).toThrow(RangeError);
  });
});

describe('the estimator', () => {
  it('is nβ times the mean excess loss after the burn-in, per chain, with the spread over chains', () => {
    const traces = [
      [9, 9, 1.1, 1.3],
      [9, 9, 1.2, 1.2],
    ];
    const e = estimateLLC(traces, 1, 10, 2);
    expect(e.perChain[0]).toBeCloseTo(2, 6);
    expect(e.perChain[1]).toBeCloseTo(2, 6);
    expect(e.mean).toBeCloseTo(2, 6);
    expect(e.std).toBeCloseTo(0, 6);
    const spread = estimateLLC([[1.1], [1.3]], [1, 1], 10, 0);
    expect(spread.mean).toBeCloseTo(2, 6);
    expect(spread.std).toBeCloseTo(Math.SQRT2, 6); // sample standard deviation of 1 and 3
    const broken = estimateLLC([[1.1], [NaN]], 1, 10, 0);
    expect(broken.perChain[1]).toBeNaN();
    expect(broken.mean).toBeCloseTo(1, 6);
  });

  it('health: a drifting, an exploding, a negative and a non-finite chain are named; stationary noise passes', () => {
    const rng = makeRng(3);
    const steady = Array.from({ length: 400 }, () => 1 + 0.01 * (1 + 0.3 * rng.normal()));
    const drifting = Array.from({ length: 400 }, (_, t) => 1 + 0.01 * (t / 100));
    const exploding = steady.map((v, t) => (t === 300 ? 1 + 5 : v));
    const below = steady.map((v) => v - 0.02);
    const nonFinite = steady.map((v, t) => (t === 10 ? Infinity : v));
    const h = chainHealth([steady, drifting, exploding, below, nonFinite], 1, 100, 0);
    expect(h[0].reasons).toEqual([]);
    expect(h[1].reasons.join()).toMatch(/drifts upward/);
    expect(h[2].reasons.join()).toMatch(/exploded/);
    expect(h[3].reasons.join()).toMatch(/negative/);
    expect(h[4].reasons.join()).toMatch(/non-finite/);
  });
});

describe('SGLD', () => {
  it('the update is the one written in the docstring', () => {
    const theta = Float32Array.of(1, -2);
    sgldStep(theta, Float32Array.of(0.5, 1), Float32Array.of(0, 0), Float32Array.of(1, -1), { epsilon: 0.01, gamma: 2, nbeta: 10 });
    // −(ε/2)(nβ·g + γ(θ − θ*)) + √ε·z
    expect(theta[0]).toBeCloseTo(1 - 0.005 * (5 + 2) + 0.1, 6);
    expect(theta[1]).toBeCloseTo(-2 - 0.005 * (10 - 4) - 0.1, 6);
  });

  it('through the lab, with zero noise and γ = 0, equals gradient descent at step size ε·nβ/2', async () => {
    const data = { X: Float32Array.from({ length: 40 }, (_, i) => Math.sin(i)), Y: Float32Array.from({ length: 20 }, (_, i) => Math.cos(i)), n: 20, inDim: 2, outDim: 1 };
    const spec = (lr: number, steps: number): RunSpec => ({
      model: { kind: 'mlp', widths: [2, 4, 1], activation: 'tanh' },
      loss: 'mse',
      optimizer: { kind: 'sgd' },
      lr,
      initSeeds: [5, 6],
      sharedOrder: true,
      batch: data.n,
      fused: 1,
      steps,
    });
    const host = { gate: async () => 1, started: () => undefined, progressed: () => undefined, chunkEnded: () => undefined };
    const lab = new OrtLab('wasm', host);
    const [epsilon, nbeta, steps] = [0.02, 5, 12];
    const gd = await lab.start({ data, spec: spec((epsilon * nbeta) / 2, steps) });
    const start = await gd.params();
    await gd.trainTo(steps);
    const expected = await gd.params();
    const sg = await lab.start({ data, spec: spec(1, 1) });
    const run = await sg.sgld({ epsilon, gamma: 0, nbeta, draws: steps, burnin: 0, batch: data.n, seed: 1, noiseLevel: 0, anchor: start });
    const P = sg.model.size;
    for (let e = 0; e < 2; e++) {
      const a = memberParams(run.theta, e, P);
      const b = memberParams(expected, e, P);
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
    }
    // one w* for several chains: every chain starts there (here, without noise, every chain is member 0's descent)
    const fromOne = await sg.sgld({ epsilon, gamma: 0, nbeta, draws: steps, burnin: 0, batch: data.n, seed: 1, noiseLevel: 0, anchor: memberParams(start, 0, P), chains: 3 });
    expect(fromOne.traces.length).toBe(3);
    for (let e = 0; e < 3; e++) memberParams(fromOne.theta, e, P).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    // the parameters moved, and the chain's first draw is the loss at the anchor
    expect(Math.max(...run.theta.map((v, i) => Math.abs(v - start[i])))).toBeGreaterThan(1e-3);
    const atStart = (await sg.evaluate(['train'], start))[0].loss;
    expect(run.traces[0][0]).toBeCloseTo(atStart[0], 5);
    // with noise the chains differ from gradient descent, and replay from their seed
    const noisy = await sg.sgld({ epsilon, gamma: 0, nbeta, draws: steps, burnin: 0, batch: 5, seed: 1, anchor: start });
    const again = await sg.sgld({ epsilon, gamma: 0, nbeta, draws: steps, burnin: 0, batch: 5, seed: 1, anchor: start });
    expect(Array.from(again.theta)).toEqual(Array.from(noisy.theta));
    expect(Math.abs(noisy.theta[0] - run.theta[0])).toBeGreaterThan(1e-3);
    await lab.release();
  });

  it('on a regular model (linear regression, plain-TypeScript gradient) λ̂ lands within 20% of d/2', async () => {
    const d = 3;
    const n = 500;
    const rng = makeRng(11);
    const X = Float32Array.from({ length: n * d }, () => rng.normal());
    const Y = Float32Array.from({ length: n }, (_, s) => X[s * d] - 0.5 * X[s * d + 2] + 0.5 * rng.normal());
    const data = { X, Y, inDim: d, outDim: 1 };
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const w = new Float32Array(d);
    for (let t = 0; t < 200; t++) linearLossGrad([d, 1], w, data, all).grad.forEach((g, i) => (w[i] -= 0.2 * g));
    const anchorLoss = linearLossGrad([d, 1], w, data, all).loss;
    const chains = 3;
    const anchor = new Float32Array(chains * d);
    for (let e = 0; e < chains; e++) anchor.set(w, e * d);
    const nbeta = defaultNbeta(n);
    const cfg = { epsilon: 1e-3, gamma: 1, nbeta, chains, draws: 1500, burnin: 300, batch: 100 };
    const run = await sampleSgld(referenceOracle(d, (v, rows) => linearLossGrad([d, 1], v, data, rows), cfg.batch), anchor, cfg, { seed: 2, n });
    const est = estimateLLC(run.traces, anchorLoss, nbeta, cfg.burnin);
    expect(Math.abs(est.mean - d / 2) / (d / 2)).toBeLessThan(0.2);
    expect(chainHealth(run.traces, anchorLoss, nbeta, cfg.burnin).every((h) => h.reasons.length === 0)).toBe(true);
    // far too large a localization pins the chains to w* and reads λ low: the classic mistake
    const pinned = await sampleSgld(referenceOracle(d, (v, rows) => linearLossGrad([d, 1], v, data, rows), cfg.batch), anchor, { ...cfg, gamma: 2000 }, { seed: 2, n });
    expect(estimateLLC(pinned.traces, anchorLoss, nbeta, cfg.burnin).mean).toBeLessThan(0.5 * est.mean);
  });
});
