/** Landscape and curvature analyses against analytic cases. */
import { describe, expect, it } from 'vitest';
import { filterNormalizedDirection, gridCoords, pcaDirections, rescaleLayers } from '../../src/engine/analysis/landscape';
import { topHessianEigenvalue } from '../../src/engine/analysis/hessian';
import { initParams, mlp } from '../../src/engine/models';
import { makeRng } from '../../src/engine/random';
import type { Dataset } from '../../src/engine/spec';
import { Evaluator } from '../../src/runtime/evaluator';

describe('filter-normalized directions (Li et al. 2018)', () => {
  const model = mlp({ widths: [3, 4, 2], activation: 'relu' });
  const theta = initParams(model, [5]).map((v, i) => v * (1 + (i % 3)));
  it('each filter of d has the norm of the same filter of θ; biases get zero', () => {
    const d = filterNormalizedDirection(model, theta, makeRng(1));
    for (const p of model.params) {
      if (p.isBias) {
        for (let i = 0; i < p.size; i++) expect(d[p.offset + i]).toBe(0);
        continue;
      }
      const [rows, cols] = p.shape;
      for (let j = 0; j < cols; j++) {
        let nd = 0, nt = 0;
        for (let i = 0; i < rows; i++) {
          nd += d[p.offset + i * cols + j] ** 2;
          nt += theta[p.offset + i * cols + j] ** 2;
        }
        expect(Math.sqrt(nd)).toBeCloseTo(Math.sqrt(nt), 4);
      }
    }
  });
  it('normalized directions follow a ReLU rescaling of θ; raw ones do not', () => {
    const scaled = rescaleLayers(model, theta, 0, 10);
    const a = filterNormalizedDirection(model, theta, makeRng(2));
    const b = filterNormalizedDirection(model, scaled, makeRng(2));
    const W0 = model.params.find((p) => p.name === 'W0')!;
    expect(b[W0.offset] / a[W0.offset]).toBeCloseTo(10, 4);
    const raw = filterNormalizedDirection(model, scaled, makeRng(2), false);
    const raw0 = filterNormalizedDirection(model, theta, makeRng(2), false);
    expect(raw[W0.offset]).toBeCloseTo(raw0[W0.offset], 6);
  });
  it('grid coordinates cover the square, top row first', () => {
    const c = gridCoords(3, 1);
    expect(Array.from(c)).toEqual([-1, 1, 0, 1, 1, 1, -1, 0, 0, 0, 1, 0, -1, -1, 0, -1, 1, -1]);
  });
});

describe('trajectory PCA', () => {
  it('recovers the plane a trajectory lies in', () => {
    const P = 6;
    const e1 = Float32Array.from([1, 0, 0, 0, 0, 0]);
    const e2 = Float32Array.from([0, 0, 1, 0, 0, 0]);
    const final = Float32Array.from([0.5, -1, 2, 0, 1, 3]);
    const snaps = Array.from({ length: 12 }, (_, t) => final.map((v, i) => v + 3 * Math.cos((Math.PI * t) / 6) * e1[i] + Math.sin((Math.PI * t) / 6) * e2[i]));
    const { d1, d2, coords, explained } = pcaDirections(snaps, final);
    expect(Math.abs(d1[0])).toBeCloseTo(1, 4);
    expect(Math.abs(d2[2])).toBeCloseTo(1, 4);
    expect(explained[0] + explained[1]).toBeCloseTo(1, 5);
    expect(Math.abs(coords[0][0])).toBeCloseTo(3, 4);
    expect(d1.length).toBe(P);
  });

  it("centres the rows first (Li et al.'s code: sklearn PCA of θᵢ − θ_final): a constant offset is not a direction", () => {
    // the path circles an ellipse in the (e₀, e₂) plane, 10 units away from its end point along e₄
    const final = Float32Array.from([0.5, -1, 2, 0, 1, 3]);
    const snaps = Array.from({ length: 12 }, (_, t) =>
      final.map((v, i) => v + (i === 0 ? 3 * Math.cos((Math.PI * t) / 6) : i === 2 ? Math.sin((Math.PI * t) / 6) : i === 4 ? 10 : 0)),
    );
    const { d1, d2, coords, explained } = pcaDirections(snaps, final);
    // uncentred, the first direction would be the offset e₄ (its second moment 100 against 4.5)
    expect(Math.abs(d1[4])).toBeLessThan(1e-4);
    expect(Math.abs(d2[4])).toBeLessThan(1e-4);
    expect(Math.abs(d1[0])).toBeCloseTo(1, 4);
    expect(Math.abs(d2[2])).toBeCloseTo(1, 4);
    // the path lies in a plane once centred: the two directions hold all of its variance
    expect(explained[0] + explained[1]).toBeCloseTo(1, 5);
    expect(explained[0]).toBeCloseTo(9 / 10, 4);
    // coordinates stay relative to the end point (the slice's centre)
    expect(Math.abs(coords[0][0])).toBeCloseTo(3, 4);
  });

  it('matches the eigen-decomposition of the centred covariance, and reports the share honestly', () => {
    const rng = makeRng(5);
    const final = Float32Array.from([0, 0, 0]);
    // a random walk with unequal step sizes per axis: not planar, so two directions hold less than all of it
    const snaps: Float32Array[] = [];
    let x = [4, -2, 1];
    for (let t = 0; t < 30; t++) {
      x = [x[0] + 1.0 * rng.normal(), x[1] + 0.6 * rng.normal(), x[2] + 0.3 * rng.normal()];
      snaps.push(Float32Array.from(x));
    }
    const { d1, explained } = pcaDirections(snaps, final);
    const mean = [0, 1, 2].map((i) => snaps.reduce((s, v) => s + v[i], 0) / snaps.length);
    const cov = [0, 1, 2].map((i) => [0, 1, 2].map((j) => snaps.reduce((s, v) => s + (v[i] - mean[i]) * (v[j] - mean[j]), 0)));
    let v = [1, 0.5, 0.25];
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const w = cov.map((row) => row.reduce((s, c, j) => s + c * v[j], 0));
      lambda = Math.hypot(...w);
      v = w.map((c) => c / lambda);
    }
    const trace = cov[0][0] + cov[1][1] + cov[2][2];
    expect(Math.abs(d1[0] * v[0] + d1[1] * v[1] + d1[2] * v[2])).toBeCloseTo(1, 4);
    expect(explained[0]).toBeCloseTo(lambda / trace, 4);
    expect(explained[0] + explained[1]).toBeLessThan(0.999);
  });
});

describe('top Hessian eigenvalue by power iteration on finite-difference HVPs', () => {
  it('matches the analytic value for linear least squares: λ_max((2/n)·X̃ᵀX̃)', async () => {
    const rng = makeRng(3);
    const n = 32;
    const X = Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 ? 0.5 : 2) * rng.normal());
    const Y = Float32Array.from({ length: n }, () => rng.normal());
    const data: Dataset = { X, Y, n, inDim: 2, outDim: 1 };
    const model = mlp({ widths: [2, 1], activation: 'linear' });
    const ev = await Evaluator.create(model, 1, [], 'wasm');
    const set = { name: 'train', data, loss: 'mse' as const };
    const res = await topHessianEigenvalue((pts) => ev.gradients(set, pts), initParams(model, [1]), makeRng(4), { iters: 60, tol: 1e-7 });
    // analytic: H = (2/n) Σ x̃ x̃ᵀ with x̃ = (x₀, x₁, 1) — parameters are (W00, W10, b0)
    const H = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    for (let r = 0; r < n; r++) {
      const x = [X[2 * r], X[2 * r + 1], 1];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) H[i][j] += (2 / n) * x[i] * x[j];
    }
    let v = [1, 1, 1];
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const w = H.map((row) => row.reduce((s, h, j) => s + h * v[j], 0));
      lambda = Math.hypot(...w);
      v = w.map((x) => x / lambda);
    }
    expect(res.value).toBeGreaterThan(0);
    expect(Math.abs(res.value - lambda) / lambda).toBeLessThan(1e-2);
  });
});

describe('landscape slices and ReLU rescaling (Dinh et al. 2017; Li et al. 2018)', () => {
  it('a rescaled network has the same filter-normalized landscape, but not the same raw one', async () => {
    const { landscapePlan, sliceFrame } = await import('../../src/engine/experiments/landscape-slice');
    const { buildModel } = await import('../../src/engine/spec');
    const { gridCoords: coordsOf } = await import('../../src/engine/analysis/landscape');
    const ex = landscapePlan({ seed: 1, lr: 0.01, steps: 800 });
    const model = buildModel(ex.spec.model);
    const theta = initParams(model, [3]);
    const ev = await Evaluator.create(model, 1, [], 'wasm');
    const set = { name: 'train', data: ex.data, loss: 'softmax-ce' as const };
    const coords = coordsOf(9, 1);
    const slice = async (mode: 'filter' | 'raw', rescale: number) => {
      const f = sliceFrame(ex.spec, theta, mode, [], rescale, 5);
      return (await ev.plane(set, f.center, f.d1, f.d2, coords)).loss;
    };
    const [f1, f10, r1, r10] = [await slice('filter', 1), await slice('filter', 10), await slice('raw', 1), await slice('raw', 10)];
    expect(f1[40]).toBeCloseTo(r10[40], 4); // the centre: the same function either way
    let filterDiff = 0, rawDiff = 0;
    for (let i = 0; i < f1.length; i++) {
      filterDiff = Math.max(filterDiff, Math.abs(f1[i] - f10[i]) / f1[i]);
      rawDiff = Math.max(rawDiff, Math.abs(r1[i] - r10[i]) / r1[i]);
    }
    expect(filterDiff).toBeLessThan(1e-3);
    expect(rawDiff).toBeGreaterThan(0.1);
  });
});
