/**
 * Main-thread side of the training worker, without the Worker itself (client.ts makes one), so
 * Node tests can drive it with a fake. One worker per page; each figure run gets a RunHandle whose
 * replies are routed by run id. Every request settles: with the worker's answer, or rejected when
 * the run is stopped, fails, diverges, or the worker dies.
 */
import type { BackendPreference } from './ort';
import type { FromWorker, ToWorker } from './protocol';

export interface WorkerLike {
  postMessage(m: ToWorker): void;
  onmessage: ((ev: { data: FromWorker }) => void) | null;
  onerror: ((ev: { message?: string }) => void) | null;
  onmessageerror?: ((ev: unknown) => void) | null;
}

type Listener = (m: FromWorker) => void;
type RunMessage = Omit<Extract<ToWorker, { type: 'run' }>, 'type' | 'runId'>;

/** A request that can no longer be answered; its message is for the reader. */
export class RequestFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestFailed';
  }
}

export class Connection {
  private worker: WorkerLike | null = null;
  private handles = new Map<number, RunHandle>();
  private nextRunId = 1;
  nextRequestId = 1;
  /** Set once the worker has died: every later run fails at once with this. */
  private dead: string | null = null;
  private warmed = false;

  constructor(private readonly create: () => WorkerLike) {}

  private get(): WorkerLike {
    if (!this.worker) {
      const w = this.create();
      w.onmessage = (ev) => this.handles.get(ev.data.runId)?.receive(ev.data);
      w.onerror = (ev) => this.die(`the training worker failed (${ev.message || 'unknown error'})`);
      w.onmessageerror = () => this.die('the training worker sent a message that could not be read');
      this.worker = w;
    }
    return this.worker;
  }

  private die(message: string) {
    this.dead = message;
    for (const h of [...this.handles.values()]) h.receive({ type: 'error', runId: h.runId, message });
  }

  send(m: ToWorker) {
    if (!this.dead) this.get().postMessage(m);
  }

  forget(runId: number) {
    this.handles.delete(runId);
  }

  /** Start an experiment run in the worker. */
  run(msg: RunMessage, onMessage: Listener): RunHandle {
    const h = new RunHandle(this, this.nextRunId++, onMessage);
    this.handles.set(h.runId, h);
    if (this.dead) queueMicrotask(() => h.receive({ type: 'error', runId: h.runId, message: this.dead! }));
    else this.send({ type: 'run', runId: h.runId, ...msg });
    return h;
  }

  /** Start the worker and onnxruntime ahead of the first run (once per page). */
  warm(backend: BackendPreference) {
    if (this.warmed || this.dead) return;
    this.warmed = true;
    this.send({ type: 'warm', runId: 0, backend });
  }

  loseDevice() {
    this.worker?.postMessage({ type: 'loseDevice', runId: 0 });
  }
}

export class RunHandle {
  private pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  /** Why requests are refused from now on (stopped, failed, diverged). */
  private ended: string | null = null;

  constructor(
    private readonly conn: Connection,
    readonly runId: number,
    private readonly onMessage: Listener,
  ) {}

  receive(m: FromWorker) {
    if (this.ended === 'the run was stopped') return;
    if (m.type === 'settled') {
      const p = this.pending.get(m.requestId);
      this.pending.delete(m.requestId);
      if (m.error === undefined) p?.resolve();
      else p?.reject(new RequestFailed(m.error));
      return;
    }
    if (m.type === 'error') this.end(m.message);
    else if (m.type === 'diverged') this.end('the run diverged; reset to try again');
    this.onMessage(m);
  }

  private end(why: string) {
    this.ended = why;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new RequestFailed(why));
  }

  pause = () => this.conn.send({ type: 'pause', runId: this.runId });
  resume = () => this.conn.send({ type: 'resume', runId: this.runId });
  step = () => this.conn.send({ type: 'step', runId: this.runId });
  speed = (calls: number) => this.conn.send({ type: 'speed', runId: this.runId, calls });

  /** Stop the run: replies still on their way are dropped and open requests rejected. */
  stop = () => {
    if (this.ended !== 'the run was stopped') this.conn.send({ type: 'stop', runId: this.runId });
    this.end('the run was stopped');
    this.conn.forget(this.runId);
  };

  /** Ask the experiment to take one of its actions; settles when the worker has answered. */
  action(name: string, args: unknown): Promise<void> {
    if (this.ended) return Promise.reject(new RequestFailed(this.ended));
    const requestId = this.conn.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.conn.send({ type: 'action', runId: this.runId, requestId, name, args });
    });
  }
}
