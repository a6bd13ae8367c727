/**
 * Every program builds and runs for every kind of model the engine offers, at the edges of what
 * a spec (or a permalink) can ask for — the examples each registered kind declares (no hidden
 * layer, no bias, one input, deep linear chains, the analytic models). A program that throws while
 * being built is a crash in a figure.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph';
import { LOSSES, type LossKind } from '../../src/engine/losses';
import { initParams, type Model } from '../../src/engine/models';
import { OPTIMIZERS, type OptimizerKind } from '../../src/engine/optimizers';
import { buildModel, MODEL_KINDS, modelExamples } from '../../src/engine/spec';
import { evalGraph, gradientGraph, gridGraph, predictGraph, trainStepGraph } from '../../src/engine/programs';
import { makeRng } from '../../src/engine/random';
import { ArrayProgram, type Values } from '../../src/runtime/array-program';
import './run-graph'; // loads onnxruntime (wasm, one thread)

const models: [string, Model, LossKind[]][] = modelExamples().map((x) => [x.label, buildModel(x.spec), x.losses]);

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
  const optimizers = Object.keys(OPTIMIZERS) as OptimizerKind[];
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

describe('the registries', () => {
  it('every kind of model has examples, and every loss is trained by some example', () => {
    for (const [kind, k] of Object.entries(MODEL_KINDS)) expect(k.examples.length, kind).toBeGreaterThan(0);
    const used = new Set(modelExamples().flatMap((x) => x.losses));
    expect([...used].sort()).toEqual(Object.keys(LOSSES).sort());
  });

  it('an unknown kind of model is refused with a message', () => {
    expect(() => buildModel({ kind: 'nope' } as never)).toThrow(/unknown kind of model "nope"/);
  });
});
