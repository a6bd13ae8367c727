/**
 * The chapters' references to figures are checked against the experiments: an exercise that
 * grades a figure's run names a widget that exists and a metric that widget reports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settingsOf } from '../../src/engine/experiment';
import { EXPERIMENTS } from '../../src/engine/experiments';
import { defaults, validateConfig } from '../../src/engine/fields';

const DIR = new URL('../../content/chapters/', import.meta.url);
const chapters = readdirSync(DIR).filter((f) => f.endsWith('.mdx'));

/** Every <Exercise …> opening tag's widget and metric attributes, with the file it is in. */
function exerciseRefs(): { file: string; id: string; kind?: string; widget?: string; metric?: string; settings?: Record<string, unknown> }[] {
  return chapters.flatMap((file) =>
    [...readFileSync(new URL(file, DIR), 'utf8').matchAll(/<Exercise\b((?:[^>{]|\{\{[^}]*\}\}|\{[^}]*\})*)>/g)].map((m) => ({
      file,
      id: /\bid="([^"]+)"/.exec(m[1])?.[1] ?? '?',
      kind: /\bkind="([^"]+)"/.exec(m[1])?.[1],
      settings: ((s) => (s === undefined ? undefined : (new Function(`return ({${s}})`)() as Record<string, unknown>)))(/\bsettings=\{\{([^}]*)\}\}/.exec(m[1])?.[1]),
      widget: /\bwidget="([^"]+)"/.exec(m[1])?.[1],
      metric: /\bmetric="([^"]+)"/.exec(m[1])?.[1],
    })),
  );
}

describe('exercises name real widgets and metrics', () => {
  it('finds the exercises', () => {
    expect(chapters.length).toBeGreaterThan(0);
    expect(exerciseRefs().length).toBeGreaterThan(0);
  });

  it.each(exerciseRefs().filter((r) => r.widget || r.metric))('$file: $id grades $widget.$metric', ({ widget, metric }) => {
    expect(widget, 'a predict exercise names its widget').toBeDefined();
    const e = EXPERIMENTS[widget!];
    expect(e, `no experiment (widget) "${widget}"; there are: ${Object.keys(EXPERIMENTS).join(', ')}`).toBeDefined();
    expect(Object.keys(e.metrics), `"${widget}" reports no metric "${metric}"`).toContain(metric);
  });

  it.each(exerciseRefs().filter((r) => r.kind === 'predict'))('$file: $id states settings its figure accepts', ({ widget, settings }) => {
    expect(settings, 'a predict exercise states the settings it runs and grades (settings={{ … }})').toBeDefined();
    const table = settingsOf(EXPERIMENTS[widget!]);
    for (const k of Object.keys(settings!)) expect(Object.keys(table), `"${widget}" has no setting "${k}"`).toContain(k);
    expect(validateConfig(table, { ...defaults(table), ...settings } as never)).toEqual([]);
    // the run it asks about is not the figure's default run, whose results the page already shows
    expect(Object.entries(settings!).some(([k, v]) => k !== 'seed' && table[k].default !== v), 'state a setting other than the seed that differs from the default').toBe(true);
  });
});
