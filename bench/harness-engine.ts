/**
 * Browser-side benchmark and cross-backend harness for our engine (bundled by bench/build.mjs).
 * Exposed on window.engineHarness; driven by bench/run.mjs and tests/e2e/engine.test.ts.
 */
import { type BackendPreference, chooseBackend, configureOrt, loadOrt } from '../src/runtime/ort';
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

declare global {
  interface Window {
    engineHarness: { ready: typeof ready; train: typeof train; grid: typeof grid };
  }
}
window.engineHarness = { ready, train, grid };
