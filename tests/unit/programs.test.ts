/**
 * Programs against independent references: a plain-TS MLP + optimizer step, single runs vs an
 * ensemble, K fused steps vs K single steps, grid points vs direct evaluation.
 */
import { describe, expect, it } from 'vitest';
import { smoothRegression, spirals, twoCue } from '../../src/engine/datasets';
import type { LossKind } from '../../src/engine/losses';
import { initParams, type MlpOptions, mlp, pieceBlocks, piecesOf } from '../../src/engine/models';
import { type OptimizerKind, referenceUpdate, stateScale, stateSlots } from '../../src/engine/optimizers';
import { evalGraph, gradientGraph, gridGraph, trainStepGraph } from '../../src/engine/programs';
import { flattenGrads, refLayersFromFlat, referenceLossAndGrad } from '../../src/engine/reference';
import type { NodeSpec } from '../../src/engine/graph';
import { liveNodes } from '../../src/engine/onnx';
import type { RunSpec } from '../../src/engine/spec';
import { Trainer } from '../../src/runtime/trainer';
import { runGraph } from './run-graph';

const widths = [2, 5, 4, 1];
const data = smoothRegression({ n: 16, seed: 3 });

describe('gradient program', () => {
  it('equals the plain-TypeScript backward pass', async () => {
    const model = mlp({ widths, activation: 'tanh' });
    const theta = initParams(model, [11, 12]);
    const rows = [0, 3, 5, 7, 9, 1, 2, 15];
    const G = gradientGraph({ model, loss: 'mse', members: 2, batch: 8, data: { n: 16 }, dtype: 'float64' });
    const out = await runGraph(G, {
      theta: { data: theta, shape: [2, model.size] },
      X: { data: data.X, shape: [16, 2] },
      Y: { data: data.Y, shape: [16, 1] },
      idx: { data: [...rows, ...rows], shape: [2, 8] },
    });
    for (let e = 0; e < 2; e++) {
      const ref = referenceLossAndGrad(refLayersFromFlat(widths, theta.subarray(e * model.size)), 'tanh', 'mse', data.X, data.Y, rows);
      const flat = flattenGrads(ref.gW, ref.gb);
      expect(out.loss[e]).toBeCloseTo(ref.loss, 10);
      for (let i = 0; i < model.size; i++) expect(out.grad[e * model.size + i]).toBeCloseTo(flat[i], 10);
    }
  });
});

describe('one optimizer step in the graph equals the reference step', () => {
  const cases: [OptimizerKind, number][] = [
    ['sgd', 0],
    ['sgd', 0.1],
    ['momentum', 0.01],
    ['adam', 0],
    ['adam', 0.05],
    ['adamw', 0.1],
  ];
  for (const [kind, wd] of cases) {
    it(`${kind}, weight decay ${wd}`, async () => {
      const model = mlp({ widths, activation: 'relu' });
      const theta = Float64Array.from(initParams(model, [5]));
      const P = model.size;
      const slots = stateSlots(kind);
      const state = Float64Array.from({ length: slots * P }, (_, i) => slots === 2 && i >= P ? 0.01 * (1.1 + Math.cos(i)) : 0.02 * Math.cos(i));
      const optimizer = { kind, weightDecay: wd };
      const G = trainStepGraph({ model, loss: 'bce', optimizer, members: 1, batch: 16, fused: 1, data: { n: 16 }, dtype: 'float64' });
      const cls = twoCue({ n: 16, seed: 2 });
      const rows = [...Array(16).keys()];
      const step = 4; // t steps done before: bias correction uses t + 1
      const feeds: Record<string, { data: ArrayLike<number>; shape: number[] }> = {
        theta: { data: theta, shape: [1, P] },
        X: { data: cls.X, shape: [16, 2] },
        Y: { data: cls.Y, shape: [16, 1] },
        idx: { data: rows, shape: [1, 1, 16] },
        lr: { data: [0.05], shape: [1, 1] },
        t: { data: [step], shape: [] },
      };
      // The graph keeps its state scaled (stateScale): feed the textbook state divided by it.
      const scale = stateScale(optimizer);
      if (slots) feeds.state = { data: state.map((v, i) => v / scale[Math.floor(i / P)]), shape: [1, slots * P] };
      const out = await runGraph(G, feeds);
      const g = referenceLossAndGrad(refLayersFromFlat(widths, theta), 'relu', 'bce', cls.X, cls.Y, rows);
      const ref = referenceUpdate(optimizer, theta, flattenGrads(g.gW, g.gb), state, 0.05, step + 1);
      expect(out.loss[0]).toBeCloseTo(g.loss, 10);
      for (let i = 0; i < P; i++) expect(Math.abs(out.theta_out[i] - ref.theta[i])).toBeLessThan(1e-5);
      if (slots) for (let i = 0; i < slots * P; i++) expect(Math.abs(out.state_out[i] * scale[Math.floor(i / P)] - ref.state[i])).toBeLessThan(1e-5);
    });
  }
});

const baseRun: RunSpec = {
  model: { kind: 'mlp', widths: [2, 16, 16, 1], activation: 'tanh' },
  loss: 'mse',
  optimizer: { kind: 'adam' },
  lr: 0.01,
  initSeeds: [1],
  batch: 8,
  fused: 1,
  steps: 20,
};

async function trainParams(spec: RunSpec, d = data): Promise<Float32Array> {
  const t = await Trainer.create(spec, d, { backend: 'wasm' });
  while (!t.done) await t.advance(5);
  const p = await t.params();
  await t.release();
  return p;
}

describe('transformations preserve the computation', () => {
  it('an ensemble of E members equals E single runs', async () => {
    const seeds = [4, 9, 13];
    const ens = await trainParams({ ...baseRun, initSeeds: seeds, lr: [0.01, 0.02, 0.005] });
    const P = mlp({ widths: [2, 16, 16, 1], activation: 'tanh' }).size;
    for (const [e, s] of seeds.entries()) {
      const single = await trainParams({ ...baseRun, initSeeds: [s], lr: [0.01, 0.02, 0.005][e] });
      for (let i = 0; i < P; i++) expect(Math.abs(ens[e * P + i] - single[i])).toBeLessThan(1e-5);
    }
  });

  // A large ε and weight decay make every per-step scalar of the fused schedule matter.
  it.each([
    ['Adam', { kind: 'adam' }],
    ['AdamW with ε = 0.05 and weight decay', { kind: 'adamw', eps: 0.05, weightDecay: 0.1 }],
    ['momentum', { kind: 'momentum' }],
  ] as const)('K fused steps equal K single steps: %s', async (_, optimizer) => {
    const single = await trainParams({ ...baseRun, optimizer, initSeeds: [2, 3], fused: 1 });
    const fused = await trainParams({ ...baseRun, optimizer, initSeeds: [2, 3], fused: 4 });
    expect(fused.length).toBe(single.length);
    for (let i = 0; i < single.length; i++) expect(Math.abs(fused[i] - single[i])).toBeLessThan(1e-5);
  });

  // Grids fold the first layer (linear in the plane) and carry the next bias through a constant
  // unit; each variant must still equal direct evaluation at the point.
  const gridCases: [string, MlpOptions, 'float64' | 'float32', LossKind][] = [
    ['tanh, two hidden layers', { widths, activation: 'tanh' }, 'float64', 'mse'],
    ['relu, three hidden layers', { widths: [2, 6, 5, 4, 1], activation: 'relu' }, 'float64', 'mse'],
    ['quadratic', { widths: [2, 3, 3, 1], activation: 'quadratic' }, 'float64', 'mse'],
    ['without biases', { widths, activation: 'tanh', bias: false }, 'float64', 'mse'],
    ['one hidden layer', { widths: [2, 7, 1], activation: 'tanh' }, 'float64', 'mse'],
    ['no hidden layer (a linear model: its first layer is all of it)', { widths: [2, 1], activation: 'linear' }, 'float64', 'mse'],
    ['no hidden layer and no bias', { widths: [2, 1], activation: 'linear', bias: false }, 'float64', 'mse'],
    ['a relu classifier with softmax cross-entropy', { widths: [2, 6, 6, 3], activation: 'relu' }, 'float64', 'softmax-ce'],
    ['tanh in float32 (the constant unit is exactly 1 there too)', { widths, activation: 'tanh' }, 'float32', 'mse'],
  ];
  const classes = spirals({ n: 16, seed: 4 });
  it.each(gridCases)('a grid point equals direct evaluation at θ₀ + a·d₁ + b·d₂: %s', async (_, opts, dtype, loss) => {
    const model = mlp(opts);
    const P = model.size;
    const set = loss === 'softmax-ce' ? classes : data;
    const Y = { data: set.Y, shape: [16, model.outDim] };
    const theta0 = initParams(model, [7]).map((v, i) => v + 0.3 * Math.sin(i)); // nonzero biases
    const dirs = initParams(model, [8, 9]).map((v, i) => v + 0.2 * Math.cos(i));
    const coords = [0, 0, 1, 0, -0.5, 2];
    const grid = await runGraph(gridGraph({ model, loss, points: 3, data: { n: 16 }, dtype }), {
      theta0: { data: theta0, shape: [1, P] },
      dirs: { data: dirs, shape: [2, P] },
      coords: { data: coords, shape: [3, 2] },
      X: { data: set.X, shape: [16, 2] },
      Y,
    });
    const points = Float64Array.from({ length: 3 * P }, (_, i) => {
      const [g, j] = [Math.floor(i / P), i % P];
      return theta0[j] + coords[2 * g] * dirs[j] + coords[2 * g + 1] * dirs[P + j];
    });
    const direct = await runGraph(evalGraph({ model, loss, members: 3, data: { n: 16 }, dtype: 'float64' }), {
      theta: { data: points, shape: [3, P] },
      X: { data: set.X, shape: [16, 2] },
      Y,
    });
    if (direct.acc) for (let g = 0; g < 3; g++) expect(grid.acc[g]).toBe(direct.acc[g]);
    for (let g = 0; g < 3; g++) {
      if (dtype === 'float64') expect(grid.loss[g]).toBeCloseTo(direct.loss[g], 9);
      else expect(Math.abs(grid.loss[g] - direct.loss[g])).toBeLessThan(1e-5 * Math.max(1, direct.loss[g]));
    }
    expect(grid.loss[0]).not.toBeCloseTo(grid.loss[1], 3);
  });
});

describe('graph economy', () => {
  it('the backward pass builds no gradient for the data (3L − 1 MatMuls for L layers)', () => {
    const model = mlp({ widths: [2, 5, 4, 3], activation: 'tanh' });
    const G = trainStepGraph({ model, loss: 'mse', optimizer: { kind: 'sgd' }, members: 2, batch: 4, fused: 1, data: { n: 8 } });
    expect(G.nodes.filter((n) => n.opType === 'MatMul').length).toBe(3 * 3 - 1);
  });

  it('a narrow first layer carries its bias in the product: [x, 1]·[W; b], no bias pass or bias row sum over [E, B, width]', () => {
    const model = mlp({ widths: [2, 16, 16, 1], activation: 'tanh' });
    const G = trainStepGraph({ model, loss: 'mse', optimizer: { kind: 'adam' }, members: 4, batch: 32, fused: 1, data: { n: 64 } });
    const on = (op: string, input: string, output: string) =>
      G.nodes.filter((n) => n.opType === op && G.shapes.get(n.inputs[0])?.join() === input && G.shapes.get(n.outputs[0])?.join() === output);
    const [first] = on('MatMul', '4,32,3', '4,32,16');
    expect(first).toBeDefined();
    // [W; b] is one piece of θ, not two pieces concatenated every step.
    const producer = new Map(G.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
    expect(producer.get(first.inputs[1])?.opType).not.toBe('Concat');
    // Only the second hidden layer adds a bias and sums its gradient over the batch.
    expect(on('Add', '4,32,16', '4,32,16').length).toBe(1);
    expect(on('ReduceSum', '4,32,16', '4,1,16').length).toBe(1);
  });

  it('a fused step is serialized without the nodes no output needs: the gradient root and the unread losses', () => {
    const model = mlp({ widths: [2, 5, 4, 1], activation: 'tanh' });
    const G = trainStepGraph({ model, loss: 'mse', optimizer: { kind: 'adam' }, members: 3, batch: 8, fused: 4, data: { n: 16 } });
    const perMemberLoss = (nodes: NodeSpec[]) =>
      nodes.filter((n) => n.opType === 'ReduceSum' && G.shapes.get(n.inputs[0])?.join() === '3,8,1' && G.shapes.get(n.outputs[0])?.join() === '3');
    const rootSum = (nodes: NodeSpec[]) => nodes.filter((n) => n.opType === 'ReduceSum' && G.shapes.get(n.outputs[0])?.length === 0);
    expect(perMemberLoss(G.nodes).length).toBe(4);
    expect(rootSum(G.nodes).length).toBe(4);
    const live = liveNodes(G);
    expect(perMemberLoss(live).length).toBe(1);
    expect(rootSum(live)).toEqual([]);
    expect(live.length).toBeLessThan(G.nodes.length);
  });

  it('θ is unpacked a block at a time: pieces with the same column count share one reshape', () => {
    const model = mlp({ widths: [2, 16, 16, 1], activation: 'tanh' });
    // [W; b] of the first layer, W and b of the second, the head as a row: all 16 columns wide.
    expect(pieceBlocks(piecesOf(model)).map((b) => b.map((p) => `${p.name}:${p.shape}`))).toEqual([['Wb0:3,16', 'W1:16,16', 'b1:1,16', 'W2:1,16'], ['b2:1,1']]);
    // Blocks are for small tensors: copying 32 members' 4,416 block parameters costs more than it saves.
    const wide = piecesOf(mlp({ widths: [2, 64, 64, 1], activation: 'tanh' }));
    expect(pieceBlocks(wide, 1).map((b) => b.length)).toEqual([4, 1]);
    expect(pieceBlocks(wide, 32).map((b) => b.map((p) => p.name))).toEqual([['Wb0'], ['W1'], ['b1', 'W2'], ['b2']]);
    const G = trainStepGraph({ model, loss: 'mse', optimizer: { kind: 'sgd' }, members: 2, batch: 8, fused: 1, data: { n: 16 } });
    const fromTheta = G.nodes.filter((n) => n.opType === 'Slice' && n.inputs[0] === 'theta');
    expect(fromTheta.length).toBe(2);
    // One reshape per block on the way in and one on the way out, not one per piece.
    const unpack = G.nodes.filter((n) => n.opType === 'Reshape' && fromTheta.some((f) => f.outputs[0] === n.inputs[0]));
    const pack = G.nodes.filter((n) => n.opType === 'Reshape' && ['2,336', '2,1'].includes(G.shapes.get(n.outputs[0])!.join()));
    expect([unpack.length, pack.length]).toEqual([2, 2]);
  });

  it('a grid carries the hidden bias in its product: no Add over [points, batch, width]', () => {
    const G = gridGraph({ model: mlp({ widths: [2, 16, 16, 1], activation: 'tanh' }), loss: 'mse', points: 8, data: { n: 32 } });
    const wide = G.nodes.filter((n) => n.opType === 'Add' && G.shapes.get(n.outputs[0])?.join() === '8,32,16');
    expect(wide).toEqual([]);
    // The constant unit widens the hidden layer by one column.
    expect(G.nodes.some((n) => n.opType === 'Tanh' && G.shapes.get(n.outputs[0])?.join() === '8,32,17')).toBe(true);
  });

  it('Adam keeps m and v apart across fused steps: the state is split once and packed once per call', () => {
    const model = mlp({ widths: [2, 5, 4, 1], activation: 'tanh' });
    const G = trainStepGraph({ model, loss: 'mse', optimizer: { kind: 'adam' }, members: 2, batch: 4, fused: 4, data: { n: 8 } });
    const producer = new Map(G.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
    const stateOut = G.outputs.find((o) => o.name === 'state_out')!.tensor.name;
    expect(producer.get(stateOut)?.opType).toBe('Concat');
    expect(G.nodes.filter((n) => n.opType === 'Slice' && n.inputs[0] === 'state').length).toBe(2);
    expect(G.nodes.filter((n) => n.opType === 'Concat' && n.outputs[0] === stateOut).length).toBe(1);
    expect(G.nodes.filter((n) => n.inputs.includes('state')).length).toBe(2);
  });
});

describe('warmUp', () => {
  it('builds and frees a one-node session (what a page runs before its first figure)', async () => {
    const { warmUp, loadOrt } = await import('../../src/runtime/ort');
    await loadOrt('wasm');
    await expect(warmUp('wasm')).resolves.toBeUndefined();
  });
});
