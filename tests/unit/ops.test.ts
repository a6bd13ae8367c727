/**
 * Every op's VJP against central finite differences, in float64 graphs run by onnxruntime-web.
 * f(inputs) = Σ op(inputs) ⊙ R with a fixed random R, so every output element matters.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/engine/autodiff';
import { Graph, numel, type Tensor } from '../../src/engine/graph';
import { bceWithLogits, mse, policyGradientSurrogate, softmaxCrossEntropy } from '../../src/engine/losses';
import * as op from '../../src/engine/ops';
import { makeRng } from '../../src/engine/random';
import { compile, runProgram } from './run-graph';

type Build = (G: Graph, xs: Tensor[]) => Tensor;

async function checkGradient(build: Build, shapes: number[][], opts: { positive?: boolean; seed?: number } = {}) {
  const rng = makeRng(opts.seed ?? 1);
  const values = shapes.map((s) =>
    Float64Array.from({ length: numel(s) }, () => (opts.positive ? 0.5 + rng.uniform() : 2 * rng.uniform() - 1)),
  );
  const G = new Graph('float64');
  const xs = shapes.map((s, i) => G.input(`x${i}`, s));
  const y = build(G, xs);
  const R = G.constant(Float64Array.from({ length: numel(y.shape) }, () => rng.normal()), y.shape);
  const axes = y.shape.map((_, i) => i);
  const weighted = op.mul(G, y, R);
  const f = axes.length ? op.reduceSum(G, weighted, axes) : weighted;
  const grads = grad(G, f, xs);
  G.output('f', f);
  grads.forEach((g, i) => G.output(`g${i}`, g));
  const program = await compile(G);
  const feeds = (vals: Float64Array[]) => Object.fromEntries(vals.map((v, i) => [`x${i}`, { data: v, shape: shapes[i] }]));
  const analytic = await runProgram(program, G, feeds(values));
  const h = 1e-5;
  for (let i = 0; i < shapes.length; i++) {
    expect(analytic[`g${i}`].length).toBe(values[i].length);
    for (let j = 0; j < values[i].length; j++) {
      const plus = values.map((v) => Float64Array.from(v));
      const minus = values.map((v) => Float64Array.from(v));
      plus[i][j] += h;
      minus[i][j] -= h;
      const fp = (await runProgram(program, G, feeds(plus))).f[0];
      const fm = (await runProgram(program, G, feeds(minus))).f[0];
      const numeric = (fp - fm) / (2 * h);
      expect(analytic[`g${i}`][j]).toBeCloseTo(numeric, 6);
    }
  }
  await program.release();
}

describe('VJPs match central finite differences (float64)', () => {
  const cases: [string, Build, number[][], { positive?: boolean }?][] = [
    ['add (broadcast)', (G, [a, b]) => op.add(G, a, b), [[2, 3], [1, 3]]],
    ['sub (broadcast rank)', (G, [a, b]) => op.sub(G, a, b), [[2, 3], [3]]],
    ['mul', (G, [a, b]) => op.mul(G, a, b), [[2, 3], [2, 1]]],
    ['div', (G, [a, b]) => op.div(G, a, b), [[2, 3], [2, 3]], { positive: true }],
    ['neg', (G, [a]) => op.neg(G, a), [[4]]],
    ['exp', (G, [a]) => op.exp(G, a), [[2, 2]]],
    ['log', (G, [a]) => op.log(G, a), [[2, 2]], { positive: true }],
    ['sqrt', (G, [a]) => op.sqrt(G, a), [[3]], { positive: true }],
    ['tanh', (G, [a]) => op.tanh(G, a), [[2, 3]]],
    ['sigmoid', (G, [a]) => op.sigmoid(G, a), [[2, 3]]],
    ['relu', (G, [a]) => op.relu(G, a), [[2, 3]]],
    ['abs', (G, [a]) => op.abs(G, a), [[2, 3]]],
    ['square', (G, [a]) => op.square(G, a), [[5]]],
    ['powConst', (G, [a]) => op.powConst(G, a, 3), [[4]], { positive: true }],
    ['matmul', (G, [a, b]) => op.matmul(G, a, b), [[2, 3], [3, 2]]],
    ['batched matmul (shared left)', (G, [a, b]) => op.matmul(G, a, b), [[2, 3], [2, 3, 2]]],
    ['batched matmul (both)', (G, [a, b]) => op.matmul(G, a, b), [[2, 2, 3], [2, 3, 2]]],
    ['matrix-vector (one output column)', (G, [a, b]) => op.matmul(G, a, b), [[2, 4, 3], [2, 3, 1]]],
    ['matrix-vector, shared left', (G, [a, b]) => op.matmul(G, a, b), [[4, 3], [2, 3, 1]]],
    ['transpose', (G, [a]) => op.transpose(G, a, [1, 0]), [[2, 3]]],
    ['reshape', (G, [a]) => op.reshape(G, a, [3, 2]), [[2, 3]]],
    ['reduceSum', (G, [a]) => op.reduceSum(G, a, [1]), [[2, 3]]],
    ['reduceSum keepdims', (G, [a]) => op.reduceSum(G, a, [0], true), [[2, 3]]],
    ['reduceMean', (G, [a]) => op.reduceMean(G, a, [0, 1]), [[2, 3]]],
    ['expand', (G, [a]) => op.expand(G, a, [2, 3]), [[1, 3]]],
    ['concat', (G, [a, b]) => op.concat(G, [a, b], 1), [[2, 1], [2, 2]]],
    ['slice', (G, [a]) => op.slice(G, a, 1, 1, 3), [[2, 4]]],
    ['softmax', (G, [a]) => op.softmax(G, a), [[2, 3]]],
    ['where', (G, [a, b]) => op.where(G, op.greater(G, a, G.scalar(0)), a, b), [[2, 3], [2, 3]]],
    ['composite tanh(ab)+a', (G, [a, b]) => op.add(G, op.tanh(G, op.matmul(G, a, b)), op.slice(G, a, 1, 0, 2)), [[2, 2], [2, 2]]],
  ];
  for (const [name, build, shapes, opts] of cases) {
    it(name, () => checkGradient(build, shapes, opts));
  }
});

describe('loss VJPs match finite differences', () => {
  it('mse', () =>
    checkGradient((G, [p]) => mse(G, p, G.constant([0.1, -0.2, 0.3, 0.5, -0.4, 0.0], [2, 3, 1])), [[2, 3, 1]]));
  it('half-mse', () =>
    checkGradient((G, [p]) => mse(G, p, G.constant([0.1, -0.2, 0.3, 0.5, -0.4, 0.0], [2, 3, 1]), true), [[2, 3, 1]]));
  it('mse with two outputs and a target shared by the members', () =>
    checkGradient((G, [p]) => mse(G, p, G.constant([0.1, -0.2, 0.3, 0.5, -0.4, 0.0], [3, 2])), [[2, 3, 2]]));
  it('mse with a target wider than the prediction', () =>
    checkGradient((G, [p]) => mse(G, p, G.constant([0.1, -0.2, 0.3, 0.5, -0.4, 0.0], [2, 3, 1])), [[3, 1]]));
  it('bce with logits', () =>
    checkGradient((G, [z]) => bceWithLogits(G, op.mul(G, z, G.scalar(4)), G.constant([1, 0, 1, 0, 0, 1], [2, 3, 1])), [[2, 3, 1]]));
  it('softmax cross-entropy', () =>
    checkGradient(
      (G, [z]) => softmaxCrossEntropy(G, op.mul(G, z, G.scalar(3)), G.constant([1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0], [2, 2, 3])),
      [[2, 2, 3]],
    ));
  it('the policy-gradient surrogate, with advantages of either sign and a row of zeros', () =>
    checkGradient(
      (G, [z]) => policyGradientSurrogate(G, op.mul(G, z, G.scalar(3)), G.constant([0.7, 0, 0, 0, -1.3, 0, 0, 0, 0, 0, 0, 2.5], [2, 2, 3])),
      [[2, 2, 3]],
    ));
});

describe('loss values', () => {
  it('softmax cross-entropy equals −log softmax of the true class, in float32, with logits near 1000', async () => {
    const { runGraph } = await import('./run-graph');
    // Two members × three rows × three classes; the last rows' logits would overflow exp unshifted.
    const z = [2, -1, 0.5, 0, 0, 0, -3, 4, 1, 1000, 990, 999, -2, -2, 7, 0.1, 0.2, 0.3, 5, 5, -5, 1, 2, 3];
    const labels = [0, 2, 1, 0, 2, 1, 1, 2];
    const G = new Graph();
    const zt = G.constant(z, [2, 4, 3]);
    const y = G.constant(labels.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))), [2, 4, 3]);
    G.output('loss', softmaxCrossEntropy(G, zt, y));
    const out = await runGraph(G, {});
    for (let e = 0; e < 2; e++) {
      let sum = 0;
      for (let b = 0; b < 4; b++) {
        const row = z.slice((e * 4 + b) * 3, (e * 4 + b + 1) * 3);
        const m = Math.max(...row);
        sum += m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) - row[labels[e * 4 + b]];
      }
      expect(out.loss[e]).toBeCloseTo(sum / 4, 4);
    }
  });
});

describe('graph shape rules for WebGPU', () => {
  it('no node gets more than MAX_CONCAT_INPUTS inputs from a wide concat, and values are kept', async () => {
    const G = new Graph('float64');
    const xs = Array.from({ length: 20 }, (_, i) => G.constant([i, 100 - i], [1, 2]));
    const y = op.concat(G, xs, 0);
    expect(y.shape).toEqual([20, 2]);
    G.output('y', op.mul(G, y, G.scalar(1)));
    expect(Math.max(...G.nodes.filter((n) => n.opType === 'Concat').map((n) => n.inputs.length))).toBeLessThanOrEqual(op.MAX_CONCAT_INPUTS);
    const { runGraph } = await import('./run-graph');
    const out = await runGraph(G, {});
    expect(Array.from(out.y)).toEqual(Array.from({ length: 20 }, (_, i) => [i, 100 - i]).flat());
  });
});
