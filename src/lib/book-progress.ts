/** What /progress/ shows for one exercise, from the reader's stored record (pure, so it is tested in Node). */
import type { ExerciseRecord } from './progress';

export type Mark = 'done' | 'attempted' | 'none';

export interface ExerciseRow {
  id: string;
  chapter: string;
  /** Link to the exercise in its chapter. */
  href: string;
  section: string;
  kind: string;
  /** A choice exercise's option texts, in order, to show the reader's choice in words. */
  options?: string[];
}

/** The reader's saved answer in words, or null when there is none. */
export function answerText(kind: string, r: ExerciseRecord | undefined, options: readonly string[] = []): string | null {
  if (!r) return null;
  const p = r.saved?.prediction;
  if (p) return `Predicted ${p.typed || p.value}${p.actual !== undefined ? `; the run gave ${p.actual}` : ' (not yet run)'}`;
  if (r.saved?.typed) return r.saved.typed;
  const choice = r.saved?.choice ?? (kind === 'choice' && typeof r.answer === 'number' ? r.answer : undefined);
  if (choice !== undefined) return options[choice] ?? `Option ${choice + 1}`;
  if (r.answer !== undefined && r.answer !== '') return String(r.answer);
  return null;
}

/** Counts over a list of marks. */
export function tally(marks: readonly Mark[]): { done: number; attempted: number; total: number } {
  return { done: marks.filter((m) => m === 'done').length, attempted: marks.filter((m) => m === 'attempted').length, total: marks.length };
}
