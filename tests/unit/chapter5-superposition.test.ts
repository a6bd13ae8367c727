/**
 * Chapter 5, "A second kind of transition": the toy model of superposition (Elhage et al. 2022)
 * trained by SGD from a small init jumps between k-gons with plateaus in the loss (Chen et al. 2023,
 * n = 6, m = 2), and λ̂ is estimated at each plateau. Checked here: the model kind against a plain
 * computation, the plateau rule on synthetic curves, and the experiment at its defaults.
 */
import { describe, expect, it } from 'vitest';
import {
  checkpointSteps,
  detectPlateaus,
  drawingPlane,
  projectColumns,
  representedFeatures,
  sparseFeatures,
  superposition,
} from '../../src/engine/experiments/superposition';
import { toyModel } from '../../src/engine/models';
import { evalGraph, predictGraph } from '../../src/engine/programs';
import { makeRng } from '../../src/engine/random';
import { runExperiment } from '../../src/runtime/host';
import { runGraph } from './run-graph';

describe('toy model of superposition x̂ = ReLU(x·WᵀW + b)', () => {
  it('predicts what a plain computation gives, with output scales, for two members', async () => {
    const [n, m, B, E] = [5, 2, 7, 2];
    const scale = [1, 2, 0.5, 1.5, 3];
    const model = toyModel({ features: n, hidden: m, outScale: scale });
    expect(model.size).toBe(m * n + n);
    const rng = makeRng(3);
    const theta = Float64Array.from({ length: E * model.size }, () => rng.normal());
    const X = Float64Array.from({ length: B * n }, () => (rng.uniform() < 0.5 ? 0 : rng.uniform()));
    const Y = Float64Array.from({ length: B * n }, () => rng.uniform());
    const feeds = { theta: { data: theta, shape: [E, model.size] }, X: { data: X, shape: [B, n] }, Y: { data: Y, shape: [B, n] } };
    const out = await runGraph(evalGraph({ model, loss: 'mse', members: E, data: { n: B }, dtype: 'float64' }), feeds);
    const { pred } = await runGraph(predictGraph({ model, members: E, n: B, dtype: 'float64' }), { theta: feeds.theta, X: feeds.X });
    for (let e = 0; e < E; e++) {
      const W = theta.subarray(e * model.size, e * model.size + m * n); // [m, n] row-major
      const b = theta.subarray(e * model.size + m * n, (e + 1) * model.size);
      let sq = 0;
      for (let r = 0; r < B; r++) {
        const x = X.subarray(r * n, (r + 1) * n);
        const h = Array.from({ length: m }, (_, a) => x.reduce((s, xi, i) => s + xi * W[a * n + i], 0));
        for (let i = 0; i < n; i++) {
          const pre = b[i] + h.reduce((s, ha, a) => s + ha * W[a * n + i], 0);
          const yhat = scale[i] * Math.max(0, pre);
          expect(pred[(e * B + r) * n + i]).toBeCloseTo(yhat, 10);
          sq += (yhat - Y[r * n + i]) ** 2;
        }
      }
      // 'mse' averages over rows and outputs
      expect(out.loss[e]).toBeCloseTo(sq / (B * n), 10);
    }
  });

  it('counts as vertices the columns with ‖Wᵢ‖² ≥ ½, and draws m = 3 on the plane of the two largest directions', () => {
    // W [2, 4]: columns (1, 0), (0, 0.8), (0.5, 0.5), (−0.1, 0)
    const W = [1, 0, 0.5, -0.1, 0, 0.8, 0.5, 0];
    expect(representedFeatures(W, 4, 2)).toBe(3); // 1, 0.64, 0.5 (the edge counts), 0.01
    // in 3-d, columns spread in the x–z plane: the drawing keeps their lengths
    const W3 = [1, 0, -1, 0, 0, 0, 0, 0, 0, 2, 0, -2]; // [3, 4]: columns (1,0,0), (0,0,2), (−1,0,0), (0,0,−2)
    const plane = drawingPlane(W3, 4, 3);
    const xy = projectColumns(W3, 4, 3, plane);
    const lengths = [0, 1, 2, 3].map((i) => Math.hypot(xy[2 * i], xy[2 * i + 1]));
    lengths.forEach((l, i) => expect(l).toBeCloseTo([1, 2, 1, 2][i], 9));
    expect(drawingPlane(W, 4, 2)).toEqual([[1, 0], [0, 1]]);
  });

  it('data: each feature is zero with probability S, else uniform on [0, 1]; targets are √n·x', () => {
    const d = sparseFeatures(1, 6, 0.9);
    const zeros = d.X.filter((v) => v === 0).length / d.X.length;
    expect(zeros).toBeGreaterThan(0.88);
    expect(zeros).toBeLessThan(0.92);
    expect(Math.max(...d.X)).toBeLessThanOrEqual(1);
    expect(d.Y[7]).toBeCloseTo(Math.sqrt(6) * d.X[7], 6);
  });
});

describe('plateau detection on log-spaced checkpoints', () => {
  const steps = checkpointSteps(20000);
  /** A loss that steps down from level to level at the given steps, each drop smooth over a factor ~1.6 in steps. */
  const staircase = (levels: number[], at: number[]) =>
    steps.map((t) => {
      let logL = Math.log10(levels[0]);
      at.forEach((s, i) => {
        const z = (Math.log10(t) - Math.log10(s)) / 0.05;
        logL += (Math.log10(levels[i + 1]) - Math.log10(levels[i])) / (1 + Math.exp(-z));
      });
      return 10 ** logL;
    });

  it('checkpoints are multiples of the fused steps, evenly spaced in log(step), ending at the last step', () => {
    expect(steps[0]).toBe(10);
    expect(steps.at(-1)).toBe(20000);
    expect(steps.every((s) => s % 10 === 0)).toBe(true);
    expect(steps.length).toBeGreaterThan(40); // 16 a decade over 3.3 decades
  });

  it('finds each level of a staircase, and nothing on a steady power-law descent', () => {
    const found = detectPlateaus(steps, staircase([0.2, 0.06, 0.04], [150, 1500]));
    expect(found.length).toBe(3);
    expect(found[0].from).toBe(10);
    expect(found[1].from).toBeGreaterThan(150);
    expect(found[1].to).toBeLessThan(1500);
    expect(found[2].to).toBe(20000);
    found.forEach((p, i) => expect(p.level / [0.2, 0.06, 0.04][i]).toBeCloseTo(1, 1));
    // L ∝ t^−0.5: half a decade of loss per decade of steps, never flat
    expect(detectPlateaus(steps, steps.map((t) => t ** -0.5))).toEqual([]);
    // a flat line is one plateau
    expect(detectPlateaus(steps, steps.map(() => 0.1)).length).toBe(1);
  });

  it('a stretch too short is not a plateau, a bump at the same level does not split one, and NaN ends a run', () => {
    // a level held for a factor 1.5 of steps (0.18 decades) between two drops
    const short = detectPlateaus(steps, staircase([0.2, 0.06, 0.04], [1000, 1500]));
    expect(short.length).toBe(2);
    // a 30% bump over three checkpoints in the middle of a level
    const bumped = steps.map((t) => (t > 900 && t < 1200 ? 0.13 : 0.1));
    expect(detectPlateaus(steps, bumped).length).toBe(1);
    const holed = steps.map((t) => (t < 150 ? 0.1 : t < 300 ? NaN : 0.05));
    expect(detectPlateaus(steps, holed).map((p) => p.level)).toEqual([0.1, 0.05].map((v) => expect.closeTo(v, 9)));
  });
});

describe('superposition (chapter 5, figure 4) at its defaults', () => {
  it('n = 6, m = 2, S = 0.9: the origin, a 4-gon and a 5-gon as plateaus; λ̂ rises from the 4-gon to the 5-gon', async () => {
    const r = await runExperiment(superposition, {});
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(superposition.claims!(r.metrics)).toEqual([]);
    const m = r.metrics;
    // measured at seed 1: plateaus at the origin (k = 0), a 4-gon and a 5-gon
    expect(m.plateaus).toBe(3);
    expect(m.finalK).toBe(5);
    expect(m.llcPlateaus).toBe(2);
    expect(m.halfD).toBe(9);
    const ps = r.figure.plateaus!;
    expect(ps.map((p) => p.k)).toEqual([0, 4, 5]);
    // each later plateau sits lower in loss
    for (let i = 1; i < ps.length; i++) expect(ps[i].level).toBeLessThan(ps[i - 1].level);
    // the origin is a saddle: the chains find lower loss and the estimate is refused
    expect(ps[0].healthy).toBe(false);
    expect(ps[0].llc).toBeLessThan(0);
    expect(ps[0].warnings.join()).toMatch(/negative/);
    // the k-gons: healthy, finite, below d/2, larger at the 5-gon (measured 4.35 and 5.05)
    for (const p of ps.slice(1)) {
      expect(p.healthy).toBe(true);
      expect(Number.isFinite(p.llc) && p.llc > 0 && p.llc < m.halfD).toBe(true);
    }
    expect(ps[2].llc).toBeGreaterThan(ps[1].llc);
    expect(m.llcLastPlateau).toBeCloseTo(ps[2].llc, 3);
    // figure data: every checkpoint has the columns, and the last ones form the reported polygon
    const f = r.figure;
    expect(f.columns!.length).toBe(f.steps!.length);
    expect(f.columns!.at(-1)!.length).toBe(12);
    expect(f.columns!.flat().every(Number.isFinite)).toBe(true);
    expect(f.k!.at(-1)).toBe(5);
  });

  it('m = 3 runs and draws the columns projected on a plane; more features still end in a polygon of 2…n vertices', async () => {
    const r = await runExperiment(superposition, { hidden: 3, steps: 3000 });
    expect(r.outcome.kind).toBe('done');
    expect(r.figure.projected).toBe(true);
    expect(r.figure.columns!.at(-1)!.length).toBe(12);
    const wide = await runExperiment(superposition, { features: 8, steps: 5000 });
    expect(wide.metrics.finalK).toBeGreaterThanOrEqual(2);
    expect(wide.metrics.finalK).toBeLessThanOrEqual(8);
    expect(wide.metrics.plateaus).toBeGreaterThanOrEqual(1);
  });
});
