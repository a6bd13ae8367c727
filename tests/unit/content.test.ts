/**
 * The chapters' references to figures are checked against the experiments: an exercise that
 * grades a figure's run names a widget that exists and a metric that widget reports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../../src/engine/experiments';

const DIR = new URL('../../content/chapters/', import.meta.url);
const chapters = readdirSync(DIR).filter((f) => f.endsWith('.mdx'));

/** Every <Exercise …> opening tag's widget and metric attributes, with the file it is in. */
function exerciseRefs(): { file: string; id: string; widget?: string; metric?: string }[] {
  return chapters.flatMap((file) =>
    [...readFileSync(new URL(file, DIR), 'utf8').matchAll(/<Exercise\b([^>]*)>/g)].map((m) => ({
      file,
      id: /\bid="([^"]+)"/.exec(m[1])?.[1] ?? '?',
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
});
