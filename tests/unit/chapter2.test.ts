/** Chapter 2's experiments headless through the engine: the published directions. */
import { describe, expect, it } from 'vitest';
import { topHessianEigenvalue } from '../../src/engine/analysis/hessian';
import { edgeOfStabilityExperiment, EOS_DEFAULTS, eosSummary } from '../../src/engine/experiments/edge-of-stability';
import { FLAT_SHARP_CONDITIONS, flatSharpExperiment } from '../../src/engine/experiments/flat-sharp';
import { makeRng } from '../../src/engine/random';
import { buildModel } from '../../src/engine/spec';
import { Evaluator } from '../../src/runtime/evaluator';
import { Trainer } from '../../src/runtime/trainer';

async function sharpnessTrace(lr: number) {
  const ex = edgeOfStabilityExperiment({ ...EOS_DEFAULTS, lr });
  const t = await Trainer.create(ex.spec, ex.data, { backend: 'wasm' });
  const ev = await Evaluator.create(buildModel(ex.spec.model), 1, [], 'wasm');
  const set = { name: 'train', data: ex.data, loss: ex.spec.loss };
  const trace = [];
  let init: Float32Array | undefined;
  while (!t.done && !t.isDiverged) {
    const r = await t.advance(1);
    const e = await topHessianEigenvalue((p) => ev.gradients(set, p), await t.params(), makeRng(1), { iters: init ? 8 : 30, init });
    init = e.vector;
    trace.push({ step: r!.step, sharpness: e.value, loss: r!.loss[0] });
  }
  return { trace, diverged: t.isDiverged };
}

describe('chapter 2: loss landscapes', () => {
  it('edge of stability (Cohen et al. 2021): sharpness rises to 2/η and hovers there; the loss is non-monotone', async () => {
    const { trace } = await sharpnessTrace(0.2);
    const s = eosSummary(trace, 0.2);
    expect(s.early).toBeLessThan(0.6 * s.threshold); // progressive sharpening starts well below…
    expect(s.ratioLate).toBeGreaterThan(0.85); // …and ends at the edge
    expect(s.ratioLate).toBeLessThan(1.1);
    expect(s.lossRises).toBeGreaterThan(0);
    expect(trace.at(-1)!.loss).toBeLessThan(trace[0].loss);
  });

  it('with half the step size the edge moves to 2/η = 20, and the sharpness stays below it', async () => {
    const { trace } = await sharpnessTrace(0.1);
    const s = eosSummary(trace, 0.1);
    expect(s.maxSharpness).toBeLessThan(0.7 * s.threshold);
  });

  it('flat versus sharp (Keskar et al. 2017): a small batch at a large learning rate ends flatter than a large batch', async () => {
    const sharp: Record<string, number> = {};
    for (const cond of FLAT_SHARP_CONDITIONS.filter((c) => c.lr === 0.5)) {
      const ex = flatSharpExperiment(cond, { seed: 1, members: 2, steps: 3000 });
      const t = await Trainer.create(ex.spec, ex.data, { backend: 'wasm' });
      while (!t.done) await t.advance(10);
      const model = buildModel(ex.spec.model);
      const ev = await Evaluator.create(model, 2, [], 'wasm');
      const p = await t.params();
      let sum = 0;
      for (let e = 0; e < 2; e++) {
        const th = p.slice(e * model.size, (e + 1) * model.size);
        sum += (await topHessianEigenvalue((pts) => ev.gradients({ name: 'train', data: ex.data, loss: 'softmax-ce' }, pts), th, makeRng(e), { iters: 40 })).value;
      }
      sharp[cond.id] = sum / 2;
    }
    expect(sharp.smallBatchHighLr).toBeLessThan(0.5 * sharp.largeBatchHighLr);
  });
});
