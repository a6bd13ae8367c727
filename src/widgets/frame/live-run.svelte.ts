/**
 * The page half of every live figure: runs the figure's experiment in the worker by name and
 * keeps what its reports say (metrics, figure data, progress), the run's state machine,
 * visibility (train only while on screen), permalinks, and the page events exercises listen to.
 * A view renders `figure` and `metrics` and sends the experiment's actions through `act`.
 */
import { type ConfigFor, type Experiment, type RunMetric, settingsOf } from '../../engine/experiment';
import { defaults, type FieldTable, validateConfig, type WithSeed } from '../../engine/fields';
import { connection, preferredBackend, type RunHandle } from '../../runtime/client';
import type { FromWorker } from '../../runtime/protocol';
import { copyText, toast } from '../../lib/page-chrome';
import { reducedMotion } from '../../lib/motion';
import { decodeConfig, encodeConfig, permalink } from '../../lib/permalink';
import { chartsSVG, download, svgToPNG, toCSV, toJSON } from './export';
import { concealment, onCommitChange } from '../../lib/exercise-guard';
import { announceState, COMMAND_EVENT, type Settings, type WidgetCommand, type WidgetState } from '../../lib/widget-events';

/** Training calls per report at each speed setting. */
const SPEED_CALLS: Record<number, number> = { 1: 1, 2: 2, 5: 6 };

export class LiveRun<F extends FieldTable = FieldTable, M extends string = string, Fig extends object = object> {
  state = $state<WidgetState>('idle');
  backend = $state('chosen when training starts');
  message = $state<string | null>(null);
  notices = $state<string[]>([]);
  progress = $state<number | null>(null);
  metrics = $state.raw<Partial<Record<M | RunMetric | 'diverged', number>>>({});
  figure = $state.raw<Partial<Fig>>({});
  config = $state() as ConfigFor<F>;
  /** Actions in flight (a view may disable what would start another). */
  acting = $state(0);
  readonly table: WithSeed<F>;
  /** Increments with every new run: exercises grade only runs started after a prediction. */
  runNumber = 0;
  /** The ticket of the exercise 'run' command that started this run (exercises grade only their own runs). */
  private ticket: string | undefined;
  private commitTick = $state(0);
  /** Why the results are hidden (a predict exercise about these settings awaits its prediction), or null. */
  readonly concealed = $derived.by(() => {
    void this.commitTick;
    return concealment(this.id, this.config as Settings);
  });
  private handle: RunHandle | null = null;
  private autoPaused = false;
  private started = false;
  private speedSetting = $state(2);
  /** Notices about the link the page was opened with: they go once the reader changes a setting. */
  private linkNotices: string[] = [];

  constructor(readonly experiment: Experiment<F, M, Fig>) {
    this.table = settingsOf(experiment);
    const decoded = decodeConfig(experiment.id, this.table, typeof location === 'undefined' ? '' : location.search);
    this.config = decoded.config as ConfigFor<F>;
    if (decoded.errors.length) this.linkNotices = decoded.errors;
    else if (decoded.fromLink) this.linkNotices = ['Settings restored from the link; this replays the same run.'];
    this.notices = [...this.linkNotices];
  }

  /** The run ended with results to show (converged or not). */
  get ended(): boolean {
    return this.state === 'done' || this.state === 'unconverged';
  }

  get id(): string {
    return this.experiment.id;
  }

  get speed(): number {
    return this.speedSetting;
  }

  set speed(v: number) {
    this.speedSetting = v;
    this.handle?.speed(SPEED_CALLS[v] ?? 2);
  }

  /** Wire page events (call from onMount); returns the cleanup. */
  mount(): () => void {
    const onCommand = (ev: Event) => {
      const d = (ev as CustomEvent<WidgetCommand>).detail;
      if (d.widget !== this.id) return;
      if (d.command === 'restart') this.restart();
      else if (d.command === 'run' && d.ticket !== this.ticket) this.runStated(d.settings, d.ticket); // a repeat of the same ticket is already running
      else if (d.command === 'announce') this.announce();
    };
    addEventListener(COMMAND_EVENT, onCommand);
    const unwatch = onCommitChange(() => this.commitTick++);
    this.announce(); // exercises that mounted first learn this figure's settings
    return () => {
      unwatch();
      removeEventListener(COMMAND_EVENT, onCommand);
      this.handle?.stop();
    };
  }

  private setState(s: WidgetState) {
    this.state = s;
    this.announce();
  }

  private announce() {
    announceState({
      widget: this.id, state: this.state, metrics: this.metrics as Record<string, number>, run: this.runNumber,
      config: $state.snapshot(this.config) as Settings, ticket: this.ticket,
    });
  }

  private clear() {
    this.metrics = {};
    this.figure = {};
  }

  private onMessage = (m: FromWorker) => {
    switch (m.type) {
      case 'ready':
        if (m.restart) this.clear();
        this.backend = `${m.backend.backend === 'webgpu' ? 'WebGPU' : 'WASM'} — ${m.backend.reason}; ${m.members} model${m.members === 1 ? '' : 's'} × ${m.parameters} parameters`;
        if (this.state === 'loading') this.setState(this.autoPaused ? 'paused' : 'running');
        return;
      case 'report':
        this.metrics = { ...this.metrics, ...m.metrics };
        this.figure = { ...this.figure, ...(m.figure as Partial<Fig>) };
        this.progress = m.progress;
        // re-announce so listeners see fresh metrics
        if (this.state !== 'loading') this.announce();
        return;
      case 'done':
        this.progress = 1;
        // a run that ended far above its starting loss is not "Done": the message says why
        if (m.verdict === 'unconverged') this.message = m.message ?? 'Training did not converge.';
        this.setState(m.verdict === 'unconverged' ? 'unconverged' : 'done');
        return;
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
  start(paused = false, ticket?: string) {
    this.ticket = ticket;
    this.handle?.stop();
    this.handle = null;
    this.message = null;
    this.clear();
    this.progress = 0;
    this.runNumber++;
    const bad = validateConfig(this.table, this.config);
    if (bad.length) {
      this.message = `${bad.join(' ')} Change the setting to run again.`;
      this.progress = null;
      this.setState('error');
      return;
    }
    this.started = true;
    this.autoPaused = paused;
    this.setState('loading');
    this.handle = connection.run(
      { experiment: this.id, config: $state.snapshot(this.config) as Record<string, unknown>, backend: preferredBackend(), speed: SPEED_CALLS[this.speed] ?? 2, paused },
      this.onMessage,
    );
  }

  run() {
    if (this.ended || this.state === 'diverged') this.restart();
    else if (this.state === 'paused' && this.handle) {
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
    if (this.state === 'running') {
      this.handle.pause();
      this.setState('paused');
    }
    this.handle.step();
  }

  reset() {
    this.ticket = undefined;
    this.handle?.stop();
    this.handle = null;
    this.started = false;
    this.message = null;
    this.progress = null;
    this.clear();
    this.setState('idle');
  }

  /** New settings: reset, and train again right away. */
  restart() {
    this.reset();
    this.start();
  }

  /** Back to the figure's default settings, and train again. */
  restoreDefaults() {
    this.config = defaults(this.table) as ConfigFor<F>;
    this.settingsChanged();
    this.restart();
  }

  /** The reader's settings now differ from the link's: its notices go, and the address follows. */
  private settingsChanged() {
    if (this.linkNotices.length) {
      this.notices = this.notices.filter((n) => !this.linkNotices.includes(n));
      this.linkNotices = [];
    }
    if (typeof history === 'undefined' || validateConfig(this.table, this.config).length) return;
    const url = new URL(location.href);
    url.search = encodeConfig(this.id, this.table, $state.snapshot(this.config) as ConfigFor<F>, url.search);
    history.replaceState(history.state, '', url);
  }

  /**
   * An exercise's run: its stated settings (refused, with a message, when the table does not allow
   * them), a fresh run announced with the exercise's ticket, trained to the end even off screen.
   */
  runStated(settings: Settings, ticket: string) {
    const unknown = Object.keys(settings).filter((k) => !Object.hasOwn(this.table, k)).map((k) => `There is no setting "${k}".`);
    const bad = [...unknown, ...validateConfig(this.table, { ...($state.snapshot(this.config) as Settings), ...settings } as ConfigFor<F>)];
    this.reset();
    if (bad.length) {
      this.ticket = ticket;
      this.message = `The exercise's settings were refused: ${bad.join(' ')}`;
      this.setState('error');
      return;
    }
    Object.assign(this.config, settings);
    this.start(false, ticket);
  }

  /** A setting changed in a control: apply it to this run where the experiment can, else train again. */
  changed(name: string) {
    this.settingsChanged();
    const f = this.table[name];
    if (f?.apply) {
      if (this.handle && validateConfig(this.table, this.config).length === 0) void this.act(f.apply, { [name]: (this.config as Record<string, unknown>)[name] });
      return;
    }
    this.restart();
  }

  /**
   * Ask the experiment for one of its actions (pick a seed, re-slice). Resolves true when it ran;
   * a refusal becomes a notice under the figure, never an unhandled error or a stuck control.
   */
  async act(name: string, args: unknown): Promise<boolean> {
    const handle = this.handle;
    if (!handle) return false;
    this.acting++;
    try {
      await handle.action(name, args);
      return true;
    } catch (e) {
      // a run that was replaced, stopped or failed says so itself
      if (handle === this.handle) this.notices = [...this.notices, `Could not ${name}: ${(e as Error).message}.`];
      return false;
    } finally {
      this.acting--;
    }
  }

  /**
   * On screen: train (the first time) or resume what scrolling away paused. Under reduced motion
   * (the reader's setting, or the system's) a figure does not start by itself: it waits, idle, for
   * its Run button; once the reader has started it, scrolling pauses and resumes it as usual.
   */
  visibility(v: boolean) {
    if (v && !this.started) {
      if (!reducedMotion()) this.start();
    }
    else if (v && this.autoPaused && this.state === 'paused' && this.handle) {
      this.autoPaused = false;
      this.handle.resume();
      this.setState('running');
    } else if (!v && this.state === 'running' && this.handle && !this.ticket) {
      this.handle.pause();
      this.autoPaused = true;
      this.setState('paused');
    }
  }

  /** Download the figure's data (JSON, CSV) or its charts (SVG, PNG). */
  async exportFigure(kind: 'json' | 'csv' | 'svg' | 'png', figure: string) {
    const name = `${this.id}-seed${this.config.seed}`;
    const e = { widget: this.id, title: this.experiment.title, figure, config: $state.snapshot(this.config) as Record<string, unknown>, metrics: this.metrics as Record<string, number>, data: this.figure as Record<string, unknown> };
    try {
      if (kind === 'json') download(`${name}.json`, toJSON(e), 'application/json');
      else if (kind === 'csv') download(`${name}.csv`, toCSV(e), 'text/csv');
      else {
        const root = document.getElementById(this.id);
        if (!root) return;
        const svg = chartsSVG(root, `${figure ? `Figure ${figure}. ` : ''}${this.experiment.title}`);
        if (kind === 'svg') download(`${name}.svg`, svg, 'image/svg+xml');
        else download(`${name}.png`, await svgToPNG(svg));
      }
    } catch (err) {
      toast(`Could not export: ${(err as Error).message}`);
    }
  }

  async copyLink() {
    const url = permalink(location.href, this.id, this.table, this.config);
    history.replaceState(null, '', url);
    toast((await copyText(url)) ? 'Link to this run copied' : `Link: ${url}`);
  }
}
