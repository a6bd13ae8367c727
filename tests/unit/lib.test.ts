import { describe, expect, it } from 'vitest';
import { chapterSchema } from '../../src/content/schema';
import { gradeChoice, gradeNumeric, gradePrediction, parseNumber, readAnswer } from '../../src/lib/grading';
import type { FieldTable } from '../../src/engine/fields';
import { decodeConfig, encodeConfig, permalink } from '../../src/lib/permalink';
import { ProgressStore, STORAGE_KEY } from '../../src/lib/progress';

const table = {
  members: { kind: 'int', default: 100, min: 1, max: 500, label: 'Models' },
  lr: { kind: 'float', default: 0.1, min: 1e-4, max: 10, label: 'Learning rate' },
  varyInit: { kind: 'bool', default: true, label: 'Vary init' },
  act: { kind: 'enum', default: 'relu', options: [{ value: 'relu', label: 'ReLU' }, { value: 'tanh', label: 'tanh' }], label: 'Activation' },
} satisfies FieldTable;

describe('permalinks', () => {
  it('round-trip every field type', () => {
    const config = { members: 37, lr: 0.025, varyInit: false, act: 'tanh' };
    const q = encodeConfig('w', table, config, 'other.x=1&utm=2');
    const back = decodeConfig('w', table, q);
    expect(back.config).toEqual(config);
    expect(back.errors).toEqual([]);
    expect(back.fromLink).toBe(true);
    expect(new URLSearchParams(q).get('other.x')).toBe('1');
  });
  it('a link with no fields gives the defaults, not "from link"', () => {
    const d = decodeConfig('w', table, '?x.members=3');
    expect(d.config.members).toBe(100);
    expect(d.fromLink).toBe(false);
  });
  it('malformed or out-of-range values fall back per field, with a message each', () => {
    const d = decodeConfig('w', table, '?w.members=abc&w.lr=99&w.varyInit=maybe&w.act=sigmoid&w.bogus=1&w.members=2.5');
    expect(d.config).toEqual({ members: 100, lr: 0.1, varyInit: true, act: 'relu' });
    expect(d.errors).toHaveLength(6);
    expect(d.errors.join(' ')).toMatch(/Models: "abc" is not a whole number; using the default \(100\)/);
    expect(d.errors.join(' ')).toMatch(/Learning rate: 99 is outside/);
    const partial = decodeConfig('w', table, '?w.members=12&w.lr=NaN');
    expect(partial.config.members).toBe(12);
    expect(partial.config.lr).toBe(0.1);
  });
  it('builds a full link to the widget anchor', () => {
    const url = permalink('https://book.test/chapters/a/?q=1#intro', 'w', table, { members: 5, lr: 1, varyInit: true, act: 'relu' });
    expect(url).toBe('https://book.test/chapters/a/?q=1&w.members=5&w.lr=1&w.varyInit=1&w.act=relu#w');
  });
});

describe('grading', () => {
  it('multiple choice returns the option explanation', () => {
    const opts = [{ text: 'a', why: 'no' }, { text: 'b', correct: true, why: 'yes' }];
    expect(gradeChoice(opts, 1)).toEqual({ correct: true, explanation: 'yes' });
    expect(gradeChoice(opts, 0).correct).toBe(false);
    expect(gradeChoice(opts, 5).correct).toBe(false);
  });
  it('parses numbers as readers type them', () => {
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber(' 1e-3 ')).toBe(0.001);
    expect(parseNumber('50%')).toBe(0.5);
    expect(parseNumber('1,000,000')).toBe(1_000_000);
    expect(parseNumber('1,000.5')).toBe(1000.5);
    expect(parseNumber('abc')).toBeNull();
    expect(parseNumber('')).toBeNull();
  });
  it('reads decimal commas, percent and percentage points as the unit asks, and says how it read them', () => {
    const pp = 'percentage points';
    for (const typed of ['1.2', '1.2%', '1,2', '1.2 pp', ' 1.2 ', '1.2pp', '1.2 percentage points'])
      expect(readAnswer(typed, pp), typed).toEqual({ value: 1.2, read: '1.2 percentage points' });
    expect(readAnswer('-0,5')).toEqual({ value: -0.5, read: '-0.5' });
    expect(readAnswer('−0.5')).toMatchObject({ value: -0.5 });
    expect(readAnswer(' 1.2 ')).toEqual({ value: 1.2, read: '1.2' });
    // without a unit a percentage is a fraction, and the echo says so
    expect(readAnswer('80%')).toEqual({ value: 0.8, read: '80% = 0.8' });
    expect(readAnswer('0,8')).toEqual({ value: 0.8, read: '0.8' });
    expect(readAnswer('40 steps', 'steps')).toEqual({ value: 40, read: '40 steps' });
  });
  it('refuses what it cannot read, with a message that says what to type', () => {
    expect(readAnswer('abc').error).toMatch(/"abc" is not a number I can read.*Type digits/);
    expect(readAnswer('1.2.3').value).toBeNull();
    expect(readAnswer('1,2,3').value).toBeNull();
    expect(readAnswer('').error).toMatch(/Type a number/);
    expect(readAnswer('1.2 kg', 'percentage points').error).toMatch(/read the number 1.2 but not "kg".*percentage points/);
    expect(readAnswer('0.8 apples').error).toMatch(/not "apples"/);
    // "1,200" is a thousand and two hundred, or 1.2 with a decimal comma: asked, not guessed
    expect(readAnswer('1,200').error).toMatch(/two ways.*1200.*1\.200/);
  });
  it('numeric answers honour the tolerance', () => {
    expect(gradeNumeric('10.4', 10, { abs: 0.5 }).correct).toBe(true);
    expect(gradeNumeric('10.6', 10, { abs: 0.5 }).correct).toBe(false);
    expect(gradeNumeric('10.6', 10, { rel: 0.1 }).correct).toBe(true);
    expect(gradeNumeric('ten', 10, { abs: 1 }).message).toMatch(/not a number/);
    expect(gradeNumeric('1,2 pp', 1.2, { abs: 0.05 }, 'percentage points')).toMatchObject({ correct: true, message: 'Read as 1.2 percentage points. Correct.' });
  });
  it('predictions are graded against the run', () => {
    const g = gradePrediction(0.3, 0.45, { abs: 0.1 });
    expect(g.correct).toBe(false);
    expect(g.message).toMatch(/your run produced 0.450/);
    expect(gradePrediction(0.8, 0.85, { abs: 0.1 }, '80% = 0.8').message).toMatch(/^You predicted 0.800 \(read as 80% = 0.8\); your run produced 0.850\. Within/);
  });
});

function memoryStorage(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), map: m };
}

describe('progress store', () => {
  it('records, summarizes, and survives a reload', () => {
    const s = memoryStorage();
    const a = new ProgressStore(() => s);
    a.record('ex1', 'ch1', false, 2);
    a.record('ex1', 'ch1', true, 1);
    a.record('ex2', 'ch1', false);
    const b = new ProgressStore(() => s);
    expect(b.get('ex1')).toMatchObject({ attempts: 2, correct: true, answer: 1 });
    expect(b.chapterSummary('ch1', ['ex1', 'ex2', 'ex3'])).toEqual({ done: 1, attempted: 2, total: 3 });
    expect(b.status).toBe('ok');
  });
  it('blocked storage: works in memory and says so', () => {
    const st = new ProgressStore(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    expect(st.status).toBe('blocked');
    expect(st.message).toMatch(/will not be kept/);
    expect(st.record('e', 'c', true).correct).toBe(true);
  });
  it('corrupt storage: the old value is kept aside, a fresh record starts', () => {
    const s = memoryStorage({ [STORAGE_KEY]: '{not json' });
    const st = new ProgressStore(() => s);
    expect(st.status).toBe('recovered');
    expect([...s.map.keys()].some((k) => k.startsWith(`${STORAGE_KEY}.corrupt-`))).toBe(true);
    st.record('e', 'c', true);
    expect(JSON.parse(s.map.get(STORAGE_KEY)!).exercises.e.correct).toBe(true);
  });
  it('keeps what an exercise shows (answer, pick, feedback, committed prediction) across a reload', () => {
    const s = memoryStorage();
    const a = new ProgressStore(() => s);
    const prediction = { value: 0.8, typed: '80%', settings: { members: 30, seed: 4242 }, committed: '2026-01-01T00:00:00Z' };
    a.keep('p', 'ch1', { typed: '80%', prediction });
    expect(a.get('p')).toMatchObject({ attempts: 0, correct: false });
    expect(a.mark('p')).toBe('none');
    a.record('p', 'ch1', true, 0.8, { typed: '80%', prediction: { ...prediction, actual: 0.86 }, feedback: { good: true, text: 'well predicted' } });
    a.record('c', 'ch1', false, 2, { choice: 2, feedback: { good: false, text: 'Not this one.' } });
    const b = new ProgressStore(() => s);
    expect(b.get('p')?.saved).toEqual({ typed: '80%', prediction: { ...prediction, actual: 0.86 }, feedback: { good: true, text: 'well predicted' } });
    expect(b.get('c')?.saved?.choice).toBe(2);
    expect(b.mark('p')).toBe('done');
    expect(b.mark('c')).toBe('attempted');
    // keeping (a new prediction) counts no attempt and keeps the mark
    b.keep('p', 'ch1', { typed: '' });
    expect(b.get('p')).toMatchObject({ attempts: 1, correct: true, saved: { typed: '' } });
    expect(b.chapterSummary('ch1', ['p', 'c'])).toEqual({ done: 1, attempted: 2, total: 2 });
  });
  it('a saved state of the wrong shape is treated as corrupt, not trusted', () => {
    const bad = JSON.stringify({ version: 1, exercises: { e: { chapter: 'c', attempts: 1, correct: false, updated: '', saved: { prediction: { value: 'x' } } } } });
    const st = new ProgressStore(() => memoryStorage({ [STORAGE_KEY]: bad }));
    expect(st.status).toBe('recovered');
    expect(st.get('e')).toBeUndefined();
  });
  it('export and import round-trip; a bad file changes nothing', () => {
    const a = new ProgressStore(() => memoryStorage());
    a.record('e1', 'c', true, 'x');
    const b = new ProgressStore(() => memoryStorage());
    expect(b.importJson('{"version":2}').ok).toBe(false);
    expect(b.importJson(a.exportJson())).toMatchObject({ ok: true });
    expect(b.get('e1')?.correct).toBe(true);
  });
});

describe('chapter schema', () => {
  const base = { title: 'Training as search', order: 1, summary: 'Why the path decides the algorithm.', readingTime: 20 };
  it('accepts a valid chapter and fills defaults', () => {
    const c = chapterSchema.parse({ ...base, wiki: ['goal-misgeneralization'] });
    expect(c.prerequisites).toEqual([]);
  });
  it('rejects bad wiki slugs, missing fields, and a references list (they live in content/references.yaml)', () => {
    expect(chapterSchema.safeParse({ ...base, wiki: ['Goal Misgeneralization'] }).success).toBe(false);
    expect(chapterSchema.safeParse({ title: 'x y z', order: 1 }).success).toBe(false);
    const ref = { key: 'a', authors: ['X'], year: 2020, title: 't' };
    const r = chapterSchema.safeParse({ ...base, references: [ref] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toMatch(/content\/references\.yaml/);
  });
});
