/**
 * Permalinks: a widget's whole configuration round-trips through the URL query, one namespace per
 * widget (`?hundred-seeds.members=100&hundred-seeds.lr=0.1#hundred-seeds`). Each field is typed
 * and bounded; a malformed or out-of-range value yields a message and that field's default, and
 * never touches the other fields.
 */
export type Field =
  | { kind: 'int'; default: number; min: number; max: number; label: string }
  | { kind: 'float'; default: number; min: number; max: number; label: string }
  | { kind: 'bool'; default: boolean; label: string }
  | { kind: 'enum'; default: string; options: readonly string[]; label: string };

export type FieldTable = Record<string, Field>;
export type ConfigOf<T extends FieldTable> = {
  [K in keyof T]: T[K] extends { kind: 'bool' } ? boolean : T[K] extends { kind: 'enum' } ? string : number;
};

export function defaults<T extends FieldTable>(table: T): ConfigOf<T> {
  return Object.fromEntries(Object.entries(table).map(([k, f]) => [k, f.default])) as ConfigOf<T>;
}

function parseField(f: Field, raw: string): { value: unknown } | { error: string } {
  switch (f.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw)) return { error: `"${raw}" is not a whole number` };
      const v = Number(raw);
      if (v < f.min || v > f.max) return { error: `${v} is outside ${f.min}–${f.max}` };
      return { value: v };
    }
    case 'float': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) return { error: `"${raw}" is not a number` };
      if (v < f.min || v > f.max) return { error: `${v} is outside ${f.min}–${f.max}` };
      return { value: v };
    }
    case 'bool':
      if (raw === '1' || raw === 'true') return { value: true };
      if (raw === '0' || raw === 'false') return { value: false };
      return { error: `"${raw}" is not on/off (1 or 0)` };
    case 'enum':
      return f.options.includes(raw) ? { value: raw } : { error: `"${raw}" is not one of ${f.options.join(', ')}` };
  }
}

export interface Decoded<C> {
  config: C;
  /** One human-readable message per rejected field. */
  errors: string[];
  /** True when the URL named at least one field of this widget. */
  fromLink: boolean;
}

export function decodeConfig<T extends FieldTable>(widgetId: string, table: T, search: string): Decoded<ConfigOf<T>> {
  const params = new URLSearchParams(search);
  const config = defaults(table) as Record<string, unknown>;
  const errors: string[] = [];
  let fromLink = false;
  const prefix = `${widgetId}.`;
  for (const [key, raw] of params) {
    if (!key.startsWith(prefix)) continue;
    fromLink = true;
    const name = key.slice(prefix.length);
    const field = table[name];
    if (!field) {
      errors.push(`Unknown setting "${name}" in the link was ignored.`);
      continue;
    }
    const r = parseField(field, raw);
    if ('error' in r) errors.push(`${field.label}: ${r.error}; using the default (${String(field.default)}).`);
    else config[name] = r.value;
  }
  return { config: config as ConfigOf<T>, errors, fromLink };
}

function formatValue(f: Field, v: unknown): string {
  if (f.kind === 'bool') return v ? '1' : '0';
  return String(v);
}

/** The query with this widget's fields set (other widgets' fields and unrelated params kept). */
export function encodeConfig<T extends FieldTable>(widgetId: string, table: T, config: ConfigOf<T>, search = ''): string {
  const params = new URLSearchParams(search);
  for (const key of [...params.keys()]) if (key.startsWith(`${widgetId}.`)) params.delete(key);
  for (const [name, f] of Object.entries(table)) params.set(`${widgetId}.${name}`, formatValue(f, (config as Record<string, unknown>)[name]));
  return params.toString();
}

/** A full link to this run: page URL, query, and the widget's anchor. */
export function permalink<T extends FieldTable>(href: string, widgetId: string, table: T, config: ConfigOf<T>): string {
  const url = new URL(href);
  url.search = encodeConfig(widgetId, table, config, url.search);
  url.hash = widgetId;
  return url.toString();
}

/** Check a configuration edited in the page against its table; one message per bad field. */
export function validateConfig<T extends FieldTable>(table: T, config: ConfigOf<T>): string[] {
  const errors: string[] = [];
  for (const [name, f] of Object.entries(table)) {
    const v = (config as Record<string, unknown>)[name];
    const raw = f.kind === 'bool' ? (v ? '1' : '0') : v === null || v === undefined ? '' : String(v);
    const r = parseField(f, raw);
    if ('error' in r) errors.push(`${f.label}: ${r.error}.`);
  }
  return errors;
}
