/// <reference lib="webworker" />
/**
 * The training worker: owns onnxruntime-web for the whole page and hosts experiments by name
 * (src/engine/experiments). Figures talk to it through client.ts with the messages of
 * protocol.ts; each run is an ExperimentHost (host.ts). Runs interleave at their chunk boundaries.
 */
import { ExperimentHost } from './host';
import { type BackendChoice, type BackendPreference, chooseBackend, configureOrt, loadOrt, loseWebGpuDevice, warmUp } from './ort';
import type { FromWorker, ToWorker } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

// Loaded beside onnxruntime rather than before it: a page's first message is usually 'warm', which
// needs only ort.ts, and the experiments are most of this worker's code.
const experiments = import('../engine/experiments');

const hosts = new Map<number, ExperimentHost>();
let choice: Promise<BackendChoice> | null = null;

function post(m: FromWorker) {
  self.postMessage(m);
}

async function backendFor(pref: BackendPreference): Promise<BackendChoice> {
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

/** Runs whose backend is still being chosen: messages for them wait until the host exists. */
const starting = new Map<number, Promise<void>>();

async function start(msg: Extract<ToWorker, { type: 'run' }>) {
  const runId = msg.runId;
  const experiment = (await experiments).EXPERIMENTS[msg.experiment];
  if (!experiment) throw new Error(`no experiment named "${msg.experiment}"`);
  const backend = await backendFor(msg.backend);
  const host = new ExperimentHost(experiment, msg.config, {
    backend,
    speed: msg.speed,
    paused: msg.paused,
    events: {
      ready: (r) => post({ type: 'ready', runId, ...r }),
      report: (r) => post({ type: 'report', runId, ...r }),
      notice: (message) => post({ type: 'notice', runId, message }),
    },
  });
  hosts.set(runId, host);
  void host.finished.then((o) => {
    if (o.kind === 'done') post(o.verdict === 'converged' ? { type: 'done', runId, verdict: o.verdict } : { type: 'done', runId, verdict: o.verdict, message: o.message });
    else if (o.kind === 'diverged') post({ type: 'diverged', runId, step: o.step, members: o.members, message: o.message });
    else if (o.kind === 'error') post({ type: 'error', runId, message: o.message });
    // a run that ended other than done holds nothing the reader can still use
    if (o.kind !== 'done') void stop(runId);
  });
}

async function stop(runId: number) {
  const host = hosts.get(runId);
  hosts.delete(runId);
  await host?.stop();
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  if (msg.type === 'run') {
    const p = start(msg)
      .catch((e) => post({ type: 'error', runId: msg.runId, message: e instanceof Error ? e.message : String(e) }))
      .finally(() => starting.delete(msg.runId));
    starting.set(msg.runId, p);
    return;
  }
  if (msg.type === 'warm') {
    // failures here are the first run's to report, with its own message
    void backendFor(msg.backend).then((c) => warmUp(c.backend)).catch(() => undefined);
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

function handle(msg: Exclude<ToWorker, { type: 'run' | 'loseDevice' | 'warm' }>) {
  const host = hosts.get(msg.runId);
  if (!host) {
    // a run that already ended (or never started): its requests still get an answer
    if (msg.type === 'action') post({ type: 'settled', runId: msg.runId, requestId: msg.requestId, error: 'this run has ended; run the figure again' });
    return;
  }
  switch (msg.type) {
    case 'pause':
      return host.pause();
    case 'resume':
      return host.resume();
    case 'step':
      return host.step();
    case 'speed':
      return host.setSpeed(msg.calls);
    case 'stop':
      return void stop(msg.runId);
    case 'action':
      return void host.action(msg.name, msg.args).then(
        () => post({ type: 'settled', runId: msg.runId, requestId: msg.requestId }),
        (e: unknown) => post({ type: 'settled', runId: msg.runId, requestId: msg.requestId, error: e instanceof Error ? e.message : String(e) }),
      );
  }
}
