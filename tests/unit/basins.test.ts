import { describe, expect, it } from 'vitest';
import { BASIN_DEFAULTS, basinExperiment, basinFractions, basinWells, classifyBasins } from '../../src/engine/experiments/basin-volume';
import { initParams } from '../../src/engine/models';
import { buildModel } from '../../src/engine/spec';
import { Trainer } from '../../src/runtime/trainer';
import { Evaluator } from '../../src/runtime/evaluator';

describe('basin volume: wide valleys take up more of parameter space', () => {
  it('the two-wells model computes L(w) = 1 − Σ exp(−‖w − μ‖²/2σ²)', async () => {
    const ex = basinExperiment(BASIN_DEFAULTS);
    const model = buildModel(ex.spec.model);
    const ev = await Evaluator.create(model, 1, [{ name: 'train', data: ex.data, loss: 'value' }], 'wasm');
    const wells = basinWells(BASIN_DEFAULTS);
    for (const w of [[0, 0], [-1.3, 0.4], [2, 1]]) {
      const expected = 1 - wells.reduce((s, k) => s + Math.exp(-((w[0] - k.center[0]) ** 2 + (w[1] - k.center[1]) ** 2) / (2 * k.width ** 2)), 0);
      const [r] = await ev.evaluate(Float32Array.from(w));
      expect(r.loss[0]).toBeCloseTo(expected, 5);
    }
  });

  it('gradient descent from uniform random starts ends in the wide well more often than in the narrow one', async () => {
    const ex = basinExperiment(BASIN_DEFAULTS);
    const t = await Trainer.create(ex.spec, ex.data, { backend: 'wasm' });
    while (!t.done) await t.advance(5);
    const labels = classifyBasins(await t.params(), basinWells(BASIN_DEFAULTS));
    const f = basinFractions(labels);
    expect(f.wide).toBeGreaterThan(2 * f.narrow);
    expect(f.narrow).toBeGreaterThan(0.02);
    expect(f.narrow + f.wide + f.plateau).toBeCloseTo(1, 6);
    // starts are uniform over the box
    const starts = initParams(buildModel(ex.spec.model), ex.spec.initSeeds);
    expect(Math.max(...starts)).toBeLessThanOrEqual(3);
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(-3);
  });
});
