/**
 * Chapter 4, "Where the good parameters are" (posterior), headless through its experiment module:
 * volume scaling reads λ = 1/2 for the product model w₁·w₂·x (a hyperbola of minima) and λ = 1 for
 * a regular two-parameter model (Watanabe 2009, §7.1), and the grid posterior sums to 1.
 */
import { describe, expect, it } from 'vitest';
import { posterior } from '../../src/engine/experiments/posterior';
import { runExperiment } from '../../src/runtime/host';

const sum = (v: Float32Array) => v.reduce((s, p) => s + p, 0);

describe('chapter 4: where the good parameters are', () => {
  it('the product model at a = 1: λ ≈ 1/2 by volume scaling, a posterior summing to 1 spread along the curve', async () => {
    const r = await runExperiment(posterior);
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(posterior.claims!(r.metrics)).toEqual([]);
    expect(Math.abs(r.metrics.volumeExponent - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(r.metrics.normalization - 1)).toBeLessThan(1e-6);
    const f = r.figure;
    expect(f.density!.length).toBe(201 * 201);
    expect(Math.abs(sum(f.density!) - 1)).toBeLessThan(1e-6);
    expect(f.lossMin!).toBeLessThan(1e-4);
    expect(r.metrics.fitDecades).toBeGreaterThan(2);
    // the mass lies along the hyperbola, not at a point: both branches (w₁ > 0 and w₁ < 0) carry a share
    let right = 0;
    for (let i = 0; i < f.density!.length; i++) if (i % 201 > 100) right += f.density![i];
    expect(right).toBeGreaterThan(0.3);
    expect(right).toBeLessThan(0.7);
    // gradient descent from each random start ends at one point of the curve w₁w₂ = 1
    const d = f.descents!;
    expect(d.length).toBe(16);
    for (let i = 0; i < 8; i++) expect(Math.abs(d[2 * i] * d[2 * i + 1] - 1)).toBeLessThan(0.02);
  });

  it('the regular model: λ ≈ 1, the mass around one point', async () => {
    const r = await runExperiment(posterior, { model: 'regular' });
    expect(Math.abs(r.metrics.volumeExponent - 1)).toBeLessThan(0.1);
    expect(Math.abs(sum(r.figure.density!) - 1)).toBeLessThan(1e-6);
    const d = r.figure.descents!;
    for (let i = 0; i < 8; i++) expect(Math.hypot(d[2 * i] - 1, d[2 * i + 1] - 1)).toBeLessThan(0.02);
  });

  it('across the controls: another teacher and n leave λ = 1/2; at a = 0 the log factor bends it lower', async () => {
    const far = await runExperiment(posterior, { target: -2, n: 3000, grid: 301 });
    expect(far.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(Math.abs(far.metrics.volumeExponent - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(sum(far.figure.density!) - 1)).toBeLessThan(1e-6);
    const axes = await runExperiment(posterior, { target: 0 });
    expect(axes.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(axes.metrics.volumeExponent).toBeLessThan(0.48);
    expect(axes.metrics.volumeExponent).toBeGreaterThan(0.3);
    // the log–log curve is drawn there too (the grid's lattice zeros on the axes have no log), covering the fit range
    const eps = axes.figure.logEps!;
    expect(eps.length).toBeGreaterThan(10);
    expect(axes.figure.logArea!.every(Number.isFinite)).toBe(true);
    expect(eps[0]).toBeLessThanOrEqual(Math.log10(axes.figure.fitFrom!) + 1e-9);
    expect(eps.at(-1)!).toBeGreaterThanOrEqual(Math.log10(axes.figure.fitTo!) - 1e-9);
  });

  it('the posterior shrinks as n^(−λ): by √10 per tenfold n on the curve, tenfold around the regular point', async () => {
    const area = async (c: object) => (await runExperiment(posterior, c)).metrics.posteriorArea;
    const product = (await area({ n: 100 })) / (await area({ n: 1000 }));
    const regular = (await area({ model: 'regular', n: 10 })) / (await area({ model: 'regular', n: 100 }));
    expect(Math.abs(product - Math.sqrt(10)) / Math.sqrt(10)).toBeLessThan(0.1);
    expect(Math.abs(regular - 10) / 10).toBeLessThan(0.1);
  });
});
