/** Small custom models the chapters need, through the same programs as the MLPs. */
import { describe, expect, it } from 'vitest';
import { normalCrossing, normalCrossingLambda } from '../../src/engine/models';
import { evalGraph, gradientGraph } from '../../src/engine/programs';
import { makeRng } from '../../src/engine/random';
import { runGraph } from './run-graph';

const n = 12;
const rng = makeRng(5);
const X = Float64Array.from({ length: n }, () => rng.normal());
const Y = Float64Array.from(X, (x) => 0.4 * x + 0.1 * rng.normal());

describe('normal-crossing model f(x) = x·Πwᵢ^kᵢ', () => {
  const cases = [[1, 2], [2, 3], [1, 1, 2]].map((powers) => ({ powers, name: powers.join(', ') }));
  it.each(cases)('loss and gradient match the closed form (powers $name)', async ({ powers }) => {
    const model = normalCrossing(powers);
    const w = powers.map((_, i) => [-0.7, 1.1, 0.8][i]); // a negative coordinate on purpose
    const G = gradientGraph({ model, loss: 'mse', members: 1, batch: n, data: { n }, dtype: 'float64' });
    const out = await runGraph(G, {
      theta: { data: w, shape: [1, model.size] },
      X: { data: X, shape: [n, 1] },
      Y: { data: Y, shape: [n, 1] },
      idx: { data: [...Array(n).keys()], shape: [1, n] },
    });
    const c = powers.reduce((acc, k, i) => acc * w[i] ** k, 1);
    // L = mean (c·x − y)²; ∂L/∂wᵢ = mean 2(c·x − y)·x · c·kᵢ/wᵢ.
    const r = Array.from(X, (x, b) => c * x - Y[b]);
    const loss = r.reduce((a, v) => a + v * v, 0) / n;
    const dc = r.reduce((a, v, b) => a + 2 * v * X[b], 0) / n;
    expect(out.loss[0]).toBeCloseTo(loss, 12);
    powers.forEach((k, i) => expect(out.grad[i]).toBeCloseTo((dc * c * k) / w[i], 12));
  });

  it('is singular at w* = 0: the loss is exactly flat along each axis (a regular model rises as t²)', async () => {
    const model = normalCrossing([1, 2]);
    const G = evalGraph({ model, loss: 'mse', members: 3, data: { n }, dtype: 'float64' });
    const Y0 = new Float64Array(n); // data from the true parameter w* = 0
    const t = 1e-2;
    const out = await runGraph(G, { theta: { data: [0, 0, t, 0, 0, t], shape: [3, 2] }, X: { data: X, shape: [n, 1] }, Y: { data: Y0, shape: [n, 1] } });
    // Along either axis alone f stays 0: L is exactly flat there (a regular model would rise as t²).
    expect(out.loss[0]).toBe(0);
    expect(out.loss[1]).toBe(0);
    expect(out.loss[2]).toBe(0);
    expect(normalCrossingLambda([1, 2])).toBe(0.25);
  });

  it('rejects powers that are not positive integers', () => {
    expect(() => normalCrossing([1, 0])).toThrow(/positive integers/);
    expect(() => normalCrossing([1.5])).toThrow(/positive integers/);
  });
});
