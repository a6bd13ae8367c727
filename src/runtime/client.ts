/**
 * Main-thread side of the training worker. One worker per page (one onnxruntime instance, one
 * backend choice); each widget run gets a RunHandle whose replies are routed by run id. Replies
 * for a run that was stopped are dropped.
 */
import type { FromWorker, ToWorker } from './protocol';

type StartMessage = Omit<Extract<ToWorker, { type: 'start' }>, 'runId' | 'type'>;
type Listener = (m: FromWorker) => void;

let worker: Worker | null = null;
const listeners = new Map<number, Listener>();
let nextRunId = 1;
let nextRequestId = 1;

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'training' });
    worker.onmessage = (ev: MessageEvent<FromWorker>) => listeners.get(ev.data.runId)?.(ev.data);
    worker.onerror = (ev) => {
      const message = `the training worker failed to load (${ev.message || 'unknown error'})`;
      for (const [runId, l] of listeners) l({ type: 'error', runId, message });
    };
  }
  return worker;
}

export class RunHandle {
  private pending = new Map<number, (m: FromWorker) => void>();

  constructor(
    readonly runId: number,
    private readonly onMessage: Listener,
  ) {
    listeners.set(runId, (m) => {
      if ('requestId' in m && this.pending.has(m.requestId)) {
        this.pending.get(m.requestId)!(m);
        this.pending.delete(m.requestId);
        return;
      }
      this.onMessage(m);
    });
  }

  private send(m: ToWorker, transfer: Transferable[] = []) {
    getWorker().postMessage(m, transfer);
  }

  pause = () => this.send({ type: 'pause', runId: this.runId });
  resume = () => this.send({ type: 'resume', runId: this.runId });
  step = (calls = 1) => this.send({ type: 'step', runId: this.runId, calls });

  /** Stop the run and drop any reply still on its way. */
  stop = () => {
    this.send({ type: 'stop', runId: this.runId });
    listeners.delete(this.runId);
    this.pending.clear();
  };

  /** Send a request and resolve with the reply that carries its request id. */
  private request<T>(msg: Extract<ToWorker, { requestId: number }>, read: (m: FromWorker) => T | undefined): Promise<T> {
    return new Promise((resolve) => {
      this.pending.set(msg.requestId, (m) => {
        const v = read(m);
        if (v !== undefined) resolve(v);
      });
      this.send(msg);
    });
  }

  snapshot(): Promise<{ step: number; params: Float32Array }> {
    return this.request({ type: 'snapshot', runId: this.runId, requestId: nextRequestId++ }, (m) =>
      m.type === 'snapshot' ? { step: m.step, params: m.params } : undefined,
    );
  }

  /** Loss and accuracy at points θ₀ + a·d₁ + b·d₂ on the training set or a named eval set. */
  plane(req: PlaneRequest): Promise<{ loss: Float32Array; acc: Float32Array | null }> {
    return this.request({ type: 'plane', runId: this.runId, requestId: nextRequestId++, ...req }, (m) =>
      m.type === 'planeResult' ? { loss: m.loss, acc: m.acc } : undefined,
    );
  }

  /** Top Hessian eigenvalue of one member's full-batch training loss (power iteration on HVPs). */
  hessian(member: number, iters: number, init?: Float32Array): Promise<{ step: number; value: number; vector: Float32Array }> {
    return this.request({ type: 'hessian', runId: this.runId, requestId: nextRequestId++, member, iters, init }, (m) =>
      m.type === 'hessianResult' ? { step: m.step, value: m.value, vector: m.vector } : undefined,
    );
  }

  /** Outputs [E, n, out] of every member at n inputs. */
  predict(X: Float32Array, n: number): Promise<{ pred: Float32Array; shape: number[] }> {
    return this.request({ type: 'predict', runId: this.runId, requestId: nextRequestId++, X, n }, (m) =>
      m.type === 'prediction' ? { pred: m.pred, shape: m.shape } : undefined,
    );
  }
}

export interface PlaneRequest {
  set: string;
  theta0: Float32Array;
  d1: Float32Array;
  d2: Float32Array;
  coords: Float32Array;
}

/**
 * Simulate losing the GPU (the worker destroys its WebGPU device; runs on WebGPU fall back to
 * WASM and say so). Reachable from the console and tests as `learningDynamics.loseGpuDevice()`.
 */
export function loseGpuDevice(): void {
  worker?.postMessage({ type: 'loseDevice', runId: 0 } satisfies ToWorker);
}
(globalThis as { learningDynamics?: object }).learningDynamics = { loseGpuDevice };

/** Start a run in the page's training worker. */
export function startRun(msg: StartMessage, onMessage: Listener): RunHandle {
  const runId = nextRunId++;
  const handle = new RunHandle(runId, onMessage);
  getWorker().postMessage({ type: 'start', runId, ...msg } satisfies ToWorker);
  return handle;
}
