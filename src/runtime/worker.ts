/// <reference lib="webworker" />
/**
 * The training worker: owns onnxruntime-web for the whole page. Widgets talk to it through
 * client.ts with the messages of protocol.ts. Runs are advanced round-robin in small chunks so
 * that pause, step and stop messages are handled between chunks.
 */
import { topHessianEigenvalue } from '../engine/analysis/hessian';
import { makeRng } from '../engine/random';
import { buildModel } from '../engine/spec';
import { Evaluator } from './evaluator';
import { type Backend, type BackendChoice, chooseBackend, configureOrt, loadOrt, loseWebGpuDevice } from './ort';
import type { EvalResult, FromWorker, ToWorker } from './protocol';
import { Trainer } from './trainer';

declare const self: DedicatedWorkerGlobalScope;

interface Run {
  msg: Extract<ToWorker, { type: 'start' }>;
  trainer: Trainer;
  evaluator: Evaluator;
  paused: boolean;
  /** Serializes all work on this run. */
  busy: Promise<void>;
  stopped: boolean;
}

const runs = new Map<number, Run>();
let choice: Promise<BackendChoice> | null = null;
let ticking = false;

function post(m: FromWorker) {
  self.postMessage(m);
}

async function backendFor(pref: Extract<ToWorker, { type: 'start' }>['backend']): Promise<BackendChoice> {
  if (!choice) {
    choice = chooseBackend(pref).then(async (c) => {
      // The first run decides which onnxruntime build this worker loads (see ort.ts).
      const ort = await loadOrt(c.backend);
      // scripts/copy-ort-assets.mjs puts the runtime under a versioned path: a stable cache key.
      configureOrt(c, new URL(`${import.meta.env.BASE_URL}ort/${ort.env.versions.web}/`, self.location.origin).href);
      return c;
    });
  }
  const c = await choice;
  if (pref === 'wasm' && c.backend !== 'wasm') return { backend: 'wasm', reason: 'WASM requested', threads: c.threads };
  return c;
}

async function create(msg: Extract<ToWorker, { type: 'start' }>, backend: Backend) {
  const trainer = await Trainer.create(msg.spec, msg.data, { backend, readEvery: msg.reportEvery });
  const evaluator = await Evaluator.create(buildModel(msg.spec.model), msg.spec.initSeeds.length, msg.evals, backend);
  return { trainer, evaluator };
}

async function start(msg: Extract<ToWorker, { type: 'start' }>) {
  const c = await backendFor(msg.backend);
  let parts;
  let used = c;
  try {
    parts = await create(msg, c.backend);
  } catch (e) {
    if (e instanceof RangeError || c.backend !== 'webgpu') throw e;
    used = { ...c, backend: 'wasm', reason: `WebGPU could not build this model (${(e as Error).message}); fell back to WASM` };
    parts = await create(msg, 'wasm');
  }
  const run: Run = { msg, ...parts, paused: !!msg.paused, busy: Promise.resolve(), stopped: false };
  runs.set(msg.runId, run);
  post({ type: 'ready', runId: msg.runId, backend: used, parameters: run.trainer.model.size, members: run.trainer.members });
  schedule();
}

async function evals(run: Run): Promise<EvalResult[]> {
  return run.evaluator.evaluate(await run.trainer.params());
}

/** Advance one run by `calls` calls and report; handles done, divergence and GPU failure. */
async function advance(run: Run, calls: number) {
  const id = run.msg.runId;
  try {
    const reading = await run.trainer.advance(calls);
    if (run.stopped) return;
    const t = run.trainer;
    if (t.isDiverged) {
      const lr = run.msg.spec.lr;
      post({
        type: 'diverged',
        runId: id,
        step: t.stepsDone,
        members: t.diverged,
        message: `${t.diverged.length} of ${t.members} runs diverged by step ${t.stepsDone} (loss became non-finite or above 1e8) at learning rate ${Array.isArray(lr) ? lr.join(', ') : lr}. Lower the learning rate and reset.`,
      });
      await stop(id);
      return;
    }
    const ev = await evals(run);
    const loss = reading?.loss ?? new Float32Array(t.members);
    if (t.done) {
      post({ type: 'done', runId: id, step: t.stepsDone, loss, evals: ev });
      run.paused = true;
    } else {
      post({ type: 'progress', runId: id, step: t.stepsDone, totalSteps: run.msg.spec.steps, loss, evals: ev });
    }
  } catch (e) {
    if (run.trainer.backend === 'webgpu') {
      post({ type: 'notice', runId: id, message: `WebGPU failed mid-run (${(e as Error).message}); restarting this run on WASM.` });
      // Releasing GPU buffers of a lost device may fail too; the WASM run must start regardless.
      await releaseRun(run).catch(() => undefined);
      const parts = await create(run.msg, 'wasm');
      Object.assign(run, parts);
      post({ type: 'ready', runId: id, backend: { backend: 'wasm', reason: 'fell back to WASM after a WebGPU failure', threads: (await choice!).threads }, parameters: run.trainer.model.size, members: run.trainer.members });
      return;
    }
    throw e;
  }
}

function enqueue(run: Run, work: () => Promise<void>) {
  run.busy = run.busy.then(work).catch((e) => {
    post({ type: 'error', runId: run.msg.runId, message: (e as Error).message ?? String(e) });
    void stop(run.msg.runId);
  });
  return run.busy;
}

function schedule() {
  if (ticking) return;
  ticking = true;
  setTimeout(tick, 0);
}

async function tick() {
  const active = [...runs.values()].filter((r) => !r.paused && !r.stopped && !r.trainer.done);
  for (const run of active) await enqueue(run, () => advance(run, run.msg.reportEvery));
  ticking = false;
  if ([...runs.values()].some((r) => !r.paused && !r.stopped && !r.trainer.done)) schedule();
}

async function releaseRun(run: Run) {
  await run.trainer.release();
  await run.evaluator.release();
}

async function stop(runId: number) {
  const run = runs.get(runId);
  if (!run) return;
  run.stopped = true;
  runs.delete(runId);
  await releaseRun(run);
}

/** Runs still being created: later messages for them wait until the run exists. */
const starting = new Map<number, Promise<void>>();

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  if (msg.type === 'start') {
    const p = start(msg)
      .catch((e) => post({ type: 'error', runId: msg.runId, message: (e as Error).message ?? String(e) }))
      .finally(() => starting.delete(msg.runId));
    starting.set(msg.runId, p);
    return;
  }
  if (msg.type === 'loseDevice') {
    void loseWebGpuDevice();
    return;
  }
  const pending = starting.get(msg.runId);
  if (pending) void pending.then(() => handle(msg));
  else handle(msg);
};

function handle(msg: Exclude<ToWorker, { type: 'start' | 'loseDevice' }>) {
  const run = runs.get(msg.runId);
  switch (msg.type) {
    case 'pause':
      if (run) run.paused = true;
      return;
    case 'resume':
      if (run) {
        run.paused = false;
        schedule();
      }
      return;
    case 'step':
      if (run) {
        run.paused = true;
        void enqueue(run, () => advance(run, msg.calls));
      }
      return;
    case 'stop':
      if (run) void enqueue(run, () => stop(msg.runId));
      return;
    case 'snapshot':
      if (run)
        void enqueue(run, async () => {
          const params = await run.trainer.params();
          post({ type: 'snapshot', runId: msg.runId, requestId: msg.requestId, step: run.trainer.stepsDone, params });
        });
      return;
    case 'hessian':
      if (run)
        void enqueue(run, async () => {
          const P = run.trainer.model.size;
          const theta = (await run.trainer.params()).slice(msg.member * P, (msg.member + 1) * P);
          const set = { name: 'train', data: run.msg.data, loss: run.msg.spec.loss };
          const r = await topHessianEigenvalue((pts) => run.evaluator.gradients(set, pts), theta, makeRng(msg.requestId), { iters: msg.iters, init: msg.init });
          post({ type: 'hessianResult', runId: msg.runId, requestId: msg.requestId, step: run.trainer.stepsDone, value: r.value, vector: r.vector });
        });
      return;
    case 'plane':
      if (run)
        void enqueue(run, async () => {
          const set = msg.set === 'train' ? { name: 'train', data: run.msg.data, loss: run.msg.spec.loss } : run.msg.evals.find((e) => e.name === msg.set);
          if (!set) throw new Error(`no dataset named ${msg.set}`);
          const r = await run.evaluator.plane(set, msg.theta0, msg.d1, msg.d2, msg.coords);
          post({ type: 'planeResult', runId: msg.runId, requestId: msg.requestId, loss: r.loss, acc: r.acc });
        });
      return;
    case 'predict':
      if (run)
        void enqueue(run, async () => {
          const E = run.trainer.members;
          const out = run.trainer.model.outDim;
          const pred = await run.evaluator.predict(await run.trainer.params(), msg.X, msg.n);
          post({ type: 'prediction', runId: msg.runId, requestId: msg.requestId, pred, shape: [E, msg.n, out] });
        });
      return;
  }
}
