/**
 * The controller half of every live figure: owns the run's state machine, the worker run handle,
 * visibility (train only while on screen), permalinks and the page events exercises listen to.
 * A widget supplies how to build its run from its configuration and how to read its reports.
 */
import type { RunSpec, Dataset } from '../../engine/spec';
import { startRun, type RunHandle } from '../../runtime/client';
import type { EvalSet, FromWorker } from '../../runtime/protocol';
import { copyText, toast } from '../../lib/page-chrome';
import { decodeConfig, permalink, validateConfig, type ConfigOf, type FieldTable } from '../../lib/permalink';
import { announceState, COMMAND_EVENT, type WidgetState } from '../../lib/widget-events';

export interface RunPlan {
  spec: RunSpec;
  data: Dataset;
  evals: EvalSet[];
  /** Report every this many calls, whatever the speed setting (for figures that measure at fixed steps). */
  reportEvery?: number;
}

type Report = Extract<FromWorker, { type: 'progress' | 'done' }>;

export interface LiveRunHooks<C> {
  /**
   * Build the run for a configuration — or several, run one after another as one figure; throw
   * RangeError with a reader-facing message if it cannot run.
   */
  plan(config: C): RunPlan | RunPlan[];
  /**
   * Turn a report of run `index` into the headline metrics (and update the widget's own state);
   * may be async (when it asks the worker for more), and `done` waits for it.
   */
  report(r: Report, config: C, index: number): Record<string, number> | Promise<Record<string, number>>;
  /** Called when a new run starts (clear figures). */
  cleared?(): void;
}

/** Headline numbers carry 4 decimals: enough to read, stable to compare in data-metrics. */
export const roundMetric = (v: number) => Math.round(v * 1e4) / 1e4;

const SPEED_CALLS = { 1: 1, 2: 2, 5: 6 } as Record<number, number>;

export class LiveRun<T extends FieldTable> {
  state = $state<WidgetState>('idle');
  backend = $state('chosen when training starts');
  message = $state<string | null>(null);
  notices = $state<string[]>([]);
  progress = $state<number | null>(null);
  metrics = $state.raw<Record<string, number>>({});
  config = $state() as ConfigOf<T>;
  speed = $state(2);
  /** Increments with every new run: exercises grade only runs started after a prediction. */
  runNumber = 0;
  handle: RunHandle | null = null;
  private plans: RunPlan[] = [];
  private index = 0;
  private visible = false;
  private autoPaused = false;
  private started = false;

  constructor(
    readonly id: string,
    readonly table: T,
    private readonly hooks: LiveRunHooks<ConfigOf<T>>,
  ) {
    const decoded = decodeConfig(id, table, typeof location === 'undefined' ? '' : location.search);
    this.config = decoded.config;
    if (decoded.errors.length) this.notices = decoded.errors;
    else if (decoded.fromLink) this.notices = ['Settings restored from the link; this replays the same run.'];
  }

  /** Wire page events (call from onMount); returns the cleanup. */
  mount(): () => void {
    const onCommand = (ev: Event) => {
      const d = (ev as CustomEvent<{ widget: string; command: string }>).detail;
      if (d.widget === this.id && d.command === 'restart') this.restart();
    };
    addEventListener(COMMAND_EVENT, onCommand);
    return () => {
      removeEventListener(COMMAND_EVENT, onCommand);
      this.handle?.stop();
    };
  }

  private setState(s: WidgetState) {
    this.state = s;
    announceState({ widget: this.id, state: s, metrics: this.metrics, run: this.runNumber });
  }

  private onMessage = async (m: FromWorker) => {
    switch (m.type) {
      case 'ready':
        this.backend = `${m.backend.backend === 'webgpu' ? 'WebGPU' : 'WASM'} — ${m.backend.reason}; ${m.members} model${m.members === 1 ? '' : 's'} × ${m.parameters} parameters`;
        if (this.state === 'loading') this.setState(this.autoPaused ? 'paused' : 'running');
        return;
      case 'progress':
      case 'done': {
        const count = this.plans.length;
        const run = this.runNumber;
        const index = this.index;
        const metrics = await this.hooks.report(m, this.config, index);
        if (run !== this.runNumber || index !== this.index) return; // superseded while waiting
        this.metrics = metrics;
        this.progress = Math.min(1, (this.index + m.step / this.plans[this.index].spec.steps) / count);
        if (m.type === 'done' && this.index + 1 < count) {
          this.index++;
          this.launch(false);
        } else if (m.type === 'done') {
          this.progress = 1;
          this.setState('done');
        } else if (this.state === 'running' || this.state === 'paused') {
          // re-announce so listeners see fresh metrics
          announceState({ widget: this.id, state: this.state, metrics: this.metrics, run: this.runNumber });
        }
        return;
      }
      case 'diverged':
        this.message = m.message;
        this.metrics = { ...this.metrics, step: m.step, diverged: m.members.length };
        this.handle = null;
        this.setState('diverged');
        return;
      case 'error':
        this.message = `Training failed: ${m.message}. Reset to try again.`;
        this.handle = null;
        this.setState('error');
        return;
      case 'notice':
        this.notices = [...this.notices, m.message];
        return;
    }
  };

  /** Start a fresh run with the current configuration. */
  start(paused = false) {
    this.handle?.stop();
    this.handle = null;
    this.message = null;
    this.metrics = {};
    this.progress = 0;
    this.runNumber++;
    this.hooks.cleared?.();
    try {
      const bad = validateConfig(this.table, this.config);
      if (bad.length) throw new RangeError(`${bad.join(' ')} Change the setting to run again.`);
      const plan = this.hooks.plan(this.config);
      this.plans = Array.isArray(plan) ? plan : [plan];
      this.index = 0;
    } catch (e) {
      this.message = (e as Error).message;
      this.progress = null;
      this.setState('error');
      return;
    }
    this.started = true;
    this.autoPaused = paused;
    this.setState('loading');
    this.launch(paused);
  }

  /** Start the current plan in the worker (the previous run of a sequence is stopped first). */
  private launch(paused: boolean) {
    this.handle?.stop();
    this.handle = startRun(
      { ...this.plans[this.index], reportEvery: this.plans[this.index].reportEvery ?? SPEED_CALLS[this.speed] ?? 2, backend: preferredBackend(), paused },
      this.onMessage,
    );
  }

  run() {
    if (this.state === 'paused' && this.handle) {
      this.autoPaused = false;
      this.handle.resume();
      this.setState('running');
    } else if (this.state === 'idle' || this.state === 'error' || !this.handle) this.start();
  }

  pause() {
    if (!this.handle) return;
    this.handle.pause();
    this.autoPaused = false;
    this.setState('paused');
  }

  step() {
    if (!this.handle) {
      this.start(true);
      return;
    }
    this.handle.step(1);
    if (this.state === 'running') this.setState('paused');
  }

  reset() {
    this.handle?.stop();
    this.handle = null;
    this.started = false;
    this.message = null;
    this.progress = null;
    this.metrics = {};
    this.hooks.cleared?.();
    this.setState('idle');
  }

  /** New settings: reset, and train again right away if the figure is on screen. */
  restart() {
    this.reset();
    this.start();
  }

  visibility(v: boolean) {
    this.visible = v;
    if (v && !this.started) this.start();
    else if (v && this.autoPaused && this.state === 'paused' && this.handle) {
      this.autoPaused = false;
      this.handle.resume();
      this.setState('running');
    } else if (!v && this.state === 'running' && this.handle) {
      this.handle.pause();
      this.autoPaused = true;
      this.setState('paused');
    }
  }

  get isVisible() {
    return this.visible;
  }

  async copyLink() {
    const url = permalink(location.href, this.id, this.table, this.config);
    history.replaceState(null, '', url);
    toast((await copyText(url)) ? 'Link to this run copied' : `Link: ${url}`);
  }
}

/** `?backend=wasm` forces the WASM path (tests, and readers whose GPU path misbehaves). */
function preferredBackend(): 'auto' | 'wasm' | 'webgpu' {
  const b = new URLSearchParams(location.search).get('backend');
  return b === 'wasm' || b === 'webgpu' ? b : 'auto';
}
