/**
 * Reading progress: exercise answers, attempts and completion, kept in localStorage. Storage that
 * is blocked (privacy settings, sandboxed frames) or corrupt never breaks an exercise: the store
 * falls back to memory and says so; a corrupt value is moved aside, not silently overwritten.
 */
export const STORAGE_KEY = 'learning-dynamics.progress.v1';

export interface ExerciseRecord {
  chapter: string;
  attempts: number;
  correct: boolean;
  /** The reader's last answer (option index, number, or committed prediction). */
  answer?: number | string;
  /** What the exercise showed, restored after a reload (the reader's text, pick, feedback, prediction). */
  saved?: SavedExercise;
  updated: string;
}

/** A committed prediction: what was predicted, for which settings, and when (before the run that grades it). */
export interface SavedPrediction {
  value: number;
  typed: string;
  /** The figure settings this prediction is about (the exercise's stated settings). */
  settings: Record<string, number | boolean | string>;
  committed: string;
  /** Set once a run with those settings, started after `committed`, finished and graded it. */
  actual?: number;
}

export interface SavedExercise {
  typed?: string;
  choice?: number;
  feedback?: { good: boolean; text: string };
  prediction?: SavedPrediction;
}

export interface ProgressData {
  version: 1;
  exercises: Record<string, ExerciseRecord>;
}

export type StorageStatus = 'ok' | 'blocked' | 'recovered';

function empty(): ProgressData {
  return { version: 1, exercises: {} };
}

function isRecord(r: unknown): r is ExerciseRecord {
  const x = r as ExerciseRecord;
  return (
    !!x && typeof x === 'object' && typeof x.chapter === 'string' && typeof x.attempts === 'number' && typeof x.correct === 'boolean' &&
    (x.saved === undefined || isSaved(x.saved))
  );
}

function isSaved(s: unknown): s is SavedExercise {
  const x = s as SavedExercise;
  if (!x || typeof x !== 'object') return false;
  if (x.typed !== undefined && typeof x.typed !== 'string') return false;
  if (x.choice !== undefined && typeof x.choice !== 'number') return false;
  if (x.feedback !== undefined && (typeof x.feedback !== 'object' || typeof x.feedback?.text !== 'string' || typeof x.feedback.good !== 'boolean')) return false;
  const p = x.prediction;
  if (p !== undefined && (typeof p !== 'object' || typeof p?.value !== 'number' || typeof p.committed !== 'string' || !p.settings || typeof p.settings !== 'object'))
    return false;
  return true;
}

/** Validate parsed JSON as progress data; null if it is not. */
export function validateProgress(raw: unknown): ProgressData | null {
  const d = raw as ProgressData;
  if (!d || typeof d !== 'object' || d.version !== 1 || !d.exercises || typeof d.exercises !== 'object') return null;
  if (!Object.values(d.exercises).every(isRecord)) return null;
  return { version: 1, exercises: { ...d.exercises } };
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

export class ProgressStore {
  private data: ProgressData = empty();
  private storage: StorageLike | null = null;
  status: StorageStatus = 'ok';
  /** What the reader should be told about storage, if anything. */
  message: string | null = null;
  private listeners = new Set<() => void>();

  constructor(getStorage: () => StorageLike | null) {
    try {
      this.storage = getStorage();
      if (!this.storage) throw new Error('no storage');
      const raw = this.storage.getItem(STORAGE_KEY);
      if (raw !== null) {
        let parsed: ProgressData | null = null;
        try {
          parsed = validateProgress(JSON.parse(raw));
        } catch {
          parsed = null;
        }
        if (parsed) this.data = parsed;
        else {
          const aside = `${STORAGE_KEY}.corrupt-${Date.now()}`;
          this.storage.setItem(aside, raw);
          this.status = 'recovered';
          this.message = `Saved progress could not be read; it was kept under "${aside}" and a fresh record started.`;
        }
      }
    } catch {
      this.storage = null;
      this.status = 'blocked';
      this.message = 'This browser blocks local storage here, so progress will not be kept after you leave the page. Exercises still work.';
    }
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private save() {
    if (this.storage) {
      try {
        this.storage.setItem(STORAGE_KEY, JSON.stringify(this.data));
      } catch {
        this.storage = null;
        this.status = 'blocked';
        this.message = 'Progress could not be saved (storage full or blocked); it is kept for this visit only.';
      }
    }
    for (const fn of this.listeners) fn();
  }

  get(id: string): ExerciseRecord | undefined {
    return this.data.exercises[id];
  }

  /** One graded attempt; `saved` (what the exercise shows) replaces the last one when given. */
  record(id: string, chapter: string, correct: boolean, answer?: number | string, saved?: SavedExercise): ExerciseRecord {
    const prev = this.data.exercises[id];
    const rec: ExerciseRecord = {
      chapter,
      attempts: (prev?.attempts ?? 0) + 1,
      correct: correct || !!prev?.correct,
      answer,
      saved: saved ?? prev?.saved,
      updated: new Date().toISOString(),
    };
    this.data.exercises[id] = rec;
    this.save();
    return rec;
  }

  /**
   * Keep what an exercise shows without grading it (a committed prediction, a cleared answer): no
   * attempt is counted, an existing mark stays.
   */
  keep(id: string, chapter: string, saved: SavedExercise | undefined): ExerciseRecord {
    const prev = this.data.exercises[id];
    const rec: ExerciseRecord = prev
      ? { ...prev, saved, updated: new Date().toISOString() }
      : { chapter, attempts: 0, correct: false, saved, updated: new Date().toISOString() };
    this.data.exercises[id] = rec;
    this.save();
    return rec;
  }

  /** 'done' (answered correctly once), 'attempted' (graded at least once) or 'none'. */
  mark(id: string): 'done' | 'attempted' | 'none' {
    const r = this.data.exercises[id];
    return r?.correct ? 'done' : r && r.attempts > 0 ? 'attempted' : 'none';
  }

  /** Completion of a chapter's exercises (ids known from the build). */
  chapterSummary(chapter: string, ids: readonly string[]): { done: number; attempted: number; total: number } {
    let done = 0;
    let attempted = 0;
    for (const id of ids) {
      const r = this.data.exercises[id];
      if (r && r.chapter === chapter && (r.attempts > 0 || r.correct)) {
        attempted++;
        if (r.correct) done++;
      }
    }
    return { done, attempted, total: ids.length };
  }

  exportJson(): string {
    return JSON.stringify({ ...this.data, exported: new Date().toISOString() }, null, 2);
  }

  /** Merge an exported file; nothing changes when it is not valid progress. */
  importJson(text: string): { ok: boolean; message: string } {
    let parsed: ProgressData | null = null;
    try {
      parsed = validateProgress(JSON.parse(text));
    } catch {
      parsed = null;
    }
    if (!parsed) return { ok: false, message: 'That file is not a Learning Dynamics progress export; nothing was changed.' };
    for (const [id, r] of Object.entries(parsed.exercises)) {
      const mine = this.data.exercises[id];
      this.data.exercises[id] = mine
        ? { ...r, attempts: Math.max(mine.attempts, r.attempts), correct: mine.correct || r.correct }
        : r;
    }
    this.save();
    return { ok: true, message: `Imported progress for ${Object.keys(parsed.exercises).length} exercises.` };
  }
}

let shared: ProgressStore | null = null;

/** The page's store, over window.localStorage (whose mere access can throw). */
export function progressStore(): ProgressStore {
  shared ??= new ProgressStore(() => window.localStorage);
  return shared;
}
