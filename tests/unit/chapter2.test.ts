/**
 * Chapter 2's figures headless through their experiment modules (the code the page runs): the
 * published directions at the defaults, and where the prose says the effect moves with a control,
 * that it does.
 */
import { describe, expect, it } from 'vitest';
import { basins } from '../../src/engine/experiments/basin-volume';
import { edgeOfStability } from '../../src/engine/experiments/edge-of-stability';
import { flatSharp } from '../../src/engine/experiments/flat-sharp';
import { landscape } from '../../src/engine/experiments/landscape-slice';
import { runExperiment } from '../../src/runtime/host';

describe('chapter 2: loss landscapes', () => {
  it('edge of stability (Cohen et al. 2021): sharpness rises to 2/η and hovers there; the loss is non-monotone', async () => {
    const r = await runExperiment(edgeOfStability);
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(edgeOfStability.claims!(r.metrics)).toEqual([]);
    expect(r.metrics.threshold).toBe(10);
    const trace = r.figure.trace!;
    expect(trace.at(-1)!.loss).toBeLessThan(trace[0].loss);
    // measured at the named steps, whatever the reader's speed
    expect(trace.map((t) => t.step).slice(0, 3)).toEqual([50, 100, 150]);
    // the late numbers average the last quarter, which the figure marks; the edge is reached before it starts
    const [from, to] = r.figure.lateWindow!;
    expect([from, to]).toEqual([2250, 3000]);
    expect(trace.find((t) => t.sharpness >= 0.95 * r.metrics.threshold)!.step).toBeLessThan(from);
    const late = trace.filter((t) => t.step >= from && t.step <= to);
    expect(late.length).toBe(16);
    expect(r.metrics.sharpnessLate).toBeCloseTo(late.reduce((s, t) => s + t.sharpness, 0) / late.length, 3);
  });

  it('the exercise ch2-predict-eos: at η = 0.25 the late sharpness lands at the edge, 2/η = 8', async () => {
    const r = await runExperiment(edgeOfStability, { lr: 0.25 });
    expect(Math.abs(r.metrics.sharpnessLate - 8) / 8).toBeLessThan(0.05);
  });

  it('with half the step size the edge moves to 2/η = 20, and the sharpness stays below it', async () => {
    const r = await runExperiment(edgeOfStability, { lr: 0.1 });
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(r.metrics.threshold).toBe(20);
    expect(r.metrics.maxSharpness).toBeLessThan(0.7 * r.metrics.threshold);
  });

  it('flat versus sharp (Keskar et al. 2017): a small batch at a large learning rate ends flatter than a large batch', async () => {
    const r = await runExperiment(flatSharp, { members: 2 });
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(flatSharp.claims!(r.metrics)).toEqual([]);
  });

  it('basins: the wide well catches more starts; with equal widths neither wins by much', async () => {
    const wide = await runExperiment(basins);
    expect(wide.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(basins.claims!(wide.metrics)).toEqual([]);
    expect(wide.metrics.fracNarrow).toBeGreaterThan(0.02);
    expect(wide.metrics.fracNarrow + wide.metrics.fracWide + wide.metrics.fracPlateau).toBeCloseTo(1, 3);
    // starts are uniform over the box
    const starts = Array.from(wide.figure.starts!);
    expect(Math.max(...starts)).toBeLessThanOrEqual(3);
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(-3);
    expect(wide.figure.labels!.length).toBe(400);
    const equal = await runExperiment(basins, { narrow: 1, wide: 1 });
    expect(equal.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(Math.abs(equal.metrics.fracWide - equal.metrics.fracNarrow)).toBeLessThan(0.15);
  });

  it('landscape: the trained weights sit at the bottom of their slice; re-slicing in PCA mode explains most of the path', async () => {
    const r = await runExperiment(landscape, { side: 24 });
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(landscape.claims!(r.metrics)).toEqual([]);
    expect(r.metrics.gridPoints).toBe(576);
    expect(r.metrics.explained).toBe(0);
    await r.host.action('reslice', { mode: 'pca' });
    // the centred PCA (as in Li et al.'s code) holds most of the path's variance, but not all of it
    expect(r.metrics.explained).toBeGreaterThan(0.9);
    expect(r.metrics.explained).toBeLessThan(0.995);
    await r.host.stop();
  });
});
