import { describe, expect, it } from 'vitest';
import { basinPlan, basinWells } from '../../src/engine/experiments/basin-volume';
import { buildModel } from '../../src/engine/spec';
import { Evaluator } from '../../src/runtime/evaluator';

const SETTINGS = { starts: 1, seed: 1, narrow: 0.5, wide: 1, steps: 20, lr: 0.1 };

describe('basin volume: wide valleys take up more of parameter space', () => {
  it('the two-wells model computes L(w) = 1 − Σ exp(−‖w − μ‖²/2σ²)', async () => {
    const ex = basinPlan(SETTINGS);
    const model = buildModel(ex.spec.model);
    const ev = await Evaluator.create(model, 1, [{ name: 'train', data: ex.data, loss: 'value' }], 'wasm');
    const wells = basinWells(SETTINGS);
    for (const w of [[0, 0], [-1.3, 0.4], [2, 1]]) {
      const expected = 1 - wells.reduce((s, k) => s + Math.exp(-((w[0] - k.center[0]) ** 2 + (w[1] - k.center[1]) ** 2) / (2 * k.width ** 2)), 0);
      const [r] = await ev.evaluate(Float32Array.from(w));
      expect(r.loss[0]).toBeCloseTo(expected, 5);
    }
  });
});
