/**
 * Every program builds and runs for every kind of model the engine offers, at the edges of what
 * a spec (or a permalink) can ask for: no hidden layer, no bias, one input, deep linear chains,
 * the analytic models. A program that throws while being built is a crash in a figure.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph';
import type { LossKind } from '../../src/engine/losses';
import { initParams, type Model, mlp, normalCrossing, twoWells } from '../../src/engine/models';
import type { OptimizerKind } from '../../src/engine/optimizers';
import { evalGraph, gradientGraph, gridGraph, predictGraph, trainStepGraph } from '../../src/engine/programs';
import { makeRng } from '../../src/engine/random';
import { ArrayProgram, type Values } from '../../src/runtime/array-program';
import './run-graph'; // loads onnxruntime (wasm, one thread)

const models: [string, Model, LossKind[]][] = [
  ['no hidden layer, no bias, one input', mlp({ widths: [1, 1], activation: 'linear', bias: false }), ['mse', 'half-mse']],
  ['no hidden layer', mlp({ widths: [2, 1], activation: 'linear' }), ['mse', 'bce']],
  ['a softmax layer', mlp({ widths: [2, 3], activation: 'linear' }), ['softmax-ce']],
  ['deep linear chain', mlp({ widths: [1, 1, 1, 1], activation: 'linear', bias: false }), ['mse']],
  ['tanh without biases', mlp({ widths: [2, 4, 1], activation: 'tanh', bias: false }), ['mse', 'bce']],
  ['quadratic, wide input', mlp({ widths: [5, 3, 2], activation: 'quadratic' }), ['softmax-ce']],
  ['relu, scaled init', mlp({ widths: [2, 6, 6, 1], activation: 'relu', initScale: 2 }), ['mse']],
  ['two wells', twoWells([{ center: [0, 0], width: 0.5 }, { center: [1, 1], width: 1 }], 2), ['value']],
  ['normal crossing', normalCrossing([1, 2]), ['mse']],
];

/** Values for every input of a graph: parameters near their init, data, in-range indices. */
function feedsFor(G: Graph, model: Model, n: number): Record<string, Values> {
  const rng = makeRng(3);
  const feeds: Record<string, Values> = {};
  for (const input of G.inputs) {
    const size = input.shape.reduce((a, b) => a * b, 1);
    if (input.type === 'int32') feeds[input.name] = Int32Array.from({ length: size }, () => rng.int(n));
    else if (input.name === 'theta' || input.name === 'theta0') feeds[input.name] = initParams(model, Array.from({ length: size / model.size }, (_, i) => i + 1));
    else if (input.name === 'state' || input.name === 't') feeds[input.name] = new Float32Array(size);
    else if (input.name === 'lr') feeds[input.name] = new Float32Array(size).fill(0.01);
    else if (input.name === 'Y' && model.outDim > 1) feeds[input.name] = Float32Array.from({ length: size }, (_, i) => (i % model.outDim === Math.floor(i / model.outDim) % model.outDim ? 1 : 0));
    else if (input.name === 'Y') feeds[input.name] = Float32Array.from({ length: size }, () => (rng.uniform() < 0.5 ? 0 : 1));
    else feeds[input.name] = Float32Array.from({ length: size }, () => rng.uniform() * 2 - 1);
  }
  return feeds;
}

describe('every program, every kind of model', () => {
  const optimizers: OptimizerKind[] = ['sgd', 'momentum', 'adam', 'adamw'];
  it.each(models)('%s', async (_, model, losses) => {
    const n = 6;
    for (const loss of losses) {
      const graphs: [string, Graph][] = [
        ...optimizers.map((kind) => [`train ${kind}`, trainStepGraph({ model, loss, optimizer: { kind }, members: 2, batch: 4, fused: 2, data: { n } })] as [string, Graph]),
        ['train, shared order', trainStepGraph({ model, loss, optimizer: { kind: 'adam' }, members: 3, batch: 4, fused: 1, data: { n }, sharedOrder: true })],
        ['eval', evalGraph({ model, loss, members: 2, data: { n } })],
        ['grid', gridGraph({ model, loss, points: 3, data: { n } })],
        ['predict', predictGraph({ model, members: 2, n })],
        ['gradient', gradientGraph({ model, loss, members: 2, batch: n, data: { n } })],
      ];
      for (const [what, G] of graphs) {
        const p = await ArrayProgram.create(G, 'wasm');
        const out = await p.call(feedsFor(G, model, n));
        await p.release();
        for (const [name, v] of Object.entries(out)) {
          expect(v.length, `${loss} ${what} ${name}`).toBeGreaterThan(0);
          expect(v.every(Number.isFinite), `${loss} ${what} ${name}`).toBe(true);
        }
      }
    }
  });
});
