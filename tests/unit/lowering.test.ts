/**
 * Lowering rules (src/engine/lowering.ts): each keeps every value the same — the same graphs run
 * with and without it — and rewrites exactly the shapes it names; the book's graphs, lowered for
 * WASM, keep none of the slow broadcasts.
 */
import { describe, expect, it } from 'vitest';
import { Graph, type NodeSpec } from '../../src/engine/graph';
import { expandShortRowBroadcasts, lower, LOWERING, type LoweringRule, oneColumnProduct, rankMatchUnitOperands, transposedColumnProduct } from '../../src/engine/lowering';
import { initParams, mlp } from '../../src/engine/models';
import { add, greater, matmul, mul, reduceSum, where } from '../../src/engine/ops';
import { grad } from '../../src/engine/autodiff';
import { evalGraph, gridGraph, trainStepGraph } from '../../src/engine/programs';
import { makeRng } from '../../src/engine/random';
import { buildModel, modelExamples } from '../../src/engine/spec';
import { floatTensor, intTensor, type OrtTensor, Program } from '../../src/runtime/ort';
import './run-graph'; // loads onnxruntime (wasm, one thread)

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const shapeIn = (G: Graph) => (name: string) => G.shapes.get(name) ?? G.initializers.find((i) => i.name === name)!.dims;

/** Random feeds for every input of a graph (indices in range, parameters from the model's init). */
function feeds(G: Graph, n: number, theta?: Float32Array): Record<string, OrtTensor> {
  const rng = makeRng(5);
  return Object.fromEntries(
    G.inputs.map((i) => {
      const size = numel(i.shape);
      if (i.type === 'int32') return [i.name, intTensor(Int32Array.from({ length: size }, () => rng.int(n)), i.shape)];
      if (i.name === 'theta' && theta) return [i.name, floatTensor(theta, i.shape)];
      if (i.name === 't' || i.name === 'state') return [i.name, floatTensor(new Float32Array(size), i.shape)];
      return [i.name, floatTensor(Float32Array.from({ length: size }, () => rng.uniform() * 2 - 1), i.shape)];
    }),
  );
}

async function run(G: Graph, rules: readonly LoweringRule[], f: Record<string, OrtTensor>) {
  const p = await Program.create(G, 'wasm', [], {}, rules);
  try {
    const out = await p.run(f);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v.data as Float32Array)]));
  } finally {
    await p.release();
  }
}

async function expectSameValues(G: Graph, rules: readonly LoweringRule[], f: Record<string, OrtTensor>) {
  const [plain, lowered] = [await run(G, [], f), await run(G, rules, f)];
  for (const [k, v] of Object.entries(plain)) {
    v.forEach((x, i) => expect(Math.abs(lowered[k][i] - x), `${k}[${i}]`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x))));
  }
}

/** Elementwise nodes with a one-element operand of lower rank against an output whose last axis is 1. */
function slowUnitBroadcasts(G: Graph, nodes: NodeSpec[]) {
  const shape = shapeIn(G);
  return nodes.filter((n) => {
    if (!['Add', 'Sub', 'Mul', 'Div', 'Greater', 'Where'].includes(n.opType)) return false;
    const out = shape(n.outputs[0]);
    if (out.length === 0 || out[out.length - 1] !== 1 || numel(out) === 1) return false;
    return n.inputs.slice(n.opType === 'Where' ? 1 : 0).some((i) => shape(i).length < out.length && numel(shape(i)) === 1);
  });
}

/** Elementwise nodes with an operand repeated along an inner axis (a row broadcast). */
function innerRowBroadcasts(G: Graph, nodes: NodeSpec[]) {
  const shape = shapeIn(G);
  return nodes.filter((n) => {
    if (!['Add', 'Sub', 'Mul', 'Div'].includes(n.opType)) return false;
    const out = shape(n.outputs[0]);
    return n.inputs.some((i) => {
      const aligned = [...new Array(out.length - shape(i).length).fill(1), ...shape(i)];
      return numel(aligned) > 1 && aligned.at(-1) === out.at(-1) && aligned.some((d, k) => d === 1 && out[k] > 1);
    });
  });
}

describe('one-column-product and transposed-column-product', () => {
  // a regression head: h [E, B, k] · w [E, k, 1], and its gradients
  const G = new Graph();
  const h = G.input('h', [3, 40, 8]);
  const w = G.input('w', [3, 8, 1]);
  const y = matmul(G, h, w);
  const [dh, dw] = grad(G, reduceSum(G, mul(G, y, y), [0, 1, 2]), [h, w]);
  G.output('y', y);
  G.output('dh', dh!);
  G.output('dw', dw!);
  const ops = (nodes: NodeSpec[]) => nodes.map((n) => n.opType);

  it('the ops build plain products; lowered, no product has one output column and no activation is transposed', () => {
    const column = (nodes: NodeSpec[]) => nodes.filter((n) => n.opType === 'MatMul' && G.shapes.get(n.outputs[0])!.at(-1) === 1);
    expect(column(G.nodes).length).toBe(2); // y and dw
    const lowered = lower(G, [transposedColumnProduct, oneColumnProduct]);
    expect(column(lowered)).toEqual([]);
    const readers = new Set(lowered.flatMap((n) => n.inputs));
    const transposedActivations = lowered.filter((n) => n.opType === 'Transpose' && n.inputs[0] === 'h' && readers.has(n.outputs[0]));
    expect(transposedActivations).toEqual([]);
    expect(ops(lowered)).toContain('ReduceSum');
  });

  it('keeps every value', async () => {
    await expectSameValues(G, [transposedColumnProduct, oneColumnProduct], feeds(G, 1));
    await expectSameValues(G, [oneColumnProduct], feeds(G, 1));
  });
});

describe('rank-match-unit-operands', () => {
  const G = new Graph();
  const x = G.input('x', [3, 40, 1]);
  const s = G.input('s', [1]);
  G.output('sum', add(G, x, G.scalar(1)));
  G.output('prod', mul(G, x, s));
  G.output('relu', where(G, greater(G, x, G.scalar(0)), x, G.scalar(0)));

  it('gives a one-element operand the output rank, and only there', () => {
    expect(slowUnitBroadcasts(G, G.nodes).length).toBe(4);
    const lowered = lower(G, [rankMatchUnitOperands]);
    expect(slowUnitBroadcasts(G, lowered)).toEqual([]);
    // the constant is re-made at rank 3; the input is reshaped, once
    expect(lowered.filter((n) => n.opType === 'Reshape').length).toBe(1);
  });

  it('keeps every value', async () => {
    await expectSameValues(G, [rankMatchUnitOperands], feeds(G, 1));
  });
});

describe('expand-short-row-broadcasts', () => {
  const G = new Graph();
  const h = G.input('h', [4, 300, 16]);
  const b = G.input('b', [4, 1, 16]);
  const big = G.input('big', [80, 256, 64]); // over 2²⁰ elements
  const row = G.input('row', [1, 1, 64]);
  G.output('biased', add(G, h, b));
  G.output('scaled', mul(G, h, b));
  G.output('grid', add(G, big, row));

  it('expands a short-run row once for all its uses, and leaves large out-of-cache tensors alone', () => {
    const lowered = lower(G, [expandShortRowBroadcasts]);
    const expands = lowered.filter((n) => n.opType === 'Expand');
    expect(expands.map((n) => n.inputs[0])).toEqual(['b']);
    expect(innerRowBroadcasts(G, lowered).map((n) => n.inputs)).toEqual([['big', 'row']]);
  });

  it('keeps every value', async () => {
    await expectSameValues(G, [expandShortRowBroadcasts], feeds(G, 1));
  });
});

describe('the book’s graphs lowered for WASM', () => {
  it('a train step of every registered model gives the same θ′, state and loss lowered or not', async () => {
    for (const x of modelExamples()) {
      const model = buildModel(x.spec);
      const G = trainStepGraph({ model, loss: x.losses[0], optimizer: { kind: 'adam' }, members: 3, batch: 4, fused: 2, data: { n: 8 } });
      await expectSameValues(G, LOWERING.wasm, feeds(G, 8, initParams(model, [1, 2, 3])));
    }
  });

  it('no one-element operand of lower rank meets a tensor whose last axis is 1 (a 60× slower broadcast in WASM)', () => {
    const model = mlp({ widths: [2, 5, 1], activation: 'relu' });
    for (const G of [
      trainStepGraph({ model, loss: 'bce', optimizer: { kind: 'sgd' }, members: 3, batch: 4, fused: 1, data: { n: 8 } }),
      evalGraph({ model, loss: 'bce', members: 3, data: { n: 8 } }),
      gridGraph({ model, loss: 'bce', points: 3, data: { n: 8 } }),
      trainStepGraph({ model, loss: 'mse', optimizer: { kind: 'adam' }, members: 1, batch: 4, fused: 2, data: { n: 8 } }),
    ]) {
      expect(slowUnitBroadcasts(G, lower(G, LOWERING.wasm))).toEqual([]);
    }
  });

  it('a bias added to a batch is expanded first: no Add broadcasts a row along an inner axis', () => {
    const model = mlp({ widths: [2, 16, 16, 3], activation: 'relu' });
    const G = trainStepGraph({ model, loss: 'softmax-ce', optimizer: { kind: 'adam' }, members: 4, batch: 128, fused: 1, data: { n: 128 } });
    const lowered = lower(G, LOWERING.wasm);
    expect(innerRowBroadcasts(G, lowered).map((n) => n.opType)).toEqual([]);
    expect(lowered.filter((n) => n.opType === 'Expand' && G.shapes.get(n.inputs[0])!.join() === '4,1,16').length).toBeGreaterThan(0);
  });

  it('a one-output head is a Mul and a row sum, not a one-column MatMul; its backward expands nothing', () => {
    const model = mlp({ widths: [2, 5, 4, 1], activation: 'tanh' });
    const G = trainStepGraph({ model, loss: 'mse', optimizer: { kind: 'sgd' }, members: 2, batch: 4, fused: 1, data: { n: 8 } });
    const nodes = lower(G, LOWERING.wasm);
    // 2 hidden layers forward, 3 products backward, and the head's two gradients (g ⊗ w, gᵀh)...
    const matmuls = nodes.filter((n) => n.opType === 'MatMul');
    expect(matmuls.length).toBe(2 + 3 + 2);
    // ...none of them with a one-column output.
    expect(matmuls.filter((n) => G.shapes.get(n.outputs[0])!.at(-1) === 1)).toEqual([]);
    // The head's incoming gradient g [E, B, 1] is never expanded to [E, B, width].
    const columns = nodes.filter((n) => {
      const [from, to] = [G.shapes.get(n.inputs[0])!, G.shapes.get(n.outputs[0])!];
      return n.opType === 'Expand' && from.length === 3 && from[2] === 1 && to[2] > 1;
    });
    expect(columns).toEqual([]);
  });

  it('a grid chunk out of cache broadcasts its rows: no Expand writes a [points, batch, 64] copy', () => {
    const G = gridGraph({ model: mlp({ widths: [2, 64, 64, 1], activation: 'tanh' }), loss: 'mse', points: 128, data: { n: 256 } });
    const big = lower(G, LOWERING.wasm).filter((n) => n.opType === 'Expand' && numel(G.shapes.get(n.outputs[0])!) > 1 << 20);
    expect(big).toEqual([]);
  });
});
