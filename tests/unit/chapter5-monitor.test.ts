/**
 * Chapter 5's monitor, headless through its experiment module: λ̂ at checkpoints of one grokking run
 * rises while the network memorizes and falls afterwards, every chain healthy at the defaults; the
 * half-change rule finds both curves' change points. Without weight decay there is no jump to be
 * warned of — and λ̂ falls all the same, which is what the chapter reports.
 */
import { describe, expect, it } from 'vitest';
import { llcMonitor, monitorCheckpoints } from '../../src/engine/experiments/llc-monitor';
import { runExperiment } from '../../src/runtime/host';

describe('chapter 5: the LLC as a monitor of a grokking run', () => {
  it('checkpoints are log-spaced measured steps from the first measurements to the last step', () => {
    const cps = monitorCheckpoints(3000, 10);
    expect(cps.length).toBe(10);
    expect(cps[0]).toBe(20);
    expect(cps.at(-1)).toBe(3000);
    for (let i = 1; i < cps.length; i++) expect(cps[i] / cps[i - 1]).toBeGreaterThan(1.3);
    expect(new Set(monitorCheckpoints(200, 30)).size).toBe(monitorCheckpoints(200, 30).length);
  });

  it('at the defaults: λ̂ peaks around memorization and falls as the test accuracy rises; λ̂ changes before the test jump', async () => {
    const r = await runExperiment(llcMonitor, {});
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(llcMonitor.claims!(r.metrics)).toEqual([]);
    const m = r.metrics;
    const f = r.figure;
    expect(f.warnings).toEqual([]);
    expect(f.checkpointSteps!.length).toBe(8);
    // measured (seed 1): ≈ 83 at memorization, ≈ 5 at the end
    expect(m.llcAtMemorization).toBeGreaterThan(5 * m.llcFinal);
    expect(m.llcFinal).toBeGreaterThan(0);
    const peak = f.checkpointSteps![f.llc!.indexOf(Math.max(...f.llc!))];
    expect(peak).toBeLessThanOrEqual(200);
    // the test accuracy jumps hundreds of steps after memorization; λ̂ passes half its fall before it (measured: 350 against 520)
    expect(m.testJumpStep).toBeGreaterThan(200);
    expect(m.llcChangeStep).toBeGreaterThan(0);
    expect(m.leadSteps).toBe(m.testJumpStep - m.llcChangeStep);
    expect(m.leadSteps).toBeGreaterThan(0);
  });

  it('without weight decay nothing generalizes: no test jump, no lead — yet λ̂ peaks and falls just the same', async () => {
    const r = await runExperiment(llcMonitor, { weightDecay: 0 });
    expect(r.outcome.kind).toBe('done');
    expect(r.metrics.testJumpStep).toBe(-1);
    expect(r.metrics.leadSteps).toBe(0);
    // measured (seed 1): ≈ 73 at memorization, ≈ 6 at the end, half its fall at step 350 as with weight decay
    expect(r.metrics.llcAtMemorization).toBeGreaterThan(5 * r.metrics.llcFinal);
    expect(r.metrics.llcChangeStep).toBeGreaterThan(0);
    expect(r.figure.warnings).toEqual([]);
  });
});
