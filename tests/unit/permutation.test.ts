/** Permutation symmetry of hidden units and activation matching (Ainsworth et al. 2023), pure TypeScript. */
import { describe, expect, it } from 'vitest';
import { alignHiddenUnits, hungarian, type MatchScore, mlpForward, type MlpShape, permuteHidden, unitCorrelations, unitInnerProducts } from '../../src/engine/analysis/permutation';
import { initParams, mlp } from '../../src/engine/models';
import { makeRng } from '../../src/engine/random';
import { type ModelSpec, buildModel } from '../../src/engine/spec';
import { predictGraph } from '../../src/engine/programs';
import { runGraph } from './run-graph';

function shuffled(n: number, seed: number): number[] {
  const rng = makeRng(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

const inputs = (n: number, inDim: number, seed: number) => {
  const rng = makeRng(seed);
  return Float32Array.from({ length: n * inDim }, () => rng.normal());
};

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('hidden-unit permutations', () => {
  const shapes: [string, MlpShape][] = [
    ['one hidden relu layer', { widths: [4, 16, 1], activation: 'relu' }],
    ['two hidden tanh layers', { widths: [3, 8, 6, 2], activation: 'tanh' }],
    ['no biases', { widths: [2, 5, 5, 1], activation: 'relu', bias: false }],
  ];

  it.each(shapes)('permuting hidden units leaves the function unchanged: %s', (_, shape) => {
    const theta = initParams(mlp(shape), [3]);
    const X = inputs(40, shape.widths[0], 1);
    const before = mlpForward(shape, theta, X, 40).output;
    let t: Float32Array = theta;
    for (let l = 1; l < shape.widths.length - 1; l++) t = permuteHidden(shape, t, l, shuffled(shape.widths[l], 10 + l));
    expect(maxAbsDiff(t, theta)).toBeGreaterThan(0.01);
    expect(maxAbsDiff(mlpForward(shape, t, X, 40).output, before)).toBeLessThan(1e-5);
  });

  it('the plain forward pass matches the graph the book runs', async () => {
    const spec: ModelSpec = { kind: 'mlp', widths: [3, 8, 6, 2], activation: 'tanh' };
    const model = buildModel(spec);
    const theta = initParams(model, [5]);
    const X = inputs(10, 3, 2);
    const G = predictGraph({ model, members: 1, n: 10 });
    const { pred } = await runGraph(G, { theta: { data: theta, shape: [1, model.size] }, X: { data: X, shape: [10, 3] } });
    expect(maxAbsDiff(pred, mlpForward({ widths: [3, 8, 6, 2], activation: 'tanh' }, theta, X, 10).output)).toBeLessThan(1e-5);
  });

  it('a permutation must name every unit once', () => {
    const shape: MlpShape = { widths: [2, 3, 1], activation: 'relu' };
    const theta = initParams(mlp(shape), [1]);
    expect(() => permuteHidden(shape, theta, 1, [0, 0, 1])).toThrow(/each of 0…2 once/);
    expect(() => permuteHidden(shape, theta, 2, [0, 1, 2])).toThrow(/no hidden layer 2/);
  });
});

describe('the Hungarian assignment', () => {
  it('finds the cheapest assignment (against brute force)', () => {
    const rng = makeRng(9);
    const perms = (n: number): number[][] => (n === 0 ? [[]] : perms(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)])));
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + (trial % 6);
      const cost = Array.from({ length: n }, () => Array.from({ length: n }, () => Math.round(10 * rng.normal())));
      const total = (p: number[]) => p.reduce((s, j, i) => s + cost[i][j], 0);
      const best = Math.min(...perms(n).map(total));
      const got = hungarian(cost);
      expect(new Set(got).size).toBe(n);
      expect(total(got)).toBe(best);
    }
  });
});

describe('activation matching (Ainsworth et al. 2023)', () => {
  it.each([
    ['one hidden layer', { widths: [4, 16, 1], activation: 'relu' } as MlpShape, 'inner'],
    ['two hidden layers', { widths: [3, 12, 10, 2], activation: 'tanh' } as MlpShape, 'inner'],
    ['two hidden layers, by correlation', { widths: [3, 12, 10, 2], activation: 'tanh' } as MlpShape, 'correlation'],
  ] as const)('recovers a known permutation: %s', (_, shape, score: MatchScore) => {
    const thetaA = initParams(mlp(shape), [4]);
    const X = inputs(200, shape.widths[0], 3);
    let thetaB: Float32Array = thetaA;
    const applied: number[][] = [];
    for (let l = 1; l < shape.widths.length - 1; l++) {
      const p = shuffled(shape.widths[l], 20 + l);
      applied.push(p);
      thetaB = permuteHidden(shape, thetaB, l, p);
    }
    const { theta, perms } = alignHiddenUnits(shape, thetaA, thetaB, X, 200, score);
    expect(maxAbsDiff(theta, thetaA)).toBeLessThan(1e-7);
    // B's unit perms[i] is A's unit i: the inverse of the shuffle that made B
    perms.forEach((p, l) => p.forEach((j, i) => expect(applied[l][j]).toBe(i)));
  });

  it.each(['inner', 'correlation'] as const)(
    'aligning changes the weights, not the function, and pairs units by their activations (%s)',
    (score) => {
      const shape: MlpShape = { widths: [4, 16, 1], activation: 'relu' };
      const [thetaA, thetaB] = [initParams(mlp(shape), [1]), initParams(mlp(shape), [2])];
      const X = inputs(100, 4, 4);
      const { theta, perms } = alignHiddenUnits(shape, thetaA, thetaB, X, 100, score);
      expect(maxAbsDiff(mlpForward(shape, theta, X, 100).output, mlpForward(shape, thetaB, X, 100).output)).toBeLessThan(1e-5);
      const [hA, hB] = [mlpForward(shape, thetaA, X, 100).hidden[0], mlpForward(shape, thetaB, X, 100).hidden[0]];
      const C = (score === 'inner' ? unitInnerProducts : unitCorrelations)(hA, hB, 100, 16);
      const total = (p: number[]) => p.reduce((s, j, i) => s + C[i][j], 0);
      for (let k = 0; k < 20; k++) expect(total(perms[0])).toBeGreaterThanOrEqual(total(shuffled(16, 100 + k)) - 1e-12);
      // the inner-product match is the permutation nearest in activations: min ‖Z_A − P·Z_B‖²
      if (score === 'inner') {
        const dist = (p: number[]) => p.reduce((s, j, i) => { let d = 0; for (let r = 0; r < 100; r++) d += (hA[r * 16 + i] - hB[r * 16 + j]) ** 2; return s + d; }, 0);
        for (let k = 0; k < 20; k++) expect(dist(perms[0])).toBeLessThanOrEqual(dist(shuffled(16, 200 + k)) + 1e-9);
      }
    },
  );
});
