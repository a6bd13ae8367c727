/**
 * Browser-side benchmark and cross-backend harness for our engine (bundled by bench/build.mjs).
 * Exposed on window.engineHarness; driven by bench/run.mjs and tests/e2e/engine.test.ts.
 */
import { spirals } from '../src/engine/datasets';
import { initParams, mlp } from '../src/engine/models';
import { Evaluator } from '../src/runtime/evaluator';
import { type Backend, type BackendPreference, chooseBackend, configureOrt, loadOrt } from '../src/runtime/ort';
import { type GridBench, type TrainBench, timeGrid, timeTraining } from './engine-runs';

async function init() {
  const params = new URLSearchParams(location.search);
  // ?backend=webgpu loads the JSEP build (WebGPU and WASM in one page), as a worker does when
  // WebGPU is chosen; otherwise the choice a reader's page would make.
  const chosen = await chooseBackend((params.get('backend') as BackendPreference | null) ?? 'auto');
  // ?threads=N overrides the WASM thread count (for measuring its effect)
  const t = Number(params.get('threads'));
  const c = t > 0 ? { ...chosen, threads: t } : chosen;
  const ort = await loadOrt(c.backend);
  configureOrt(c, new URL(`ort/${ort.env.versions.web}/`, location.href).href);
  return { ...c, build: c.backend === 'webgpu' ? 'JSEP (WebGPU + WASM)' : 'plain WASM' };
}

const ready = init();

/** Train and time it (after one warm-up call), with the backend choice this page made. */
async function train(b: TrainBench) {
  const choice = await ready;
  return { ...(await timeTraining(b)), threads: choice.threads, adapter: choice.reason };
}

async function grid(b: GridBench) {
  await ready;
  return timeGrid(b);
}

/**
 * Every evaluation program of a 3-member classifier (losses and accuracies on two sets, a
 * landscape plane, predictions, gradients), called twice with different parameters so that a
 * replay that left an output stale would show: the values, and whether each call was replayed.
 */
async function evaluator(o: { backend: Backend; capture?: boolean }) {
  await ready;
  const model = mlp({ widths: [2, 8, 8, 3], activation: 'tanh' });
  const train = { name: 'train', loss: 'softmax-ce' as const, data: spirals({ n: 48, seed: 1 }) };
  const test = { name: 'test', loss: 'softmax-ce' as const, data: spirals({ n: 40, seed: 2 }) };
  const ev = await Evaluator.create(model, 3, [train, test], o.backend, { capture: o.capture });
  const P = model.size;
  const calls = [];
  for (const seed of [1, 7]) {
    const theta = initParams(model, [seed, seed + 1, seed + 2]);
    const [d1, d2] = [initParams(model, [seed + 10]), initParams(model, [seed + 11])];
    const coords = Float32Array.from({ length: 2 * 25 }, (_, i) => ((i % 10) - 4.5) / 3);
    const evals = await ev.evaluate(theta);
    const plane = await ev.plane(train, theta.subarray(0, P), d1, d2, coords);
    const pred = await ev.predict(theta, test.data.X.subarray(0, 10), 5);
    const grads = await ev.gradients(train, [theta.subarray(0, P), theta.subarray(P, 2 * P)]);
    calls.push({
      evals: evals.map((r) => ({ name: r.name, loss: Array.from(r.loss), acc: Array.from(r.acc ?? []) })),
      plane: { loss: Array.from(plane.loss), acc: Array.from(plane.acc ?? []) },
      pred: Array.from(pred),
      grads: grads.map((g) => Array.from(g)),
    });
  }
  const replayed = ev.replayed;
  await ev.release();
  return { calls, replayed };
}

declare global {
  interface Window {
    engineHarness: { ready: typeof ready; train: typeof train; grid: typeof grid; evaluator: typeof evaluator };
  }
}
window.engineHarness = { ready, train, grid, evaluator };
