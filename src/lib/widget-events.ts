/**
 * Page-level events between widgets and exercises (the frame's data-* attributes carry the same
 * state for tests). A widget announces each state change; an exercise may ask a widget to run.
 * 'unconverged': the run trained to its end but finished far above its starting loss (the
 * numbers are a failed run's; the frame says "Did not converge").
 */
export type WidgetState = 'idle' | 'loading' | 'running' | 'paused' | 'done' | 'unconverged' | 'diverged' | 'error';

export interface WidgetStateEvent {
  widget: string;
  state: WidgetState;
  metrics: Record<string, number>;
  /** Increments with each new run (reset, restart, new settings). */
  run: number;
}

export const STATE_EVENT = 'ld:widget-state';
export const COMMAND_EVENT = 'ld:widget-command';

export function announceState(detail: WidgetStateEvent) {
  window.dispatchEvent(new CustomEvent(STATE_EVENT, { detail }));
}

export function requestRestart(widget: string) {
  window.dispatchEvent(new CustomEvent(COMMAND_EVENT, { detail: { widget, command: 'restart' } }));
}
