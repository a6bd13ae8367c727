/**
 * How soon a figure shows its first trained frame, for a reader who has opened the book before
 * (a browser profile on disk, so the onnxruntime wasm is in the HTTP and compiled-code caches).
 * A chapter page starts the training worker and onnxruntime when it loads (client.ts
 * warmForFigures), before any figure is on screen: that is asserted. The times are printed, never
 * asserted (this machine is shared): from scrolling to a figure on a page that has settled to its
 * first metrics, and from opening a link to the figure (navigation start, page load included).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtPages, launchWithProfile, url, waitForFirstReport, widgetsOn } from './browser';

const CHAPTERS = builtPages().filter((p) => p.startsWith('/chapters/'));
const WASM = /\/ort\/[^/]+\/ort-wasm[^/]*\.wasm$/;

async function firstReport(page: Page, id: string): Promise<number> {
  await page.locator(`figure[data-widget="${id}"]`).scrollIntoViewIfNeeded();
  const t0 = Date.now();
  await waitForFirstReport(page, id);
  return (Date.now() - t0) / 1000;
}

describe('first trained frame (wasm cached)', () => {
  let ctx: BrowserContext;
  beforeAll(async () => {
    ctx = await launchWithProfile('wasm');
  });
  afterAll(async () => ctx?.close());

  it('a chapter page loads onnxruntime before any figure is on screen or running', async () => {
    expect(CHAPTERS.length).toBeGreaterThan(0);
    for (const path of CHAPTERS) {
      const page = await ctx.newPage();
      const wasm = page.waitForResponse((r) => WASM.test(r.url()), { timeout: 30_000 });
      await page.goto(url(path), { waitUntil: 'load' });
      await wasm;
      const states = await page.$$eval('figure[data-widget]', (fs) => fs.map((f) => `${f.getAttribute('data-widget')}: ${f.getAttribute('data-state')}`));
      expect(states.length, path).toBeGreaterThan(0);
      expect(states.filter((s) => !s.endsWith(': idle')), `${path}: no figure should have started`).toEqual([]);
      await page.close();
    }
  });

  for (const path of CHAPTERS) {
    for (const id of widgetsOn(path)) {
      it(`${id}: first report, scrolled to and from a link (printed)`, async () => {
        let page = await ctx.newPage();
        await page.goto(url(path), { waitUntil: 'load' });
        await page.waitForTimeout(2500); // the reader reads before scrolling; the page warms up meanwhile
        const scrolled = await firstReport(page, id);
        await page.close();
        // from a link to the figure: timed from the navigation's start, so the page's own load counts too
        page = await ctx.newPage();
        await page.goto(url(`${path}#${id}`), { waitUntil: 'commit' });
        await page.waitForFunction((w) => (document.querySelector(`[data-widget="${w}"]`) as HTMLElement | null)?.dataset.metrics?.length! > 2, id, { timeout: 60_000, polling: 50 });
        const linked = (await page.evaluate(() => performance.now())) / 1000;
        await page.close();
        console.log(`speed wasm ${id}: first report ${scrolled.toFixed(2)} s after scrolling to it, ${linked.toFixed(2)} s after opening a link to it, page load included (wasm cached)`);
        expect(scrolled).toBeGreaterThan(0);
      });
    }
  }
});
