/**
 * Replayed WebGPU steps (runtime/captured.ts) leave an output stale unless a kernel computes it:
 * every train-step output of the book's models and optimizers must come from one.
 */
import { describe, expect, it } from 'vitest';
import { BASIN_BOX, BASIN_DEFAULTS, basinWells } from '../../src/engine/experiments/basin-volume';
import { Graph } from '../../src/engine/graph';
import type { LossKind } from '../../src/engine/losses';
import { mlp, piecesOf, twoWells } from '../../src/engine/models';
import type { OptimizerKind } from '../../src/engine/optimizers';
import { reshape, tanh } from '../../src/engine/ops';
import { evalGraph, gradientGraph, gridGraph, predictGraph, TRAIN_IO, trainStepGraph } from '../../src/engine/programs';
import { staleOnReplay } from '../../src/runtime/captured';

describe('outputs a replay keeps current', () => {
  it('flags an output that is a view of another value, not one a kernel computes', () => {
    const G = new Graph();
    const x = G.input('x', [2, 3]);
    const y = tanh(G, x);
    G.output('kernel', y);
    G.output('view', reshape(G, y, [6]));
    expect(staleOnReplay(G, ['kernel', 'view', 'absent'])).toEqual(['view']);
  });

  it('every train-step output is computed by a kernel, for each model, loss and optimizer', () => {
    const models = [
      mlp({ widths: [2, 16, 16, 1], activation: 'tanh' }),
      mlp({ widths: [2, 8, 3], activation: 'relu' }),
      mlp({ widths: [1, 1], activation: 'linear', bias: false }),
      twoWells(basinWells(BASIN_DEFAULTS), BASIN_BOX),
    ];
    const optimizers: OptimizerKind[] = ['sgd', 'momentum', 'adam', 'adamw'];
    let checked = 0;
    for (const model of models) {
      const losses: LossKind[] = model.outDim === 3 ? ['softmax-ce'] : model.inDim === 1 && model.outDim === 1 && model.size === 1 ? ['mse', 'bce'] : ['mse', 'half-mse', 'value'];
      for (const loss of losses) {
        for (const kind of optimizers) {
          for (const fused of [1, 3]) {
            const G = trainStepGraph({ model, loss, optimizer: { kind }, members: 2, batch: 4, fused, data: { n: 8 } });
            expect(staleOnReplay(G, TRAIN_IO.outputs), `${model.size} params, ${loss}, ${kind}, K=${fused}`).toEqual([]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('evaluation, grid and prediction outputs are computed by kernels; a gradient that is a view is caught', () => {
    const models = [mlp({ widths: [2, 16, 16, 1], activation: 'tanh' }), mlp({ widths: [2, 8, 3], activation: 'relu' }), mlp({ widths: [2, 1], activation: 'linear' })];
    for (const model of models) {
      const loss: LossKind = model.outDim === 3 ? 'softmax-ce' : 'mse';
      for (const G of [
        evalGraph({ model, loss, members: 2, data: { n: 8 } }),
        gridGraph({ model, loss, points: 4, data: { n: 8 } }),
        predictGraph({ model, members: 2, n: 5 }),
      ]) {
        expect(staleOnReplay(G, G.outputs.map((o) => o.name)), model.kind).toEqual([]);
      }
      // A model in one piece has as its gradient a reshape of that piece's: ArrayProgram then
      // runs the graph the ordinary way, as CapturedProgram.create refuses it.
      const G = gradientGraph({ model, loss, members: 2, batch: 8, data: { n: 8 } });
      expect(staleOnReplay(G, ['grad', 'loss']), model.kind).toEqual(piecesOf(model).length === 1 ? ['grad'] : []);
    }
  });
});
