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

  it('the coin lab replays a policy’s walk move by move, and the goal probe moves the coin and the agent where the reader clicks', async () => {
    const { page, errors } = await openPage(b.ctx, '/chapters/goal-misgeneralization/?coin-lab.members=2&coin-lab.steps=100#coin-lab');
    const lab = page.locator('figure[data-widget="coin-lab"]');
    await lab.scrollIntoViewIfNeeded();
    expect((await waitForWidget(page, 'coin-lab', ['done', 'error'])).state).toBe('done');
    await lab.locator('[data-reset-walk]').click();
    await expect.poll(() => lab.locator('[data-outcome]').count()).toBe(0); // back at the start: no outcome yet
    await lab.locator('[data-step-move]').click();
    await lab.locator('[data-play]').click();
    await lab.locator('[data-outcome]').waitFor({ timeout: 30_000 });
    expect(await lab.locator('[data-outcome]').textContent()).toMatch(/coin|corner|nowhere/);

    const W = 'goal-probe';
    const probe = page.locator(`figure[data-widget="${W}"]`);
    await probe.scrollIntoViewIfNeeded();
    const first = await waitForWidget(page, W, ['done', 'error']);
    expect(first.state).toBe('done');
    const summary = async () => (await probe.locator('[data-summary]').textContent()) ?? '';
    const before = await summary();
    await probe.locator('[data-cell-button="22"]').click(); // row 4, column 2 of the 7 × 7 grid
    await expect.poll(summary, { timeout: 30_000 }).not.toBe(before);
    expect(await summary()).toMatch(/row 4, column 2/);
    expect(await probe.locator('[data-coin]').getAttribute('data-coin')).toBe('22');
    await probe.locator('input[value="agent"]').check();
    await probe.locator('[data-cell-button="48"]').click();
    await probe.locator('[data-walk-outcome]').waitFor({ timeout: 30_000 });
    expect(Number(await probe.locator('[data-path]').getAttribute('data-path'))).toBeGreaterThan(1);
    expect(await probe.locator('[data-coin]').getAttribute('data-coin')).toBe('22'); // the coin stayed where it was
    expect(errors).toEqual([]);
    await page.close();
  });
});
