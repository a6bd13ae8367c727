/**
 * Timed runs of our engine, shared by the browser harness (bench/harness-engine.ts, driven by
 * bench/run.mjs and the e2e tests) and the Node + Dawn GPU benchmark (bench/gpu-node.ts).
 * Nothing here touches the DOM: onnxruntime must already be loaded and configured.
 */
import { smoothRegression } from '../src/engine/datasets';
import { initParams, mlp } from '../src/engine/models';
import type { OptimizerKind } from '../src/engine/optimizers';
import { gridGraph } from '../src/engine/programs';
import type { RunSpec } from '../src/engine/spec';
import { ArrayProgram } from '../src/runtime/array-program';
import { Evaluator } from '../src/runtime/evaluator';
import type { Backend } from '../src/runtime/ort';
import { Trainer } from '../src/runtime/trainer';

export interface TrainBench {
  backend: Backend;
  members: number;
  fused: number;
  steps: number;
  widths?: number[];
  batch?: number;
  n?: number;
  readEvery?: number;
  /** WebGPU: replay a recorded command list (the default) or dispatch every kernel each call. */
  capture?: boolean;
  optimizer?: OptimizerKind;
  /** Every member sees the same batch order. */
  sharedOrder?: boolean;
}

export interface GridBench {
  backend: Backend;
  side?: number;
  chunk?: number;
  repeats?: number;
  widths?: number[];
  /** WebGPU: replay a recorded command list (the default) or dispatch every kernel each call. */
  capture?: boolean;
}

function spec(b: TrainBench): RunSpec {
  return {
    model: { kind: 'mlp', widths: b.widths ?? [2, 64, 64, 1], activation: 'tanh' },
    loss: 'mse',
    optimizer: { kind: b.optimizer ?? 'adam' },
    lr: 1e-3,
    initSeeds: Array.from({ length: b.members }, (_, i) => i + 1),
    batch: b.batch ?? 256,
    fused: b.fused,
    steps: b.steps,
    sharedOrder: b.sharedOrder,
  };
}

/** Train and time it; returns steps/s (after one warm-up call) and the loss history. */
export async function timeTraining(b: TrainBench) {
  const data = smoothRegression({ n: b.n ?? 1024, seed: 1 });
  const t = await Trainer.create(spec(b), data, { backend: b.backend, capture: b.capture });
  const readings = [await t.advance(1)]; // warm-up: shader compilation, first allocation
  const start = performance.now();
  const startSteps = t.stepsDone;
  while (!t.done && !t.isDiverged) readings.push(await t.advance(b.readEvery ?? 8));
  const seconds = (performance.now() - start) / 1000;
  const history = readings.filter((h) => h !== null).map((h) => ({ step: h.step, loss: Array.from(h.loss) }));
  const params = Array.from(await t.params());
  await t.release();
  return { stepsPerSec: (t.stepsDone - startSteps) / seconds, seconds, history, params, replayed: t.replayed };
}

/** A side×side filter-free landscape grid through θ₀ along two seeded directions, in chunks; grids/s. */
export async function timeGrid(b: GridBench) {
  const side = b.side ?? 64;
  const chunk = b.chunk ?? 256;
  const model = mlp({ widths: b.widths ?? [2, 64, 64, 1], activation: 'tanh' });
  const data = smoothRegression({ n: 256, seed: 1 });
  const program = await ArrayProgram.create(gridGraph({ model, loss: 'mse', points: chunk, data: { n: data.n } }), b.backend, { capture: b.capture });
  const theta0 = initParams(model, [1]);
  const dirs = initParams(model, [2, 3]);
  const total = side * side;
  const once = async () => {
    const losses = new Float32Array(total);
    for (let s = 0; s < total; s += chunk) {
      const coords = new Float32Array(chunk * 2);
      for (let i = 0; i < chunk; i++) {
        const g = Math.min(s + i, total - 1);
        coords[2 * i] = -1 + (2 * (g % side)) / (side - 1);
        coords[2 * i + 1] = -1 + (2 * Math.floor(g / side)) / (side - 1);
      }
      const out = await program.call({ theta0, dirs, coords, X: data.X, Y: data.Y });
      losses.set(out.loss.subarray(0, Math.min(chunk, total - s)), s);
    }
    return losses;
  };
  await once();
  const repeats = b.repeats ?? 3;
  const start = performance.now();
  let last = new Float32Array(0);
  for (let r = 0; r < repeats; r++) last = await once();
  const seconds = (performance.now() - start) / 1000 / repeats;
  await program.release();
  return { gridsPerSec: 1 / seconds, secondsPerGrid: seconds, finite: last.every(Number.isFinite), losses: total <= 1024 ? Array.from(last) : [], replayed: program.replayed };
}

/**
 * What a figure does between steps: evaluate every member of an ensemble on a train and a test
 * set (losses of E members on n examples each); evaluations/s after one warm-up call.
 */
export async function timeEvaluation(b: { backend: Backend; members: number; n?: number; calls: number; capture?: boolean }) {
  const model = mlp({ widths: [2, 64, 64, 1], activation: 'tanh' });
  const n = b.n ?? 1024;
  const sets = [1, 2].map((seed) => ({ name: `set${seed}`, loss: 'mse' as const, data: smoothRegression({ n, seed }) }));
  const ev = await Evaluator.create(model, b.members, sets, b.backend, { capture: b.capture });
  const theta = initParams(model, Array.from({ length: b.members }, (_, i) => i + 1));
  let loss = (await ev.evaluate(theta))[0].loss;
  const start = performance.now();
  for (let c = 0; c < b.calls; c++) loss = (await ev.evaluate(theta))[0].loss;
  const seconds = (performance.now() - start) / 1000;
  const replayed = ev.replayed;
  await ev.release();
  return { evalsPerSec: b.calls / seconds, replayed, finite: loss.every(Number.isFinite) };
}
