/**
 * Typed settings of an experiment: one table per experiment gives each setting's kind, range,
 * default, label and unit. The same table types the configuration, bounds permalinks
 * (src/lib/permalink.ts) and renders the figure's controls (src/widgets/frame/Controls.svelte).
 */
interface FieldBase {
  label: string;
  /** Shown after the control, e.g. "steps". */
  unit?: string;
  /**
   * What a change does once a run exists: by default the figure trains again; the name of one of
   * the experiment's actions applies the new value to the current run instead (e.g. re-slicing).
   */
  apply?: string;
}

export type Field = FieldBase &
  (
    | { kind: 'int'; default: number; min: number; max: number; step?: number }
    | { kind: 'float'; default: number; min: number; max: number; step?: number }
    | { kind: 'bool'; default: boolean }
    | { kind: 'enum'; default: string; options: readonly { value: string; label: string }[] }
  );

export type FieldTable = Record<string, Field>;

type ValueOf<F> = F extends { kind: 'bool' } ? boolean : F extends { kind: 'enum' } ? string : number;
export type ConfigOf<T extends FieldTable> = { [K in keyof T]: ValueOf<T[K]> };

/** Every figure's seed is a setting of its frame, not of its table (permalinks say `<id>.seed`). */
export const SEED_FIELD = { kind: 'int', default: 1, min: 0, max: 1_000_000, label: 'Seed' } as const satisfies Field;

export type WithSeed<T extends FieldTable> = T & { seed: typeof SEED_FIELD };
export function withSeed<T extends FieldTable>(table: T): WithSeed<T> {
  return { seed: SEED_FIELD, ...table };
}

export function defaults<T extends FieldTable>(table: T): ConfigOf<T> {
  return Object.fromEntries(Object.entries(table).map(([k, f]) => [k, f.default])) as ConfigOf<T>;
}

/** Parse one setting from text (a permalink value or a control's content). */
export function parseField(f: Field, raw: string): { value: number | boolean | string } | { error: string } {
  const shown = quoted(raw);
  switch (f.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) return { error: `${shown} is not a whole number` };
      const v = Number(raw);
      if (v < f.min || v > f.max) return { error: `${v} is outside ${f.min}–${f.max}` };
      return { value: v };
    }
    case 'float': {
      // decimal notation only: Number() would also read hex, binary and octal literals
      const v = DECIMAL.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isFinite(v)) return { error: `${shown} is not a number` };
      if (v < f.min || v > f.max) return { error: `${v} is outside ${f.min}–${f.max}` };
      return { value: v };
    }
    case 'bool':
      if (raw === '1' || raw === 'true') return { value: true };
      if (raw === '0' || raw === 'false') return { value: false };
      return { error: `${shown} is not on/off (1 or 0)` };
    case 'enum':
      return f.options.some((o) => o.value === raw)
        ? { value: raw }
        : { error: `${shown} is not one of ${f.options.map((o) => o.value).join(', ')}` };
  }
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** A value as a message shows it: quoted, and cut short (a link can carry kilobytes). */
export function quoted(raw: string, max = 24): string {
  return `"${raw.length > max ? `${raw.slice(0, max)}…` : raw}"`;
}

export function formatField(f: Field, v: unknown): string {
  if (f.kind === 'bool') return v ? '1' : '0';
  return v === null || v === undefined ? '' : String(v);
}

/** Check a configuration against its table; one reader-facing message per bad setting. */
export function validateConfig<T extends FieldTable>(table: T, config: ConfigOf<T>): string[] {
  const errors: string[] = [];
  for (const [name, f] of Object.entries(table)) {
    const r = parseField(f, formatField(f, (config as Record<string, unknown>)[name]));
    if ('error' in r) errors.push(`${f.label}: ${r.error}.`);
  }
  return errors;
}
