/**
 * Chapter 4's LLC figures on real networks, headless through their experiment modules: the
 * estimator λ̂ = nβ·(E_w[L_n(w)] − L_n(w*)) (Lau et al. 2023) of a trained tanh MLP is healthy and
 * lies between 0 and d/2 at the defaults; a step size too large is flagged, not crashed on; and
 * across widths λ̂ stays far below d/2 and grows much slower than it.
 */
import { describe, expect, it } from 'vitest';
import { effectiveParameters, sweepWidths } from '../../src/engine/experiments/effective-parameters';
import { llcEstimator } from '../../src/engine/experiments/llc-estimator';
import { runExperiment } from '../../src/runtime/host';

describe('chapter 4: estimating the LLC of a trained network', () => {
  it('llc-estimator at its defaults (1 → 8 → 1 tanh, d = 25): every chain healthy, 0 < λ̂ < d/2', async () => {
    const r = await runExperiment(llcEstimator, {});
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(llcEstimator.claims!(r.metrics)).toEqual([]);
    const m = r.metrics;
    expect(m.halfD).toBe(12.5);
    expect(m.healthy).toBe(1);
    expect(m.llcMean).toBeGreaterThan(0);
    // a singular network: well below the regular d/2 (measured ≈ 2.2 over seeds 1–4)
    expect(m.llcMean).toBeLessThan(0.5 * m.halfD);
    expect(m.llcStd).toBeGreaterThan(0);
    expect([m.chains, m.draws]).toEqual([4, 2000]);
    // the figure: training, then every chain's trace with the burn-in marked, λ̂ their post-burn-in mean
    const f = r.figure;
    expect(f.trainLoss!.at(-1)).toBeLessThan(0.02);
    expect(f.traces!.length).toBe(4);
    expect(f.burnin).toBe(1000);
    expect(f.steps!.at(-1)).toBeGreaterThan(2900);
    expect(f.perChain!.reduce((s, v) => s + v, 0) / 4).toBeCloseTo(f.llcMean!, 6);
    expect(f.warnings).toEqual([]);
    expect(f.cautions).toEqual([]);
    expect(f.sharpness).toBeGreaterThan(0);
  });

  it('too large a step size ε blows the chains up: flagged unhealthy with a warning per chain, the run ends "Did not converge" with no estimate', async () => {
    const r = await runExperiment(llcEstimator, { epsilon: 0.01, draws: 300, burnin: 100 });
    if (r.outcome.kind !== 'done' || r.outcome.verdict !== 'unconverged') throw new Error(`expected unconverged, got ${JSON.stringify(r.outcome)}`);
    expect(r.outcome.message).toMatch(/^Every SGLD chain failed its checks, so there is no estimate of λ̂ .*chain 1: .*Lower the step size ε/);
    expect(r.metrics.healthy).toBe(0);
    expect(r.figure.warnings!.length).toBe(4);
    expect(r.figure.warnings![0]).toMatch(/chain 1: .*non-finite|exploded|drifts/);
    expect(llcEstimator.claims!(r.metrics).length).toBeGreaterThan(0);
  });

  it('settings that bias λ̂ without breaking a chain are named: γ huge reads low, ε near the sharpest direction’s limit reads high', async () => {
    const pinned = await runExperiment(llcEstimator, { gamma: 1000, draws: 500, burnin: 200 });
    expect(pinned.figure.cautions!.join()).toMatch(/localization γ pins/);
    expect(pinned.metrics.llcMean).toBeLessThan(0.6 * 2.2); // ≈ 0.74 against ≈ 2.2 at γ = 10
    const stiff = await runExperiment(llcEstimator, { width: 32, epsilon: 0.001, draws: 300, burnin: 100 });
    expect(stiff.figure.cautions!.join()).toMatch(/step size ε (inflates|is unstable)/);
    expect(stiff.metrics.llcMean).toBeGreaterThan(2.2); // ≈ 5.7 where ε = 2·10⁻⁴ reads ≈ 2.3
  });

  it('effective-parameters at its defaults (widths 2 … 32): λ̂ far below d/2 at the widest, growing far slower than d/2', async () => {
    const r = await runExperiment(effectiveParameters, {});
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(effectiveParameters.claims!(r.metrics)).toEqual([]);
    expect(r.metrics.widths).toBe(5);
    expect(sweepWidths(32)).toEqual([2, 4, 8, 16, 32]);
    expect(r.metrics.ratioAtMaxWidth).toBeGreaterThan(0);
    expect(r.metrics.ratioAtMaxWidth).toBeLessThan(0.2); // measured ≈ 0.05
    const { llc, halfD } = r.figure as { llc: number[]; halfD: number[] };
    expect(llc.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    // d/2 grows by 45 from width 2 to 32; λ̂ by a small fraction of that
    expect(llc.at(-1)! - llc[0]).toBeLessThan(0.2 * (halfD.at(-1)! - halfD[0]));
    // every wider network: λ̂ / (d/2) at most that of width 2, and far below it at 32
    for (let i = 1; i < llc.length; i++) expect(llc[i] / halfD[i]).toBeLessThan(llc[0] / halfD[0]);
  });
});
