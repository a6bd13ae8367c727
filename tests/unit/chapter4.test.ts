/**
 * Chapter 4's figures headless through their experiment modules (the code the page runs): the LLC
 * estimator against closed forms — within 20% of d/2 on a regular model, within 40% of the
 * learning coefficient of a normal-crossing model and of two-layer deep linear networks (Aoyagi &
 * Watanabe 2005) — at the calibrated default hyperparameters.
 */
import { describe, expect, it } from 'vitest';
import { type ConfigFor, settingsOf } from '../../src/engine/experiment';
import { defaults } from '../../src/engine/fields';
import { llcCalibration, tolerance } from '../../src/engine/experiments/llc-calibration';
import { runExperiment } from '../../src/runtime/host';

async function calibrate(config: Partial<ConfigFor<typeof llcCalibration.fields>>) {
  const r = await runExperiment(llcCalibration, config);
  expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
  return r;
}

describe('chapter 4: the local learning coefficient', () => {
  it('llc-calibration at its defaults (5 → 3 → 5, teacher rank 1, λ = 8): within 40%, every chain healthy', async () => {
    const r = await calibrate({});
    expect(llcCalibration.claims!(r.metrics)).toEqual([]);
    expect(r.metrics.llcTrue).toBe(8);
    expect(Math.abs(r.metrics.relativeError)).toBeLessThan(tolerance('dln'));
    expect(r.metrics.healthy).toBe(1);
    expect(r.metrics.llcStd).toBeGreaterThan(0);
    // the figure: every chain's trace over the burn-in and the draws, the burn-in marked, the estimate its post-burn-in mean
    const f = r.figure;
    expect(f.traces!.length).toBe(4);
    expect(f.burnin).toBe(1000);
    expect(f.steps!.at(-1)).toBeGreaterThan(4900);
    expect(f.perChain!.reduce((s, v) => s + v, 0) / 4).toBeCloseTo(f.llcEstimate!, 6);
    expect(f.warnings).toEqual([]);
  });

  it('a regular model (linear regression, d = 6): λ̂ within 20% of d/2 = 3', async () => {
    const r = await calibrate({ family: 'regular', d: 6 });
    expect(r.metrics.llcTrue).toBe(3);
    expect(Math.abs(r.metrics.relativeError)).toBeLessThan(tolerance('regular'));
  });

  it('normal crossing x·w₁·w₂² (λ = 1/4) and x·w₁·w₂³ (λ = 1/6): within 40%, far below the regular d/2 = 1', async () => {
    for (const [k, lambda] of [['1,2', 1 / 4], ['1,3', 1 / 6]] as const) {
      const r = await calibrate({ family: 'normal-crossing', k });
      expect(r.metrics.llcTrue).toBeCloseTo(lambda, 4);
      expect(Math.abs(r.metrics.relativeError), `k = ${k}: λ̂ = ${r.metrics.llcEstimate}`).toBeLessThan(tolerance('normal-crossing'));
      expect(r.metrics.llcEstimate).toBeLessThan(0.5);
    }
  });

  it('a bigger deep linear network (6 → 4 → 6, teacher rank 2, λ = 13.5): within 40%, well below d/2 = 24', async () => {
    const r = await calibrate({ family: 'dln', dims: '6,4,6', rank: 2 });
    expect(r.metrics.llcTrue).toBe(13.5);
    expect(Math.abs(r.metrics.relativeError)).toBeLessThan(tolerance('dln'));
    expect(r.metrics.llcEstimate).toBeLessThan(0.75 * 24);
  });

  it('a three-layer linear network (4 → 3 → 3 → 4, teacher rank 1, λ = 5.5 by Aoyagi 2024): within 40%, well below d/2 = 16.5', async () => {
    const r = await calibrate({ family: 'dln', dims: '4,3,3,4', rank: 1 });
    expect(r.metrics.llcTrue).toBe(5.5);
    expect(Math.abs(r.metrics.relativeError)).toBeLessThan(tolerance('dln'));
    expect(r.metrics.llcEstimate).toBeLessThan(0.5 * 16.5);
  });

  it('too large a localization γ biases λ̂ down; a teacher rank the widths cannot hold is an error, not a crash', async () => {
    const pinned = await calibrate({ family: 'regular', d: 6, gamma: 1000, draws: 1000, burnin: 200 });
    expect(pinned.metrics.relativeError).toBeLessThan(-0.4);
    const r = await runExperiment(llcCalibration, { family: 'dln', dims: '4,2,4', rank: 3 });
    expect(r.outcome.kind).toBe('error');
    if (r.outcome.kind === 'error') expect(r.outcome.message).toMatch(/teacher rank 3/);
    // the frame's training-data view asks for the data at any settings: it says why there is none
    const table = defaults(settingsOf(llcCalibration));
    expect(llcCalibration.trainingData!({ ...table, dims: '4,2,4', rank: 3 }).note).toMatch(/^No data: teacher rank 3/);
    expect(llcCalibration.trainingData!(table).note).toMatch(/1000 training examples/);
  });
});
