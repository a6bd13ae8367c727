/**
 * The figure registry at build time: which component runs which widget (read from the widgets'
 * own views, src/widgets/<Name>/<Name>.svelte) and each widget's settings table (its fields plus
 * the frame's seed, as permalinks carry them).
 */
import { settingsOf } from '../engine/experiment';
import { EXPERIMENTS } from '../engine/experiments';
import type { FieldTable } from '../engine/fields';
import { componentWidgetIds } from './figures';

const views = import.meta.glob<string>('../widgets/*/*.svelte', { query: '?raw', import: 'default', eager: true });
const modules = import.meta.glob<Record<string, unknown>>(['../engine/experiments/*.ts', '!../engine/experiments/index.ts'], { eager: true });

const exportsById: Record<string, string> = {};
for (const m of Object.values(modules))
  for (const [name, v] of Object.entries(m)) {
    const id = (v as { id?: unknown })?.id;
    if (typeof id === 'string' && Object.hasOwn(EXPERIMENTS, id) && EXPERIMENTS[id] === v) exportsById[name] = id;
  }

/** Component tag → widget id, for every view folder whose file is named after it. */
export const COMPONENT_WIDGETS: Record<string, string> = componentWidgetIds(
  Object.fromEntries(Object.entries(views).filter(([p]) => /\/([^/]+)\/\1\.svelte$/.test(p))),
  exportsById,
);

/** Widget id → its settings table as a link carries it (fields and seed). */
export const WIDGET_TABLES: Record<string, FieldTable> = Object.fromEntries(
  Object.entries(EXPERIMENTS).map(([id, e]) => [id, settingsOf(e) as FieldTable]),
);
