/**
 * The experiment host (what the worker runs per figure): pause, step, stop, actions between
 * chunks, and that every action settles — resolved, or rejected with a reader-facing message —
 * however the run ends.
 */
import { describe, expect, it } from 'vitest';
import { chebyshev } from '../../src/engine/datasets';
import { defineExperiment } from '../../src/engine/experiment';
import type { FieldTable } from '../../src/engine/fields';
import { StoppedError } from '../../src/engine/lab';
import { ExperimentHost, type HostReport, runExperiment } from '../../src/runtime/host';
import { loadOrt } from '../../src/runtime/ort';

const fields = {
  steps: { kind: 'int', default: 40, min: 1, max: 1000, label: 'Steps' },
  lr: { kind: 'float', default: 0.05, min: 1e-4, max: 1e9, label: 'Learning rate' },
  inDim: { kind: 'int', default: 1, min: 1, max: 3, label: 'Input size' },
} satisfies FieldTable;

/** A one-member regression; actions: a plane on a named set, and one that fails. */
const probe = defineExperiment<{ plane: Float32Array }>()({
  id: 'probe',
  title: 'Probe',
  fields,
  metrics: { step: 'steps done', loss: 'training loss' },
  small: {},
  async run(ctx) {
    const c = ctx.config;
    const data = chebyshev(2, 16);
    const run = await ctx.lab.start({
      data,
      spec: { model: { kind: 'mlp', widths: [c.inDim, 8, 1], activation: 'tanh' }, loss: 'mse', optimizer: { kind: 'sgd' }, lr: c.lr, initSeeds: [c.seed], batch: 16, fused: 2, steps: c.steps },
    });
    ctx.action<{ set: string }>('plane', async ({ set }) => {
      const theta = await run.params();
      const zero = new Float32Array(run.model.size);
      ctx.report({ figure: { plane: (await run.plane(set, theta, zero, zero, new Float32Array(2))).loss } });
    });
    ctx.action('fail', async () => {
      throw new Error('this action always fails');
    });
    await run.trainTo(c.steps, (chunk) => ctx.report({ metrics: { step: chunk.step, loss: chunk.loss[0] } }));
  },
});

function host(config: Partial<Record<keyof typeof fields | 'seed', number>>, opts: { paused?: boolean; speed?: number } = {}) {
  const reports: HostReport[] = [];
  const h = new ExperimentHost(probe as never, { seed: 1, steps: 40, lr: 0.05, inDim: 1, ...config }, {
    backend: { backend: 'wasm', reason: 'test', threads: 1 },
    events: { ready: () => undefined, report: (r) => reports.push(r), notice: () => undefined },
    ...opts,
  });
  const steps = () => reports.map((r) => r.metrics.step).filter((s) => s !== undefined);
  return { h, reports, steps };
}

const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));
/** Wait (on a loaded machine, compiling can take a while) until `ok`, then a little longer for anything that should not follow. */
async function settle(ok: () => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!ok() && Date.now() < deadline) await tick(10);
  await tick(200);
}

describe('ExperimentHost', () => {
  it('started paused it trains nothing; each step trains one call; resume runs to done', async () => {
    await loadOrt('wasm');
    const { h, steps } = host({}, { paused: true, speed: 4 });
    await tick(200);
    expect(steps()).toEqual([]);
    h.step();
    await settle(() => steps().length >= 1);
    expect(steps()).toEqual([2]);
    h.step();
    await settle(() => steps().length >= 2);
    expect(steps()).toEqual([2, 4]);
    h.resume();
    expect(await h.finished).toEqual({ kind: 'done', verdict: 'converged' });
    expect(steps().at(-1)).toBe(40);
    expect(steps().slice(2, 4)).toEqual([12, 20]); // four calls of two steps per chunk once running
  });

  it('a pause that arrives as a task (as worker messages do) stops training at the next chunk', async () => {
    const { h, steps } = host({ steps: 1000 }, { speed: 1 });
    // timers are tasks: unless the protocol lets the event loop run between chunks, none fires
    const deadline = Date.now() + 20_000;
    while (steps().length < 3 && Date.now() < deadline) await tick(5);
    expect(steps().length).toBeGreaterThanOrEqual(3);
    h.pause();
    const at = steps().length;
    await tick(300);
    expect(steps().length).toBeLessThanOrEqual(at + 1);
    expect(steps().at(-1)).toBeLessThan(1000);
    h.resume();
    expect(await h.finished).toEqual({ kind: 'done', verdict: 'converged' });
  });

  it('an action runs between chunks and settles; a failing one rejects with its message and the run goes on', async () => {
    const { h, reports } = host({ steps: 400 });
    await expect(h.action('plane', { set: 'train' })).resolves.toBeUndefined();
    expect(reports.some((r) => r.figure.plane instanceof Float32Array)).toBe(true);
    await expect(h.action('plane', { set: 'nowhere' })).rejects.toThrow(/no dataset named "nowhere"/);
    await expect(h.action('fail', {})).rejects.toThrow(/always fails/);
    await expect(h.action('unknown', {})).rejects.toThrow(/"unknown" is not available/);
    expect(await h.finished).toEqual({ kind: 'done', verdict: 'converged' });
    // after done, actions still run on the finished run
    await expect(h.action('plane', { set: 'train' })).resolves.toBeUndefined();
    await h.stop();
    await expect(h.action('plane', { set: 'train' })).rejects.toBeInstanceOf(StoppedError);
  });

  it('a paused run still answers actions; stopping it rejects the ones still queued', async () => {
    const { h } = host({}, { paused: true });
    await tick(100);
    await expect(h.action('plane', { set: 'train' })).resolves.toBeUndefined();
    const queued = h.action('plane', { set: 'train' });
    const stopping = h.stop();
    await expect(queued).rejects.toBeInstanceOf(StoppedError);
    await stopping;
    expect(await h.finished).toEqual({ kind: 'stopped' });
  });

  it('a diverging learning rate ends as diverged with a message, and later actions are refused', async () => {
    const { h } = host({ lr: 1e9, steps: 400 });
    const o = await h.finished;
    expect(o.kind).toBe('diverged');
    expect(o.kind === 'diverged' && o.message).toMatch(/diverged by step \d+ .*Lower the learning rate/);
    await expect(h.action('plane', { set: 'train' })).rejects.toThrow(/diverged/);
  });

  it('a setting outside its table, or a model that does not fit its data, ends as an error with a message', async () => {
    expect(await host({ steps: 0 }).h.finished).toEqual({ kind: 'error', message: 'Steps: 0 is outside 1–1000. Change the setting to run again.' });
    const misfit = await host({ inDim: 2 }).h.finished;
    expect(misfit).toEqual({ kind: 'error', message: 'model 2→1 does not fit data 1→1' });
  });

  it('runExperiment fills unset settings with their defaults (the seed too)', async () => {
    const r = await runExperiment(probe, { steps: 6 });
    expect(r.metrics.step).toBe(6);
  });
});
