/**
 * Runs one experiment's protocol on the lab: the reader's pause / resume / step / speed / stop,
 * actions queued between training chunks, progress, and the outcome (done, diverged, error,
 * stopped). The page's worker hosts one per figure run; the Node tests use `runExperiment`, the
 * same code with nobody pausing.
 */
import { type AnyExperiment, type ConfigFor, type Context, type Experiment, roundMetric, type RunMetric, settingsOf } from '../engine/experiment';
import { type FieldTable, validateConfig } from '../engine/fields';
import { DivergedError, type LabRun, StoppedError } from '../engine/lab';
import { CONVERGENCE_FACTOR, OrtLab, type RunVerdict } from './lab';
import { type Backend, type BackendChoice, loadOrt } from './ort';

export interface HostReport {
  metrics: Record<string, number>;
  figure: Record<string, unknown>;
  /** Fraction of the figure done, 0–1. */
  progress: number;
}

/**
 * `done` carries a verdict: 'unconverged' when a run trained to its end far above its starting
 * loss (see CONVERGENCE_FACTOR in lab.ts), or when the protocol said it cannot vouch for what it
 * measured (Context.unconverged), with a message saying so; the figure then shows "Did
 * not converge", never a plain "Done".
 */
export type Outcome =
  | { kind: 'done'; verdict: 'converged' }
  | { kind: 'done'; verdict: 'unconverged'; message: string }
  | { kind: 'diverged'; step: number; members: number[]; message: string }
  | { kind: 'error'; message: string }
  | { kind: 'stopped' };

export interface HostEvents {
  /** The first run of an attempt is built; `restart` when a WebGPU failure restarted the figure on WASM. */
  ready(r: { backend: BackendChoice; members: number; parameters: number; restart: boolean }): void;
  report(r: HostReport): void;
  notice(message: string): void;
}

export interface HostOptions {
  backend: BackendChoice;
  events: HostEvents;
  /** Calls per chunk while running (the reader's speed). */
  speed?: number;
  paused?: boolean;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

const num = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** The reader-facing message for runs that did not converge. */
export function unconvergedMessage(runs: RunVerdict[]): string {
  const parts = runs.map((r) => {
    const survivors = r.members - r.diverged;
    const who =
      survivors === 1
        ? `the ${r.diverged ? 'one model that did not diverge' : 'model'} ended`
        : `${r.unconverged} of the ${survivors} models${r.diverged ? ' that did not diverge' : ''} ended`;
    const loss = r.unconverged === 1 ? `${num(r.finalLoss)} against ${num(r.startLoss)}` : `median ${num(r.finalLoss)} against ${num(r.startLoss)}`;
    return `at learning rate ${r.lr}, ${who} with a training loss above ${CONVERGENCE_FACTOR}× where ${r.unconverged === 1 ? 'it' : 'they'} started (${loss} at the start)`;
  });
  return `Training did not converge: ${parts.join('; ')}. These numbers describe a failed run, not the effect; lower the learning rate and reset.`;
}

/**
 * Let the event loop run once (a task, not a microtask): onnxruntime's WASM calls resolve as
 * microtasks, so without this a worker training chunk after chunk never sees the reader's pause.
 * A MessageChannel task has no timer clamping; Node (tests) has setImmediate.
 */
const yieldToEvents: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((r) => setImmediate(r))
    : (() => {
        const ch = new MessageChannel();
        const waiting: (() => void)[] = [];
        ch.port1.onmessage = () => waiting.shift()?.();
        return () =>
          new Promise<void>((r) => {
            waiting.push(r);
            ch.port2.postMessage(0);
          });
      })();

function refusal(o: Outcome): Error {
  if (o.kind === 'stopped') return new StoppedError();
  return new Error(o.kind === 'error' ? `the run ended with an error: ${o.message}` : 'the run diverged; reset to try again');
}

export class ExperimentHost {
  /** Settles once the protocol has ended (never rejects). */
  readonly finished: Promise<Outcome>;
  private paused: boolean;
  private speed: number;
  private grants = 0;
  private stopped = false;
  private wake: (() => void) | null = null;
  private queue: { run: () => Promise<void>; reject: (e: Error) => void }[] = [];
  private actions = new Map<string, (args: unknown) => Promise<void>>();
  /** Measurements the protocol said it cannot vouch for (Context.unconverged), this attempt. */
  private failures: string[] = [];
  /** Actions after the protocol ended run one after another on this chain. */
  private after: Promise<void> | null = null;
  private outcome: Outcome | null = null;
  private lab: OrtLab | null = null;
  private progress = 0;
  private reportedInChunk = false;

  constructor(
    private readonly experiment: AnyExperiment,
    private readonly config: Record<string, unknown>,
    private readonly opts: HostOptions,
  ) {
    this.paused = !!opts.paused;
    this.speed = opts.speed ?? 2;
    this.finished = this.execute().then((o) => {
      this.outcome = o;
      if (o.kind === 'done') this.after = this.drain();
      else this.rejectQueued(o);
      return o;
    });
  }

  pause() {
    this.paused = true;
  }

  resume() {
    this.paused = false;
    this.poke();
  }

  /** While paused: let one training call through. */
  step() {
    if (!this.paused) return;
    this.grants++;
    this.poke();
  }

  setSpeed(calls: number) {
    this.speed = Math.max(1, Math.floor(calls));
  }

  /** Stop at the next chunk boundary, refuse queued actions, and free the runs. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.rejectQueued({ kind: 'stopped' });
    this.poke();
    await this.finished;
    await this.after?.catch(() => undefined);
    await this.lab?.release();
  }

  /** Run one of the experiment's actions between chunks (or now, once the protocol is done). */
  action(name: string, args: unknown): Promise<void> {
    return new Promise((resolve, reject) => {
      const run = async () => {
        const handler = this.actions.get(name);
        if (!handler) throw new RangeError(`"${name}" is not available for this figure yet`);
        await handler(args);
      };
      const job = { run: () => run().then(resolve, reject), reject };
      if (this.stopped) reject(new StoppedError());
      else if (this.outcome && this.outcome.kind !== 'done') reject(refusal(this.outcome));
      else if (this.outcome) this.after = (this.after ?? Promise.resolve()).then(job.run);
      else {
        this.queue.push(job);
        this.poke();
      }
    });
  }

  private rejectQueued(o: Outcome) {
    const refused = this.queue;
    this.queue = [];
    for (const q of refused) q.reject(refusal(o));
  }

  private poke() {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async drain() {
    while (this.queue.length) await this.queue.shift()!.run();
  }

  private async gate(): Promise<number> {
    await yieldToEvents();
    for (;;) {
      await this.drain();
      if (this.stopped) throw new StoppedError();
      if (!this.paused) return this.speed;
      if (this.grants > 0) {
        this.grants--;
        return 1;
      }
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  private emit(r: { metrics?: Record<string, number | undefined>; figure?: object }) {
    const metrics: Record<string, number> = {};
    // a metric is a number the page prints and compares: NaN or Infinity (a statistic over no surviving member) is left out
    for (const [k, v] of Object.entries(r.metrics ?? {})) if (v !== undefined && Number.isFinite(v)) metrics[k] = roundMetric(v);
    const s = this.lab?.summary();
    const run: Record<RunMetric, number> = { divergedMembers: s?.diverged ?? 0, trainedMembers: s?.members ?? 0 };
    Object.assign(metrics, run);
    this.reportedInChunk = true;
    this.opts.events.report({ metrics, figure: (r.figure ?? {}) as Record<string, unknown>, progress: this.progress });
  }

  private async attempt(backend: BackendChoice, restart: boolean): Promise<void> {
    let announced = false;
    const lab = new OrtLab(backend.backend, {
      gate: () => {
        this.reportedInChunk = false;
        return this.gate();
      },
      started: (run: LabRun) => {
        if (announced) return;
        announced = true;
        this.opts.events.ready({ backend, members: run.members, parameters: run.model.size, restart });
      },
      progressed: (f) => {
        this.progress = Math.min(1, Math.max(this.progress, f));
      },
      chunkEnded: () => {
        // the chunk's own report carries the progress; a chunk the protocol did not report reports it alone
        if (!this.reportedInChunk) this.emit({});
      },
    });
    this.lab = lab;
    this.progress = 0;
    this.actions.clear();
    const ctx: Context<FieldTable, string, object> = {
      config: this.config as ConfigFor<FieldTable>,
      lab,
      report: (r) => this.emit(r),
      action: (name, handler) => this.actions.set(name, handler as (args: unknown) => Promise<void>),
      unconverged: (message) => this.failures.push(message),
      checkpoint: async (fraction) => {
        this.progress = Math.min(1, Math.max(this.progress, fraction));
        await this.gate();
      },
    };
    this.failures = [];
    await this.experiment.run(ctx);
    this.progress = 1;
  }

  private async execute(): Promise<Outcome> {
    const problems = validateConfig(settingsOf(this.experiment), this.config as never);
    if (problems.length) return { kind: 'error', message: `${problems.join(' ')} Change the setting to run again.` };
    let backend = this.opts.backend;
    for (let restart = false; ; restart = true) {
      try {
        await this.attempt(backend, restart);
        const unconverged = this.lab?.summary().unconverged ?? [];
        const messages = [...(unconverged.length ? [unconvergedMessage(unconverged)] : []), ...this.failures];
        return messages.length ? { kind: 'done', verdict: 'unconverged', message: messages.join(' ') } : { kind: 'done', verdict: 'converged' };
      } catch (e) {
        if (e instanceof StoppedError || this.stopped) return { kind: 'stopped' };
        if (e instanceof DivergedError) return { kind: 'diverged', step: e.step, members: e.members, message: e.message };
        if (e instanceof RangeError || backend.backend !== 'webgpu') return { kind: 'error', message: messageOf(e) };
        this.opts.events.notice(`WebGPU failed mid-run (${messageOf(e)}); restarting this run on WASM.`);
        // Releasing GPU buffers of a lost device may fail too; the WASM run must start regardless.
        await this.lab?.release().catch(() => undefined);
        backend = { ...backend, backend: 'wasm', reason: 'fell back to WASM after a WebGPU failure' };
      }
    }
  }
}

export interface ExperimentResult<M extends string, Fig> {
  outcome: Outcome;
  metrics: Record<M | RunMetric, number>;
  figure: Partial<Fig>;
  reports: HostReport[];
  host: ExperimentHost;
}

/**
 * Run an experiment to its end in this process (Node tests: onnxruntime-web's WASM build), with
 * the defaults for every setting not given. The host stays alive for actions until stopped.
 */
export async function runExperiment<F extends FieldTable, M extends string, Fig extends object>(
  experiment: Experiment<F, M, Fig>,
  config: Partial<ConfigFor<F>> = {},
  backend: Backend = 'wasm',
): Promise<ExperimentResult<M, Fig>> {
  await loadOrt(backend);
  const full = { ...Object.fromEntries(Object.entries(settingsOf(experiment)).map(([k, f]) => [k, f.default])), ...config };
  const reports: HostReport[] = [];
  const metrics: Record<string, number> = {};
  const figure: Record<string, unknown> = {};
  const host = new ExperimentHost(experiment as unknown as AnyExperiment, full, {
    backend: { backend, reason: 'test', threads: 1 },
    speed: 8,
    events: {
      ready: (r) => {
        if (!r.restart) return;
        for (const k of Object.keys(metrics)) delete metrics[k];
        for (const k of Object.keys(figure)) delete figure[k];
      },
      report: (r) => {
        reports.push(r);
        Object.assign(metrics, r.metrics);
        Object.assign(figure, r.figure);
      },
      notice: () => undefined,
    },
  });
  const outcome = await host.finished;
  return { outcome, metrics: metrics as Record<M | RunMetric, number>, figure: figure as Partial<Fig>, reports, host };
}
