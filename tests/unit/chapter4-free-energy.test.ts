/**
 * Chapter 4, the free-energy race, headless through its experiment module: two real solutions of
 * one regression problem (a rank-2 and a rank-1 deep linear network), their losses and measured
 * learning coefficients, and the n* where Watanabe's F(n) = n·L + λ·log n flips the preference.
 */
import { describe, expect, it } from 'vitest';
import { crossingN, freeEnergy } from '../../src/engine/analysis/free-energy';
import { freeEnergyRace } from '../../src/engine/experiments/free-energy';
import { runExperiment } from '../../src/runtime/host';

describe('the crossing solver', () => {
  it('solves n·L₁ + λ₁·log n = n·L₂ + λ₂·log n', () => {
    const n = crossingN(0.25, 8, 0.27, 4.5);
    expect(n / Math.log(n)).toBeCloseTo(3.5 / 0.02, 6);
    expect(freeEnergy(n, 0.25, 8)).toBeCloseTo(freeEnergy(n, 0.27, 4.5), 6);
    // below n* the simple solution has the lower free energy, above it the complex one
    expect(freeEnergy(n / 2, 0.27, 4.5)).toBeLessThan(freeEnergy(n / 2, 0.25, 8));
    expect(freeEnergy(n * 2, 0.25, 8)).toBeLessThan(freeEnergy(n * 2, 0.27, 4.5));
  });
  it('has no crossing without a trade-off, and reads e where the asymptotic form has one below e', () => {
    expect(crossingN(0.25, 4, 0.27, 8)).toBeNaN();
    expect(crossingN(0.27, 8, 0.25, 4)).toBeNaN();
    expect(crossingN(0.25, 8, 0.25, 4)).toBeNaN();
    expect(crossingN(0, 1, 1, 0)).toBe(Math.E);
  });
});

describe('chapter 4: the free-energy race', () => {
  it('at its defaults: the complex solution fits better and is more complex; flipN is the crossing of the four numbers', async () => {
    const r = await runExperiment(freeEnergyRace, {});
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(freeEnergyRace.claims!(r.metrics)).toEqual([]);
    const m = r.metrics;
    expect(m.L1).toBeLessThan(m.L2);
    expect(m.lambda1).toBeGreaterThan(m.lambda2);
    expect(m.flipN).toBeCloseTo(crossingN(m.L1, m.lambda1, m.L2, m.lambda2), 2);
    expect(freeEnergy(m.flipN, m.L1, m.lambda1)).toBeCloseTo(freeEnergy(m.flipN, m.L2, m.lambda2), 2);
    // near the closed forms (λ = 8 and 4.5 at the solutions' ranks), every chain healthy
    const [complex, simple] = r.figure.solutions!;
    expect(Math.abs(complex.lambda / complex.lambdaTrue - 1)).toBeLessThan(0.4);
    expect(Math.abs(simple.lambda / simple.lambdaTrue - 1)).toBeLessThan(0.4);
    for (const s of r.figure.solutions!) expect(s.warnings).toEqual([]);
    // the curves: F(n) − n·L₁ for both, crossing at flipN
    const f = r.figure;
    const i = f.logN!.findIndex((x) => 10 ** x > m.flipN);
    expect(i).toBeGreaterThan(0);
    expect(f.relative2![i - 1]).toBeLessThan(f.relative1![i - 1]);
    expect(f.relative2![i]).toBeGreaterThan(f.relative1![i]);
  });

  it('a stronger weak direction widens L₂ − L₁ and moves the flip to smaller n; a weaker one to larger n', async () => {
    const weaker = await runExperiment(freeEnergyRace, { weak: 0.2 });
    const stronger = await runExperiment(freeEnergyRace, { weak: 0.5 });
    for (const r of [weaker, stronger]) {
      expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
      expect(r.metrics.lambda1).toBeGreaterThan(r.metrics.lambda2);
    }
    expect(stronger.metrics.L2 - stronger.metrics.L1).toBeGreaterThan(weaker.metrics.L2 - weaker.metrics.L1);
    expect(stronger.metrics.flipN).toBeLessThan(weaker.metrics.flipN / 2);
  });
});
