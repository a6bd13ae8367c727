/**
 * Chapter 1's figures, run headless through their experiment modules and the host the page's
 * worker uses (WASM in Node): at their defaults each shows the published effect (its claims), and
 * the effects that the prose promises across the controls hold away from the defaults too.
 */
import { describe, expect, it } from 'vitest';
import { gapFan } from '../../src/engine/experiments/gap-fan';
import { hundredSeeds } from '../../src/engine/experiments/hundred-seeds';
import { pathKnobs } from '../../src/engine/experiments/knobs';
import { barrierHeight, lineAlphas, twoSolutions } from '../../src/engine/experiments/mode-connectivity';
import { runExperiment } from '../../src/runtime/host';

describe('chapter 1: training as algorithm search', () => {
  it('a hundred seeds: tight in distribution, wide on cue conflicts (McCoy et al. 2020)', async () => {
    const r = await runExperiment(hundredSeeds);
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(hundredSeeds.claims!(r.metrics)).toEqual([]);
    expect(r.metrics.accMax - r.metrics.accMin).toBeLessThan(0.03);
    expect(r.metrics.x0Max - r.metrics.x0Min).toBeGreaterThan(0.6);
    // picking a seed draws its boundary: logits on the whole grid, positive on one side
    await r.host.action('select', { member: 3 });
    await expect(r.host.action('select', { member: 100 })).rejects.toThrow(/no seed #100/);
    await r.host.stop();
  });

  it('with one shared initialization and batch order every seed learns the same rule', async () => {
    const r = await runExperiment(hundredSeeds, { members: 20, varyInit: false, varyOrder: false });
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(r.metrics.x0Max - r.metrics.x0Min).toBeLessThan(0.02);
  });

  it('knobs: sharing the initialization removes the spread; sharing the batch order does not', async () => {
    const r = await runExperiment(pathKnobs, { members: 40 });
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(pathKnobs.claims!(r.metrics)).toEqual([]);
  });

  it('same fit, different extrapolation: seeds agree on the data and fan out in the gap and beyond', async () => {
    const r = await runExperiment(gapFan);
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(gapFan.claims!(r.metrics)).toEqual([]);
    expect(r.figure.curves!.length).toBe(30 * r.figure.xs!.length);
  });

  it('between two solutions: a loss barrier between seeds as trained, little once their units are aligned, none between checkpoints of one run (Frankle et al. 2020; Entezari et al. 2022)', async () => {
    const r = await runExperiment(twoSolutions);
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(twoSolutions.claims!(r.metrics)).toEqual([]);
    // the checkpoint lands at a quarter of training exactly, whatever the chunking
    expect(r.figure.checkpointStep).toBe(150);
    const { a, b } = r.figure.pair!;
    expect(r.figure.followsX0![a]).toBeGreaterThan(r.figure.followsX0![b]);
    // after matching B's hidden units to A's (Ainsworth et al. 2023) the line between them stays low
    expect(r.figure.alignedLine!.length).toBe(r.figure.alphas!.length);
    expect(r.metrics.barrierAligned).toBeLessThan(0.005);
    const mid = r.figure.alphas!.indexOf(0.5);
    expect(r.figure.alignedLine![mid]).toBeLessThan(r.figure.seedsLine![mid] / 3);
    // permuting units does not change B's function: the aligned line ends where the raw one does
    const end = r.figure.alphas!.indexOf(1);
    expect(r.figure.alignedLine![end]).toBeCloseTo(r.figure.seedsLine![end], 5);
    // choosing another pair measures that pair
    await r.host.action('choose', { a: b, b: a });
    await r.host.stop();
  });
});

describe('mode connectivity helpers', () => {
  it('alphas hit 0 and 1 exactly, and the barrier of a straight line is zero', () => {
    const alphas = lineAlphas(4, 2);
    expect(alphas).toEqual([-0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5]);
    expect(barrierHeight(alphas, alphas.map((a) => 2 + 3 * a))).toBeCloseTo(0, 12);
    expect(barrierHeight(alphas, alphas.map((a) => 1 + a * (1 - a)))).toBeCloseTo(0.25, 12);
  });
});
