import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_READING, effectiveMotion, parseReading, READING_KEY, readingAttributes, serializeReading } from '../../src/lib/reading-settings';

/** Stored values a reader's browser might hold: clean, old, hand-edited, hostile. */
const STORED: (string | null)[] = [
  null,
  '',
  'not json',
  '{',
  'null',
  '42',
  '"large"',
  '[]',
  '["fontSize","large"]',
  '{}',
  '{"fontSize":"large"}',
  '{"fontSize":"large","measure":"wide","font":"dyslexic","motion":"reduce"}',
  '{"fontSize":"huge","measure":"wide"}',
  '{"fontSize":3,"measure":null,"font":{"x":1},"motion":["reduce"]}',
  '{"__proto__":{"fontSize":"largest"}}',
  '{"constructor":"x","toString":"y","fontSize":"small"}',
  '{"fontSize":"LARGE"}',
  '{"motion":"allow","extra":"ignored"}',
  JSON.stringify({ fontSize: 'x'.repeat(5000) }),
];

describe('parseReading', () => {
  it('gives the defaults, with no complaint, when nothing is saved', () => {
    expect(parseReading(null)).toEqual({ settings: DEFAULT_READING, problem: null });
  });

  it('round-trips every valid setting', () => {
    const s = { fontSize: 'largest', measure: 'narrow', font: 'dyslexic', motion: 'allow' } as const;
    expect(parseReading(serializeReading(s))).toEqual({ settings: s, problem: null });
  });

  it('resets junk to the defaults and says so', () => {
    for (const raw of ['not json', 'null', '42', '"large"', '[]', '']) {
      const r = parseReading(raw);
      expect(r.settings, raw).toEqual(DEFAULT_READING);
      expect(r.problem, raw).toMatch(/could not be read/);
    }
  });

  it('keeps the valid fields of a partly bad save and names the others', () => {
    const r = parseReading('{"fontSize":"huge","measure":"wide","motion":3}');
    expect(r.settings).toEqual({ ...DEFAULT_READING, measure: 'wide' });
    expect(r.problem).toMatch(/fontSize, motion/);
  });

  it('reads no inherited keys and is case-exact', () => {
    expect(parseReading('{"__proto__":{"fontSize":"largest"}}').settings).toEqual(DEFAULT_READING);
    expect(parseReading('{"fontSize":"LARGE"}').settings.fontSize).toBe('normal');
  });

  it('never throws and always returns the four fields with allowed values', () => {
    for (const raw of STORED) {
      const { settings } = parseReading(raw);
      expect(Object.keys(settings).sort()).toEqual(['font', 'fontSize', 'measure', 'motion']);
    }
  });
});

describe('effectiveMotion', () => {
  it('follows the system only when set to system', () => {
    expect(effectiveMotion('system', true)).toBe('reduce');
    expect(effectiveMotion('system', false)).toBe('allow');
    expect(effectiveMotion('reduce', false)).toBe('reduce');
    expect(effectiveMotion('allow', true)).toBe('allow');
  });
});

/** Runs public/reading-init.js as the browser would (a plain script) against a fake <html> and storage. */
function runInit(storage: { theme?: string | null; reading?: string | null } | 'blocked') {
  const attrs: Record<string, string> = {};
  const localStorage = {
    getItem(key: string) {
      if (storage === 'blocked') throw new DOMException('The operation is insecure.', 'SecurityError');
      if (key === 'learning-dynamics.theme') return storage.theme ?? null;
      if (key === READING_KEY) return storage.reading ?? null;
      return null;
    },
  };
  const document = { documentElement: { setAttribute: (k: string, v: string) => (attrs[k] = String(v)) } };
  runInNewContext(readFileSync('public/reading-init.js', 'utf8'), { document, localStorage, JSON, Object, Array });
  return attrs;
}

describe('public/reading-init.js (before first paint)', () => {
  it('applies the same settings as parseReading for every stored value, and flags a reset exactly when it complains', () => {
    for (const raw of STORED) {
      const attrs = runInit({ reading: raw });
      const parsed = parseReading(raw);
      const expected: Record<string, string> = { ...readingAttributes(parsed.settings) };
      if (parsed.problem) expected['data-reading-storage'] = 'reset';
      expect(attrs, String(raw)).toEqual(expected);
    }
  });

  it('applies the stored theme, and only a known one', () => {
    expect(runInit({ theme: 'dark' })['data-theme']).toBe('dark');
    expect(runInit({ theme: 'light' })['data-theme']).toBe('light');
    expect(runInit({ theme: 'purple' })['data-theme']).toBeUndefined();
  });

  it('survives blocked storage: the defaults apply and the page knows why', () => {
    const attrs = runInit('blocked');
    expect(attrs).toEqual({ ...readingAttributes(DEFAULT_READING), 'data-reading-storage': 'blocked' });
  });
});
