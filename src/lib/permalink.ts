/**
 * Permalinks: a widget's whole configuration round-trips through the URL query, one namespace per
 * widget (`?hundred-seeds.members=100&hundred-seeds.lr=0.1#hundred-seeds`). Each field is typed
 * and bounded by its table (src/engine/fields.ts); a malformed or out-of-range value yields a
 * message and that field's default, and never touches the other fields.
 */
import { type ConfigOf, defaults, type FieldTable, formatField, parseField, quoted } from '../engine/fields';

export interface Decoded<C> {
  config: C;
  /** One human-readable message per rejected field. */
  errors: string[];
  /** True when the URL named at least one field of this widget. */
  fromLink: boolean;
}

export function decodeConfig<T extends FieldTable>(widgetId: string, table: T, search: string): Decoded<ConfigOf<T>> {
  const params = new URLSearchParams(search);
  // settings are looked up only among the table's own keys: a link naming `constructor` or
  // `__proto__` is an unknown setting, never an inherited property
  const config = defaults(table) as Record<string, unknown>;
  const errors: string[] = [];
  let fromLink = false;
  const prefix = `${widgetId}.`;
  for (const [key, raw] of params) {
    if (!key.startsWith(prefix)) continue;
    fromLink = true;
    const name = key.slice(prefix.length);
    const field = Object.hasOwn(table, name) ? table[name] : undefined;
    if (!field) {
      errors.push(`Unknown setting ${quoted(name)} in the link was ignored.`);
      continue;
    }
    const r = parseField(field, raw);
    if ('error' in r) errors.push(`${field.label}: ${r.error}; using the default (${String(field.default)}).`);
    else config[name] = r.value;
  }
  return { config: config as ConfigOf<T>, errors, fromLink };
}

/** The query with this widget's fields set (other widgets' fields and unrelated params kept). */
export function encodeConfig<T extends FieldTable>(widgetId: string, table: T, config: ConfigOf<T>, search = ''): string {
  const params = new URLSearchParams(search);
  for (const key of [...params.keys()]) if (key.startsWith(`${widgetId}.`)) params.delete(key);
  for (const [name, f] of Object.entries(table)) params.set(`${widgetId}.${name}`, formatField(f, (config as Record<string, unknown>)[name]));
  return params.toString();
}

/** A full link to this run: page URL, query, and the widget's anchor. */
export function permalink<T extends FieldTable>(href: string, widgetId: string, table: T, config: ConfigOf<T>): string {
  const url = new URL(href);
  url.search = encodeConfig(widgetId, table, config, url.search);
  url.hash = widgetId;
  return url.toString();
}
