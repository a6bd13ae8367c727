/**
 * Predict-then-run exercises conceal a figure's results for the settings they ask about until the
 * reader commits a prediction, so the answer is never on screen before the guess. The exercises
 * say so in the page's static HTML (Exercise.astro: data-predict-widget, data-predict-settings),
 * which exists before any island hydrates; the commitment lives in the progress store.
 */
import { progressStore } from './progress';
import { guardCovers, settingsMatch, type Settings } from './widget-events';

export interface Guard {
  exercise: string;
  widget: string;
  settings: Settings;
}

/** The predict exercises on this page that ask about `widget`. */
export function guardsFor(widget: string): Guard[] {
  if (typeof document === 'undefined') return [];
  const out: Guard[] = [];
  for (const el of document.querySelectorAll<HTMLElement>('[data-predict-widget]')) {
    if (el.dataset.predictWidget !== widget || !el.dataset.exercise) continue;
    try {
      out.push({ exercise: el.dataset.exercise, widget, settings: JSON.parse(el.dataset.predictSettings ?? '{}') as Settings });
    } catch {
      // a malformed attribute guards nothing; the content test checks the tags
    }
  }
  return out;
}

/** Whether the reader has committed a prediction for these settings (and it is still standing). */
export function committed(g: Guard): boolean {
  const p = progressStore().get(g.exercise)?.saved?.prediction;
  return !!p && settingsMatch(p.settings, g.settings);
}

/** The note a figure shows instead of its results, or null when nothing is to be concealed. */
export function concealment(widget: string, config: Settings): string | null {
  const g = guardsFor(widget).find((x) => Object.keys(x.settings).length > 0 && guardCovers(config, x.settings) && !committed(x));
  return g
    ? 'Results hidden at these settings until you commit your prediction in the exercise below — then the exercise runs them for you.'
    : null;
}

/** Call `fn` whenever a commitment may have changed. */
export function onCommitChange(fn: () => void): () => void {
  return progressStore().subscribe(fn);
}
