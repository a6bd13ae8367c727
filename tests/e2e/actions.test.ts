/**
 * Actions a reader takes on a finished run go to the experiment in the worker and come back as
 * reports: re-slicing the landscape in another mode, choosing another pair of seeds.
 */
import { describe, expect, it } from 'vitest';
import type { MetricOf } from '../../src/engine/experiment';
import type { landscape } from '../../src/engine/experiments/landscape-slice';
import type { twoSolutions } from '../../src/engine/experiments/mode-connectivity';
import { desktopBrowser, openPage, waitForWidget, widgetInfo } from './browser';

describe('actions on a run', () => {
  const b = desktopBrowser('wasm');

  it('changing the landscape directions re-slices the finished run without training again', async () => {
    const W = 'landscape';
    const { page, errors } = await openPage(b.ctx, `/chapters/loss-landscapes/?${W}.steps=200&${W}.side=16#${W}`);
    await page.locator(`figure[data-widget="${W}"]`).scrollIntoViewIfNeeded();
    const before = await waitForWidget<MetricOf<typeof landscape>>(page, W, ['done', 'error']);
    expect(before.state).toBe('done');
    expect(before.metrics.explained).toBe(0);
    await page.locator(`figure[data-widget="${W}"]`).getByLabel('Directions').selectOption('pca');
    await page.waitForFunction((w) => JSON.parse((document.querySelector(`[data-widget="${w}"]`) as HTMLElement).dataset.metrics || '{}').explained > 0, W, { timeout: 60_000 });
    const after = await widgetInfo<MetricOf<typeof landscape>>(page, W);
    // the profiles are drawn against the new extent: each spans the chart (the x-scale once stayed at ±1)
    const chart = page.locator(`figure[data-widget="${W}"] svg[aria-label="Training loss along each slice direction"]`);
    const spans = await chart.evaluate((svg) => {
      const plot = (svg.querySelector('rect[role="presentation"]') as SVGRectElement).getBBox(); // the plot area
      const paths = [...svg.querySelectorAll('path')].map((p) => (p as SVGPathElement).getBBox());
      const ticks = [...svg.querySelectorAll('g.axis')][0].querySelectorAll('text:not(.title)'); // the x-axis labels
      return {
        paths: paths.map((b) => b.width / plot.width),
        inside: paths.every((b) => b.x >= plot.x - 1 && b.x + b.width <= plot.x + plot.width + 1),
        ticks: ticks.length,
      };
    });
    expect(spans.paths.length).toBe(2);
    for (const p of spans.paths) expect(p).toBeGreaterThan(0.8);
    expect(spans.inside).toBe(true);
    expect(spans.ticks).toBeGreaterThanOrEqual(3);
    expect(after.state).toBe('done');
    expect(after.metrics.step).toBe(200); // the same run, sliced again
    expect(after.metrics.sliceBuilt).toBe(0);
    expect(after.metrics.explained).toBeGreaterThan(0.3);
    expect(await page.locator(`figure[data-widget="${W}"] .notice`).allTextContents()).not.toContainEqual(expect.stringMatching(/Could not/));
    expect(errors.filter((e) => !/No available adapters/.test(e))).toEqual([]);
    await page.close();
  });

  it('choosing another pair of seeds measures the barrier between them', async () => {
    const W = 'two-solutions';
    const { page } = await openPage(b.ctx, `/chapters/algorithm-search/?${W}.members=4&${W}.steps=80#${W}`);
    await page.locator(`figure[data-widget="${W}"]`).scrollIntoViewIfNeeded();
    const first = await waitForWidget<MetricOf<typeof twoSolutions>>(page, W, ['done', 'error']);
    expect(first.state).toBe('done');
    const other = [0, 1, 2, 3].find((s) => s !== first.metrics.seedA && s !== first.metrics.seedB)!;
    await page.locator(`figure[data-widget="${W}"]`).getByLabel('Seed A').selectOption(String(other));
    await page.waitForFunction(([w, s]) => JSON.parse((document.querySelector(`[data-widget="${w}"]`) as HTMLElement).dataset.metrics || '{}').seedA === s, [W, other] as const, { timeout: 60_000 });
    const m = (await widgetInfo<MetricOf<typeof twoSolutions>>(page, W)).metrics;
    expect(m.seedB).toBe(first.metrics.seedB);
    expect(Number.isFinite(m.barrierSeeds)).toBe(true);
    await page.close();
  });
});
