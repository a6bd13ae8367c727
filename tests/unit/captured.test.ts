/**
 * Replayed WebGPU steps (runtime/captured.ts) leave an output stale unless a kernel computes it:
 * every train-step output of every registered kind of model, loss and optimizer must come from one.
 */
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/engine/graph';
import { pieceBlocks, piecesOf } from '../../src/engine/models';
import { OPTIMIZERS, type OptimizerKind } from '../../src/engine/optimizers';
import { buildModel, modelExamples } from '../../src/engine/spec';
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
    let checked = 0;
    for (const x of modelExamples()) {
      const model = buildModel(x.spec);
      for (const loss of x.losses) {
        for (const kind of Object.keys(OPTIMIZERS) as OptimizerKind[]) {
          for (const fused of [1, 3]) {
            const G = trainStepGraph({ model, loss, optimizer: { kind }, members: 2, batch: 4, fused, data: { n: 8 } });
            expect(staleOnReplay(G, TRAIN_IO.outputs), `${x.label}, ${loss}, ${kind}, K=${fused}`).toEqual([]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('evaluation, grid and prediction outputs are computed by kernels; a gradient that is a view is caught', () => {
    for (const x of modelExamples()) {
      const model = buildModel(x.spec);
      const loss = x.losses[0];
      for (const G of [
        evalGraph({ model, loss, members: 2, data: { n: 8 } }),
        gridGraph({ model, loss, points: 4, data: { n: 8 } }),
        predictGraph({ model, members: 2, n: 5 }),
      ]) {
        expect(staleOnReplay(G, G.outputs.map((o) => o.name)), model.kind).toEqual([]);
      }
      // A model whose pieces pack into one block (one piece, or a chain of equal-width ones) has as
      // its gradient a reshape of that block's: ArrayProgram then runs the graph the ordinary way,
      // as CapturedProgram.create refuses it.
      const G = gradientGraph({ model, loss, members: 2, batch: 8, data: { n: 8 } });
      expect(staleOnReplay(G, ['grad', 'loss']), x.label).toEqual(pieceBlocks(piecesOf(model), 2).length === 1 ? ['grad'] : []);
    }
  });
});
