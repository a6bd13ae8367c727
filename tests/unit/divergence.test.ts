/**
 * Runs, honestly reported (issue 15): a member that diverges is left out — its values NaN, every
 * statistic over the others, the count reported as `divergedMembers` — while the others train on;
 * a run ends `diverged` only when no member is left; and a run that trains to its end far above
 * its starting loss ends `done` with the verdict 'unconverged', never a plain converged `done`.
 * No metric is ever NaN or Infinity.
 */
import { describe, expect, it } from 'vitest';
import { chebyshev } from '../../src/engine/datasets';
import { defineExperiment } from '../../src/engine/experiment';
import { gapFan } from '../../src/engine/experiments/gap-fan';
import { hundredSeeds } from '../../src/engine/experiments/hundred-seeds';
import type { FieldTable } from '../../src/engine/fields';
import { argBest, maxOf, mean, median, minOf, std } from '../../src/engine/stats';
import { type HostReport, runExperiment } from '../../src/runtime/host';

function expectFiniteMetrics(reports: HostReport[]) {
  for (const r of reports) for (const [k, v] of Object.entries(r.metrics)) expect(Number.isFinite(v), `${k} = ${v}`).toBe(true);
}

const fields = {
  lrs: { kind: 'enum', default: 'split', options: [{ value: 'split', label: 'two of four diverge' }, { value: 'calm', label: 'the two calm ones alone' }], label: 'Rates' },
} satisfies FieldTable;

/** Four members on one regression, two at a sane learning rate and two at an absurd one (or the sane two alone). */
const split = defineExperiment<{ finalLoss: Float32Array; pred: Float32Array; lossTrace: number[] }>()({
  id: 'split',
  title: 'Split',
  fields,
  metrics: { step: 'steps done', loss: 'mean training loss over surviving members', worst: 'worst surviving member’s loss' },
  small: {},
  async run(ctx) {
    const c = ctx.config;
    const calm = c.lrs === 'calm';
    const seeds = calm ? [c.seed, c.seed + 2] : [c.seed, c.seed + 1, c.seed + 2, c.seed + 3];
    const run = await ctx.lab.start({
      data: chebyshev(2, 16),
      spec: { model: { kind: 'mlp', widths: [1, 8, 1], activation: 'tanh' }, loss: 'mse', optimizer: { kind: 'sgd' }, lr: calm ? [0.05, 0.05] : [0.05, 1e9, 0.05, 1e9], initSeeds: seeds, batch: 16, fused: 2, steps: 40 },
    });
    const lossTrace: number[] = [];
    await run.trainTo(40, (chunk) => {
      lossTrace.push(...chunk.loss);
      ctx.report({ metrics: { step: chunk.step, loss: mean(chunk.loss), worst: maxOf(chunk.loss) } });
    });
    const [train] = await run.evaluate(['train']);
    ctx.report({ figure: { finalLoss: train.loss, pred: await run.predict(Float32Array.of(-0.5, 0, 0.5), 3), lossTrace } });
  },
});

describe('statistics over members leave diverged (NaN) members out', () => {
  it('mean, std, min, max, median and argBest skip non-finite values', () => {
    const v = [1, NaN, 3, Infinity];
    expect(mean(v)).toBe(2);
    expect(std(v)).toBe(1);
    expect(minOf(v)).toBe(1);
    expect(maxOf(v)).toBe(3);
    expect(median([NaN, 5, 1, 3])).toBe(3);
    expect(argBest([NaN, 2, 1])).toBe(1);
    expect(argBest([NaN, 2, 1], -1)).toBe(2);
    expect(argBest([NaN])).toBe(-1);
    expect(mean([NaN])).toBeNaN();
  });
});

describe('divergence per member', () => {
  it('two of four members diverge: they read NaN, the others train exactly as they would alone, and the count is reported', async () => {
    const r = await runExperiment(split, { lrs: 'split' });
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(r.metrics.divergedMembers).toBe(2);
    expect(r.metrics.trainedMembers).toBe(4);
    expectFiniteMetrics(r.reports);
    const f = r.figure.finalLoss!;
    expect([f[1], f[3]]).toEqual([NaN, NaN]);
    expect(Number.isFinite(f[0]) && Number.isFinite(f[2])).toBe(true);
    // diverged members' predictions are NaN (the chart cuts them); the others' are numbers
    const p = r.figure.pred!;
    expect(Array.from(p.subarray(3, 6)).every(Number.isNaN)).toBe(true);
    expect(Array.from(p.subarray(0, 3)).every(Number.isFinite)).toBe(true);
    // a diverged member's losses read NaN from the chunk it diverged in on
    expect(r.figure.lossTrace!.filter((_, i) => i % 4 === 1).every(Number.isNaN)).toBe(true);
    // members share nothing: the survivors end exactly where they end without the diverging two
    const alone = await runExperiment(split, { lrs: 'calm' });
    expect(alone.metrics.divergedMembers).toBe(0);
    expect(f[0]).toBeCloseTo(alone.figure.finalLoss![0], 6);
    expect(f[2]).toBeCloseTo(alone.figure.finalLoss![1], 6);
    expect(r.metrics.loss).toBeCloseTo(alone.metrics.loss, 4);
    await r.host.stop();
    await alone.host.stop();
  });

  it('when every member diverges the run ends diverged, naming them all', async () => {
    const r = await runExperiment(hundredSeeds, { members: 4, steps: 200, lr: 1000, varyInit: false, varyOrder: false });
    expect(r.outcome.kind).toBe('diverged');
    expect(r.outcome.kind === 'diverged' && r.outcome.members).toEqual([0, 1, 2, 3]);
    expect(r.outcome.kind === 'diverged' && r.outcome.message).toMatch(/^All 4 runs diverged by step \d+ .*Lower the learning rate/);
    expectFiniteMetrics(r.reports);
  });

  it('hundred seeds at learning rate 500: two seeds diverge and are left out, a survivor ends far above its start: not converged', async () => {
    const r = await runExperiment(hundredSeeds, { members: 4, steps: 200, lr: 500 });
    expect(r.outcome.kind).toBe('done');
    expect(r.outcome.kind === 'done' && r.outcome.verdict).toBe('unconverged');
    expect(r.outcome.kind === 'done' && r.outcome.verdict === 'unconverged' && r.outcome.message).toMatch(
      /^Training did not converge: at learning rate 500, 1 of the 2 models that did not diverge ended with a training loss above 1\.5× where it started \(\d+(\.\d+)? against 0\.\d+ at the start\)/,
    );
    expect(r.metrics.divergedMembers).toBe(2);
    expect(r.metrics.trainedMembers).toBe(4);
    expectFiniteMetrics(r.reports);
    const acc = Array.from(r.figure.testAcc!);
    expect(acc.filter(Number.isNaN).length).toBe(2);
    expect(r.metrics.accMin).toBeCloseTo(Math.min(...acc.filter(Number.isFinite)), 4);
    const gone = acc.findIndex(Number.isNaN);
    await expect(r.host.action('select', { member: gone })).rejects.toThrow(/diverged/);
    await r.host.stop();
  });
});

describe('did not converge', () => {
  it('same-fit fan at learning rate 10 trains to its end far above where it started: verdict unconverged, with a message', async () => {
    const r = await runExperiment(gapFan, { members: 10, lr: 10, steps: 600 });
    expect(r.outcome.kind).toBe('done');
    if (r.outcome.kind !== 'done' || r.outcome.verdict !== 'unconverged') throw new Error(`expected unconverged, got ${JSON.stringify(r.outcome)}`);
    expect(r.outcome.message).toMatch(/^Training did not converge: at learning rate 10, \d+ of the 10 models ended with a training loss above 1\.5× where they started/);
    expect(r.metrics.divergedMembers).toBe(0);
    expectFiniteMetrics(r.reports);
    // the same figure at its own learning rate converges
    const ok = await runExperiment(gapFan, { members: 10, steps: 600 });
    expect(ok.outcome).toEqual({ kind: 'done', verdict: 'converged' });
  });
});
