/** The sample widget trains to `done` on WASM and on WebGPU; permalinks replay runs; bad input is handled. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MetricOf } from '../../src/engine/experiment';
import type { hundredSeeds } from '../../src/engine/experiments/hundred-seeds';
import { desktopBrowser, openPage, screenshot, waitForWidget as waitFor, widgetInfo as info0 } from './browser';

/** Metrics of this figure, typed: a name the experiment does not report fails the type check. */
type M = MetricOf<typeof hundredSeeds> | 'diverged';
const waitForWidget = (page: Page, id: string, states: string[], timeout?: number) => waitFor<M>(page, id, states, timeout);
const widgetInfo = (page: Page, id: string) => info0<M>(page, id);

const W = 'hundred-seeds';
const CHAPTER = '/chapters/algorithm-search/';
const q = (o: Record<string, string | number>) => Object.entries(o).map(([k, v]) => `${W}.${k}=${v}`).join('&');

async function scrollToWidget(page: Page) {
  await page.locator(`figure[data-widget="${W}"]`).scrollIntoViewIfNeeded();
}

describe('hundred-seeds on WASM', () => {
  const b = desktopBrowser('wasm');

  it('starts when scrolled into view and reaches done with the published pattern', async () => {
    const { page, errors } = await openPage(b.ctx, CHAPTER);
    expect((await widgetInfo(page, W)).state).toBe('idle');
    await scrollToWidget(page);
    const info = await waitForWidget(page, W, ['done', 'unconverged', 'diverged', 'error']);
    expect(info.state).toBe('done');
    expect(info.backend).toMatch(/WASM/);
    const m = info.metrics;
    expect(m.members).toBe(100);
    expect(m.step).toBe(600);
    expect(Number.isFinite(m.loss)).toBe(true);
    // tight in distribution…
    expect(m.accMin).toBeGreaterThanOrEqual(0.95);
    // …wide on cue conflicts (McCoy et al. 2020 in miniature)
    expect(m.x0Max - m.x0Min).toBeGreaterThan(0.4);
    await page.locator(`figure[data-widget="${W}"] circle[data-seed]`).nth(120).click({ force: true }); // the strip's hit area picks the nearest dot
    await page.locator(`figure[data-widget="${W}"] svg[aria-label^="Decision boundary"]`).waitFor();
    await page.locator(`figure[data-widget="${W}"]`).screenshot({ path: 'test-results/screenshots/widget-hundred-seeds-wasm.png' });
    expect(errors.filter((e) => !/No available adapters/.test(e))).toEqual([]);
    await page.close();
  });

  it('pauses when scrolled away and resumes when scrolled back', async () => {
    const { page } = await openPage(b.ctx, `${CHAPTER}?${q({ members: 50, steps: 3000 })}`);
    await scrollToWidget(page);
    await waitForWidget(page, W, ['running']);
    await page.evaluate(() => window.scrollTo(0, 0));
    const paused = await waitForWidget(page, W, ['paused', 'done']);
    expect(paused.state).toBe('paused');
    const stepAtPause = paused.metrics.step ?? 0;
    await page.waitForTimeout(1500);
    expect((await widgetInfo(page, W)).metrics.step ?? 0).toBeLessThanOrEqual(stepAtPause + 100);
    await scrollToWidget(page);
    const done = await waitForWidget(page, W, ['done']);
    expect(done.metrics.step).toBe(3000);
    await page.close();
  });

  it('a permalink restores its run, and replays it exactly', async () => {
    const link = `${CHAPTER}?${q({ members: 12, seed: 7, steps: 100, lr: 0.2, varyInit: 1, varyOrder: 0 })}#${W}`;
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const { page } = await openPage(b.ctx, link);
      await scrollToWidget(page);
      const info = await waitForWidget(page, W, ['done', 'unconverged', 'diverged', 'error']);
      expect(info.state).toBe('done');
      expect(await page.locator(`figure[data-widget="${W}"] .notice`).first().textContent()).toMatch(/restored from the link/);
      runs.push(info.metrics);
      await page.close();
    }
    expect(runs[0].members).toBe(12);
    expect(runs[0].step).toBe(100);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('copy link writes the configuration into the address', async () => {
    const { page } = await openPage(b.ctx, `${CHAPTER}?${q({ members: 5, steps: 20 })}`);
    await scrollToWidget(page);
    await waitForWidget(page, W, ['done']);
    await page.locator(`figure[data-widget="${W}"]`).getByRole('button', { name: 'Copy link to this run' }).click();
    await page.waitForFunction(() => location.search.includes('hundred-seeds.lr='));
    const u = new URL(page.url());
    expect(u.searchParams.get(`${W}.members`)).toBe('5');
    expect(u.hash).toBe(`#${W}`);
    await page.close();
  });

  it('a malformed permalink value gets a message and its default; the rest of the link still applies', async () => {
    const { page } = await openPage(b.ctx, `${CHAPTER}?${q({ members: 'abc', steps: 30 })}#${W}`);
    await scrollToWidget(page);
    const info = await waitForWidget(page, W, ['done', 'error']);
    expect(await page.locator(`figure[data-widget="${W}"] .notice`).first().textContent()).toMatch(/Models: "abc" is not a whole number; using the default \(100\)/);
    expect(info.state).toBe('done');
    expect(info.metrics.members).toBe(100);
    expect(info.metrics.step).toBe(30);
    await page.close();
  });

  it('a diverging learning rate ends in the diverged state with an explanation', async () => {
    // one seed: the run diverges only when every member does (at 500, two of four seeds survive, one far above its start)
    const { page, errors } = await openPage(b.ctx, `${CHAPTER}?${q({ members: 1, steps: 200, lr: 500 })}#${W}`);
    await scrollToWidget(page);
    const info = await waitForWidget(page, W, ['done', 'unconverged', 'diverged', 'error']);
    expect(info.state).toBe('diverged');
    expect(await page.locator(`figure[data-widget="${W}"] .widget-message`).textContent()).toMatch(/diverged.*Lower the learning rate/);
    await page.locator(`figure[data-widget="${W}"]`).screenshot({ path: 'test-results/screenshots/widget-hundred-seeds-diverged.png' });
    // Reset brings it back to a usable state
    await page.locator(`figure[data-widget="${W}"]`).getByRole('button', { name: 'Reset' }).click();
    expect((await widgetInfo(page, W)).state).toBe('idle');
    expect(errors.filter((e) => !/No available adapters/.test(e))).toEqual([]);
    await page.close();
  });

  it('an impossible setting typed into the figure is refused with a message, not a crash', async () => {
    const { page } = await openPage(b.ctx, `${CHAPTER}?${q({ members: 3, steps: 20 })}#${W}`);
    await scrollToWidget(page);
    await waitForWidget(page, W, ['done']);
    const models = page.locator(`figure[data-widget="${W}"]`).getByLabel('Models');
    await models.fill('0');
    await models.dispatchEvent('change');
    const info = await waitForWidget(page, W, ['error']);
    expect(await page.locator(`figure[data-widget="${W}"] .widget-message`).textContent()).toMatch(/Models: 0 is outside 1–500/);
    expect(info.state).toBe('error');
    await page.close();
  });
});

describe('hundred-seeds on WebGPU (software adapter)', () => {
  const b = desktopBrowser('webgpu');

  it('runs on WebGPU when asked by name and reaches done with a finite loss', async () => {
    const { page, errors } = await openPage(b.ctx, `${CHAPTER}?backend=webgpu&${q({ members: 4, steps: 20 })}#${W}`);
    await scrollToWidget(page);
    const info = await waitForWidget(page, W, ['done', 'unconverged', 'diverged', 'error'], 200_000);
    expect(info.state).toBe('done');
    expect(info.backend).toMatch(/^Backend: WebGPU/);
    expect(Number.isFinite(info.metrics.loss)).toBe(true);
    expect(info.metrics.accMin).toBeGreaterThan(0);
    await page.locator(`figure[data-widget="${W}"]`).screenshot({ path: 'test-results/screenshots/widget-hundred-seeds-webgpu.png' });
    expect(errors.filter((e) => !/No available adapters/.test(e))).toEqual([]);
    await page.close();
  });

  it('when the GPU is lost mid-run, the run restarts on WASM, says so, and finishes', async () => {
    const { page } = await openPage(b.ctx, `${CHAPTER}?backend=webgpu&${q({ members: 4, steps: 400 })}#${W}`);
    await scrollToWidget(page);
    await page.waitForFunction(
      (wid) => {
        const el = document.querySelector(`[data-widget="${wid}"]`) as HTMLElement;
        return el?.dataset.state === 'running' && (JSON.parse(el.dataset.metrics || '{}').step ?? 0) > 0;
      },
      W,
      { timeout: 200_000, polling: 250 },
    );
    expect((await widgetInfo(page, W)).backend).toMatch(/^Backend: WebGPU/);
    await page.evaluate(() => (window as unknown as { learningDynamics: { loseGpuDevice(): void } }).learningDynamics.loseGpuDevice());
    const info = await waitForWidget(page, W, ['done', 'unconverged', 'diverged', 'error'], 200_000);
    expect(info.state).toBe('done');
    expect(info.backend).toMatch(/^Backend: WASM — fell back to WASM after a WebGPU failure/);
    await expect(page.locator(`figure[data-widget="${W}"] .notice`).last().textContent()).resolves.toMatch(/WebGPU failed mid-run .*restarting this run on WASM/);
    expect(info.metrics.step).toBe(400);
    await page.locator(`figure[data-widget="${W}"]`).screenshot({ path: 'test-results/screenshots/widget-hundred-seeds-gpu-lost.png' });
    await page.close();
  });

  it('by default prefers WASM over a software adapter, and says why', async () => {
    const { page } = await openPage(b.ctx, `${CHAPTER}?${q({ members: 4, steps: 20 })}#${W}`);
    await scrollToWidget(page);
    const info = await waitForWidget(page, W, ['done', 'error']);
    expect(info.backend).toMatch(/WASM — the WebGPU adapter is a software fallback/);
    await page.close();
  });
});
