/**
 * Page-level events between widgets and exercises (the frame's data-* attributes carry the same
 * state for tests). A widget announces each state change with the settings of its run; an
 * exercise may ask a widget to run, to run with stated settings, or to announce itself.
 * 'unconverged': the run trained to its end but finished far above its starting loss (the
 * numbers are a failed run's; the frame says "Did not converge").
 */
export type WidgetState = 'idle' | 'loading' | 'running' | 'paused' | 'done' | 'unconverged' | 'diverged' | 'error';

export type Settings = Record<string, number | boolean | string>;

export interface WidgetStateEvent {
  widget: string;
  state: WidgetState;
  metrics: Record<string, number>;
  /** Increments with each new run (reset, restart, new settings). */
  run: number;
  /** The run's settings, seed included, as they are now (a setting applied mid-run shows here). */
  config: Settings;
  /** The ticket of the 'run' command that started this run; absent for runs the reader started. */
  ticket?: string;
}

/**
 * Commands to a widget:
 *  - restart: train again with the figure's current settings;
 *  - run: apply `settings` (checked against the figure's field table) and train a fresh run
 *    carrying `ticket` in its announcements; a refused setting is announced as an 'error' state
 *    with that ticket;
 *  - announce: say the current state and settings (an exercise that mounted after the figure).
 */
export type WidgetCommand =
  | { widget: string; command: 'restart' }
  | { widget: string; command: 'run'; settings: Settings; ticket: string }
  | { widget: string; command: 'announce' };

export const STATE_EVENT = 'ld:widget-state';
export const COMMAND_EVENT = 'ld:widget-command';

export function announceState(detail: WidgetStateEvent) {
  window.dispatchEvent(new CustomEvent(STATE_EVENT, { detail }));
}

export function sendCommand(detail: WidgetCommand) {
  window.dispatchEvent(new CustomEvent(COMMAND_EVENT, { detail }));
}

export function requestRestart(widget: string) {
  sendCommand({ widget, command: 'restart' });
}

/** Whether a run's settings agree with every stated setting (settings not stated are free). */
export function settingsMatch(config: Settings, stated: Settings): boolean {
  return Object.entries(stated).every(([k, v]) => config[k] === v);
}

/**
 * A predict exercise conceals a figure's results for its stated settings until the prediction is
 * committed. It matches on the stated settings other than the seed (another seed at the same
 * settings gives nearly the same answer); only a statement of the seed alone matches on the seed.
 */
export function guardCovers(config: Settings, stated: Settings): boolean {
  const keys = Object.keys(stated).filter((k) => k !== 'seed');
  return settingsMatch(config, keys.length ? Object.fromEntries(keys.map((k) => [k, stated[k]])) : stated);
}

/** "members 30, seed 4242" from settings and the figure's labels where known. */
export function describeSettings(s: Settings, labels: Record<string, string> = {}): string {
  return Object.entries(s)
    .map(([k, v]) => `${labels[k] ?? k} ${typeof v === 'boolean' ? (v ? 'on' : 'off') : v}`)
    .join(', ');
}
