/** Training end to end through the runtime (onnxruntime-web wasm in Node). */
import { describe, expect, it } from 'vitest';
import { smoothRegression, spirals, twoCue } from '../../src/engine/datasets';
import { validateOptimizer, withDefaults } from '../../src/engine/optimizers';
import { evalGraph } from '../../src/engine/programs';
import { buildModel, type RunSpec } from '../../src/engine/spec';
import { Trainer } from '../../src/runtime/trainer';
import { runGraph } from './run-graph';

async function train(spec: RunSpec, data: Parameters<typeof Trainer.create>[1]) {
  const t = await Trainer.create(spec, data, { backend: 'wasm' });
  const history = [];
  while (!t.done && !t.isDiverged) history.push((await t.advance(10))!);
  return Object.assign(t, { history });
}

describe('training converges', () => {
  it('regression: a tanh MLP fits sin(πx₀)·x₁', async () => {
    const data = smoothRegression({ n: 256, seed: 1 });
    const t = await train(
      { model: { kind: 'mlp', widths: [2, 32, 32, 1], activation: 'tanh' }, loss: 'mse', optimizer: { kind: 'adam' }, lr: 0.01, initSeeds: [1], batch: 64, fused: 8, steps: 1600 },
      data,
    );
    const first = t.history[0].loss[0];
    const last = t.history[t.history.length - 1].loss[0];
    expect(t.isDiverged).toBe(false);
    expect(last).toBeLessThan(0.01);
    expect(last).toBeLessThan(first / 10);
    await t.release();
  });

  it('classification: softmax cross-entropy separates three spirals', async () => {
    const data = spirals({ n: 300, seed: 2, noise: 0.1 });
    const spec: RunSpec = { model: { kind: 'mlp', widths: [2, 64, 64, 3], activation: 'relu' }, loss: 'softmax-ce', optimizer: { kind: 'adam' }, lr: 0.01, initSeeds: [3, 4], batch: 100, fused: 8, steps: 1200 };
    const t = await train(spec, data);
    const model = buildModel(spec.model);
    const out = await runGraph(evalGraph({ model, loss: 'softmax-ce', members: 2, data: { n: data.n } }), {
      theta: { data: await t.params(), shape: [2, model.size] },
      X: { data: data.X, shape: [data.n, 2] },
      Y: { data: data.Y, shape: [data.n, 3] },
    });
    expect(out.acc[0]).toBeGreaterThan(0.9);
    expect(out.acc[1]).toBeGreaterThan(0.9);
    await t.release();
  });

  it('binary cross-entropy: both cues are learned to 100% in distribution', async () => {
    const data = twoCue({ n: 200, seed: 5, noiseDims: 2 });
    const spec: RunSpec = { model: { kind: 'mlp', widths: [4, 16, 1], activation: 'relu' }, loss: 'bce', optimizer: { kind: 'sgd' }, lr: 0.5, initSeeds: [1, 2, 3], batch: 20, fused: 10, steps: 400 };
    const t = await train(spec, data);
    const model = buildModel(spec.model);
    const out = await runGraph(evalGraph({ model, loss: 'bce', members: 3, data: { n: data.n } }), {
      theta: { data: await t.params(), shape: [3, model.size] },
      X: { data: data.X, shape: [data.n, 4] },
      Y: { data: data.Y, shape: [data.n, 1] },
    });
    for (let e = 0; e < 3; e++) expect(out.acc[e]).toBe(1);
    await t.release();
  });
});

describe('bad settings are reported, not thrown', () => {
  it('an absurd learning rate ends in the diverged state', async () => {
    const data = smoothRegression({ n: 64, seed: 1 });
    const t = await train(
      { model: { kind: 'mlp', widths: [2, 16, 1], activation: 'relu' }, loss: 'mse', optimizer: { kind: 'sgd' }, lr: 1e4, initSeeds: [1, 2], batch: 64, fused: 4, steps: 400 },
      data,
    );
    expect(t.isDiverged).toBe(true);
    expect(t.diverged).toEqual([0, 1]);
    expect(t.stepsDone).toBeLessThan(400);
    await t.release();
  });

  it('an impossible spec is rejected with a clear message', async () => {
    const data = smoothRegression({ n: 8, seed: 1 });
    const spec: RunSpec = { model: { kind: 'mlp', widths: [2, 4, 1], activation: 'tanh' }, loss: 'mse', optimizer: { kind: 'sgd' }, lr: 0.1, initSeeds: [], batch: 4, fused: 1, steps: 10 };
    await expect(Trainer.create(spec, data, { backend: 'wasm' })).rejects.toThrow('no ensemble members');
    await expect(Trainer.create({ ...spec, initSeeds: [1], batch: 99 }, data, { backend: 'wasm' })).rejects.toThrow('batch size');
    await expect(Trainer.create({ ...spec, initSeeds: [1], lr: -1 }, data, { backend: 'wasm' })).rejects.toThrow('learning rate');
    // an explicit undefined field would override the default when spread and make the first step NaN
    await expect(Trainer.create({ ...spec, initSeeds: [1], optimizer: { kind: 'adam', beta1: undefined } }, data, { backend: 'wasm' })).rejects.toThrow(
      /beta1 is undefined.*leave the field out/,
    );
    await expect(Trainer.create({ ...spec, initSeeds: [1], optimizer: { kind: 'adam', beta2: 1 } }, data, { backend: 'wasm' })).rejects.toThrow('beta2 must be in [0, 1)');
  });

  it('optimizer configurations: every field that is present must be a number in range', () => {
    expect(validateOptimizer({ kind: 'adam' })).toBeNull();
    expect(validateOptimizer({ kind: 'momentum', momentum: 0 })).toBeNull();
    expect(validateOptimizer({ kind: 'adamw', weightDecay: 0.01, eps: 1e-6 })).toBeNull();
    for (const key of ['momentum', 'beta1', 'beta2', 'eps', 'weightDecay'] as const) {
      expect(validateOptimizer({ kind: 'adam', [key]: undefined })).toMatch(new RegExp(`${key} is undefined`));
      expect(validateOptimizer({ kind: 'adam', [key]: Number.NaN })).toMatch(new RegExp(`${key} is NaN`));
      expect(() => withDefaults({ kind: 'adam', [key]: undefined })).toThrow(RangeError);
    }
    expect(validateOptimizer({ kind: 'adam', eps: 0 })).toMatch('eps must be positive');
    expect(validateOptimizer({ kind: 'sgd', weightDecay: -1 })).toMatch('weightDecay must be zero or positive');
    expect(validateOptimizer({ kind: 'rmsprop' as never })).toMatch('unknown optimizer "rmsprop"');
    // what was given is kept, what was left out is filled in
    expect(withDefaults({ kind: 'adam', beta1: 0.5 })).toMatchObject({ beta1: 0.5, beta2: 0.999, eps: 1e-8 });
  });
});
