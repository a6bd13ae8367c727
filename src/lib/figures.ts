/**
 * Figures in a chapter's source, and the named presets wiki editors link to. Pure: the component →
 * widget-id map and the field tables come in as arguments (src/lib/figure-registry.ts builds them
 * from the widgets' own code), so the unit tests feed their own.
 */
import { defaults, type FieldTable, formatField, parseField, quoted } from '../engine/fields';
import { encodeConfig } from './permalink';
import { linesWithSection } from './chapters';

export interface FigureInfo {
  /** The widget id (permalinks, data-widget). */
  widget: string;
  /** The component tag in the MDX, e.g. "CoinLab". */
  component: string;
  /** The id of the closest h2/h3 above the tag ('' before any heading). */
  section: string;
}

export interface Preset {
  widget: string;
  label: string;
  settings: Record<string, number | boolean | string>;
}

/**
 * Which widget a view component runs, read from the view's source: `new LiveRun(coinLab)` names the
 * experiment export, whose id is the widget id. `sources` maps a path ending in `<Name>.svelte` to
 * its text; `experimentExports` maps an export name to its experiment id.
 */
export function componentWidgetIds(sources: Record<string, string>, experimentExports: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, text] of Object.entries(sources)) {
    const component = /([A-Za-z0-9]+)\.svelte$/.exec(path)?.[1];
    const runs = /new LiveRun\(\s*(\w+)\s*\)/.exec(text)?.[1];
    if (component && runs && Object.hasOwn(experimentExports, runs)) out[component] = experimentExports[runs];
  }
  return out;
}

/** The figures (hydrated widget components) of a chapter body, in order, with their section. */
export function figuresOf(body: string, componentIds: Record<string, string>): FigureInfo[] {
  const out: FigureInfo[] = [];
  for (const { line, section } of linesWithSection(body)) {
    for (const m of line.matchAll(/<([A-Z][A-Za-z0-9]*)\b[^>]*\bclient:/g)) {
      if (Object.hasOwn(componentIds, m[1])) out.push({ widget: componentIds[m[1]], component: m[1], section });
    }
  }
  return out;
}

/**
 * Problems with a chapter's presets, one message each (empty when all are sound): a widget that is
 * not a figure of this chapter, an unknown setting, or a value its field rejects (as a link would).
 */
export function presetErrors(chapter: string, presets: readonly Preset[], figures: readonly FigureInfo[], tables: Record<string, FieldTable>): string[] {
  const errors: string[] = [];
  for (const p of presets) {
    const where = `${chapter}: preset "${p.label}"`;
    const table = Object.hasOwn(tables, p.widget) ? tables[p.widget] : undefined;
    if (!table) {
      errors.push(`${where} names widget "${p.widget}", which is not a figure (known: ${Object.keys(tables).sort().join(', ')})`);
      continue;
    }
    if (!figures.some((f) => f.widget === p.widget)) errors.push(`${where} names widget "${p.widget}", which is not in this chapter`);
    if (Object.keys(p.settings).length === 0) errors.push(`${where} sets nothing`);
    for (const [name, value] of Object.entries(p.settings)) {
      const field = Object.hasOwn(table, name) ? table[name] : undefined;
      if (!field) {
        errors.push(`${where}: "${p.widget}" has no setting ${quoted(name)} (its settings: ${Object.keys(table).join(', ')})`);
        continue;
      }
      const kindOk = field.kind === 'bool' ? typeof value === 'boolean' : field.kind === 'enum' ? typeof value === 'string' : typeof value === 'number';
      const r = parseField(field, formatField(field, value));
      if (!kindOk) errors.push(`${where}: ${name} must be ${field.kind === 'bool' ? 'true or false' : field.kind === 'enum' ? 'text' : 'a number'}, not ${JSON.stringify(value)}`);
      else if ('error' in r) errors.push(`${where}: ${name}: ${r.error}`);
    }
  }
  return errors;
}

/** A figure's link at its defaults: every setting spelled out, so the link means the same after a default changes. */
export function defaultsLink(chapterUrl: string, widget: string, table: FieldTable): string {
  return `${chapterUrl}?${encodeConfig(widget, table, defaults(table))}#${widget}`;
}

/** A preset's link: only the settings it changes, the rest left at the figure's defaults. */
export function presetLink(chapterUrl: string, preset: Preset): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(preset.settings)) params.set(`${preset.widget}.${k}`, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  return `${chapterUrl}?${params}#${preset.widget}`;
}
