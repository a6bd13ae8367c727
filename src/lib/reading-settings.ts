/**
 * The reader's reading settings: font size, line width, a dyslexia-friendly font, and motion.
 * Pure parsing and validation (no DOM, no storage): the settings panel and the tests use this;
 * public/reading-init.js applies the same rules before first paint (a test keeps the two in step).
 *
 * Stored as JSON under READING_KEY. Storage may hold anything (an old version, a hand edit, another
 * script's junk): each field is checked on its own, an unknown value falls back to its default, and
 * the parse says so, so the panel can tell the reader their saved settings were reset.
 */
export const READING_KEY = 'learning-dynamics.reading';

export const FONT_SIZES = ['small', 'normal', 'large', 'larger', 'largest'] as const;
export const MEASURES = ['narrow', 'normal', 'wide'] as const;
export const FONTS = ['book', 'dyslexic'] as const;
export const MOTIONS = ['system', 'reduce', 'allow'] as const;

export interface ReadingSettings {
  fontSize: (typeof FONT_SIZES)[number];
  measure: (typeof MEASURES)[number];
  font: (typeof FONTS)[number];
  motion: (typeof MOTIONS)[number];
}

export const DEFAULT_READING: Readonly<ReadingSettings> = Object.freeze({ fontSize: 'normal', measure: 'normal', font: 'book', motion: 'system' });

/** Labels for the panel, in the order of the option lists. */
export const LABELS = {
  fontSize: { small: 'Small', normal: 'Normal', large: 'Large', larger: 'Larger', largest: 'Largest' },
  measure: { narrow: 'Narrow', normal: 'Normal', wide: 'Wide' },
  font: { book: 'Book serif', dyslexic: 'OpenDyslexic' },
  motion: { system: 'As the system', reduce: 'Reduce', allow: 'Allow' },
} as const satisfies { [K in keyof ReadingSettings]: Record<ReadingSettings[K], string> };

const CHOICES: { [K in keyof ReadingSettings]: readonly ReadingSettings[K][] } = {
  fontSize: FONT_SIZES,
  measure: MEASURES,
  font: FONTS,
  motion: MOTIONS,
};

export interface ParsedReading {
  settings: ReadingSettings;
  /** Why some or all stored values were dropped, or null when the stored value was clean (or absent). */
  problem: string | null;
}

/** Parse what storage holds (null: nothing saved). Never throws. */
export function parseReading(raw: string | null): ParsedReading {
  if (raw === null) return { settings: { ...DEFAULT_READING }, problem: null };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { settings: { ...DEFAULT_READING }, problem: 'Your saved reading settings could not be read and were reset.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { settings: { ...DEFAULT_READING }, problem: 'Your saved reading settings could not be read and were reset.' };
  }
  const settings = { ...DEFAULT_READING };
  const dropped: string[] = [];
  for (const key of Object.keys(CHOICES) as (keyof ReadingSettings)[]) {
    if (!Object.hasOwn(value, key)) continue; // a missing field keeps its default (older saves)
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'string' && (CHOICES[key] as readonly string[]).includes(v)) (settings as Record<string, string>)[key] = v;
    else dropped.push(key);
  }
  return { settings, problem: dropped.length ? `Some saved reading settings were not valid and were reset (${dropped.join(', ')}).` : null };
}

export function serializeReading(s: ReadingSettings): string {
  return JSON.stringify({ fontSize: s.fontSize, measure: s.measure, font: s.font, motion: s.motion });
}

/** The attributes on <html> that the stylesheet reads (src/components/settings/reading.css). */
export function readingAttributes(s: ReadingSettings): Record<string, string> {
  return { 'data-font-size': s.fontSize, 'data-measure': s.measure, 'data-font': s.font, 'data-motion': s.motion };
}

/** Motion as it applies: an explicit choice wins, else the system's prefers-reduced-motion. */
export function effectiveMotion(motion: ReadingSettings['motion'], systemReduces: boolean): 'reduce' | 'allow' {
  if (motion === 'system') return systemReduces ? 'reduce' : 'allow';
  return motion;
}
