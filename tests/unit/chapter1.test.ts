/**
 * Chapter 1's experiments, run headless through the engine (WASM in Node): each headline number
 * lands in the published direction. These are the same functions the widgets run in the page.
 */
import { describe, expect, it } from 'vitest';
import { fanInputs, fanSpread, GAP_FAN_DEFAULTS, gapFanExperiment } from '../../src/engine/experiments/gap-fan';
import { HUNDRED_SEEDS_DEFAULTS, hundredSeedsExperiment, spreadSummary } from '../../src/engine/experiments/hundred-seeds';
import { behaviourSpread, knobConditions } from '../../src/engine/experiments/knobs';
import { barrierHeight, lineAlphas, lineCoords } from '../../src/engine/experiments/mode-connectivity';
import { buildModel, type Dataset, type RunSpec } from '../../src/engine/spec';
import { Evaluator } from '../../src/runtime/evaluator';
import { Trainer } from '../../src/runtime/trainer';

async function trainToEnd(spec: RunSpec, data: Dataset) {
  const t = await Trainer.create(spec, data, { backend: 'wasm', readEvery: 20 });
  while (!t.done && !t.isDiverged) await t.advance(20);
  return t;
}

describe('chapter 1: training as algorithm search', () => {
  it('a hundred seeds: tight in distribution, wide on cue conflicts (McCoy et al. 2020)', async () => {
    const ex = hundredSeedsExperiment(HUNDRED_SEEDS_DEFAULTS);
    const t = await trainToEnd(ex.spec, ex.data);
    const ev = await Evaluator.create(buildModel(ex.spec.model), 100, [
      { name: 'test', data: ex.test, loss: 'bce' },
      { name: 'conflict', data: ex.conflict, loss: 'bce' },
    ], 'wasm');
    const [test, conflict] = await ev.evaluate(await t.params());
    const s = spreadSummary(test.acc!, conflict.acc!);
    expect(s.accMax - s.accMin).toBeLessThan(0.03);
    expect(s.accMin).toBeGreaterThan(0.97);
    expect(s.x0Max - s.x0Min).toBeGreaterThan(0.6);
  });

  it('knobs: sharing the initialization removes the spread; sharing the batch order does not', async () => {
    const spreads: Record<string, number> = {};
    for (const k of knobConditions().filter((k) => ['baseline', 'same-init', 'same-order'].includes(k.id))) {
      const ex = hundredSeedsExperiment({ ...HUNDRED_SEEDS_DEFAULTS, members: 40, ...k.over });
      const t = await trainToEnd(ex.spec, ex.data);
      const ev = await Evaluator.create(buildModel(ex.spec.model), 40, [{ name: 'conflict', data: ex.conflict, loss: 'bce' }], 'wasm');
      spreads[k.id] = behaviourSpread((await ev.evaluate(await t.params()))[0].acc!).range;
    }
    expect(spreads.baseline).toBeGreaterThan(0.5);
    expect(spreads['same-init']).toBeLessThan(0.1 * spreads.baseline);
    expect(spreads['same-order']).toBeGreaterThan(0.5 * spreads.baseline);
  });

  it('same fit, different extrapolation: seeds agree on the data and fan out in the gap and beyond', async () => {
    const ex = gapFanExperiment(GAP_FAN_DEFAULTS);
    const t = await trainToEnd(ex.spec, ex.data);
    expect(Math.max(...t.history.at(-1)!.loss)).toBeLessThan(0.01);
    const xs = fanInputs();
    const ev = await Evaluator.create(buildModel(ex.spec.model), GAP_FAN_DEFAULTS.members, [], 'wasm');
    const s = fanSpread(await ev.predict(await t.params(), xs, xs.length), xs, GAP_FAN_DEFAULTS.members);
    expect(s.spreadGap).toBeGreaterThan(4 * s.spreadData);
    expect(s.spreadBeyond).toBeGreaterThan(s.spreadGap);
  });

  it('between two solutions: a loss barrier between seeds, none between checkpoints of one run (Frankle et al. 2020)', async () => {
    const members = 12;
    const ex = hundredSeedsExperiment({ ...HUNDRED_SEEDS_DEFAULTS, members });
    const t = await Trainer.create(ex.spec, ex.data, { backend: 'wasm' });
    while (t.stepsDone < ex.spec.steps / 4) await t.advance(1);
    const early = await t.params();
    while (!t.done) await t.advance(10);
    const late = await t.params();
    const model = buildModel(ex.spec.model);
    const P = model.size;
    const ev = await Evaluator.create(model, members, [{ name: 'conflict', data: ex.conflict, loss: 'bce' }], 'wasm');
    const f = Array.from((await ev.evaluate(late))[0].acc!);
    const a = f.indexOf(Math.max(...f));
    const b = f.indexOf(Math.min(...f));
    const alphas = lineAlphas();
    const member = (theta: Float32Array, e: number) => theta.slice(e * P, (e + 1) * P);
    const along = async (A: Float32Array, B: Float32Array) =>
      (await ev.plane({ name: 'train', data: ex.data, loss: 'bce' }, A, B.map((v, i) => v - A[i]), new Float32Array(P), lineCoords(alphas))).loss;
    const seeds = barrierHeight(alphas, await along(member(late, a), member(late, b)));
    const checkpoints = barrierHeight(alphas, await along(member(early, a), member(late, a)));
    expect(seeds).toBeGreaterThan(0.005);
    expect(seeds).toBeGreaterThan(3 * checkpoints);
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
