/** Every page in both browser configurations: loads cleanly, is accessible, and every section link resolves. */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtPages, CONFIGS, launch, openPage, screenshot, seriousA11yViolations, url } from './browser';

const PAGES = builtPages();
/** A widget's normal note when the browser has no usable WebGPU adapter; not a page error. */
const benign = (e: string) => /No available adapters/.test(e);

for (const config of CONFIGS) {
  describe(`site (${config})`, () => {
    let browser: Browser;
    let ctx: BrowserContext;
    beforeAll(async () => {
      browser = await launch(config);
      ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    });
    afterAll(async () => browser?.close());

    for (const path of PAGES) {
      it(`${path} loads with no console errors${config === 'wasm' ? ' and no serious accessibility violation' : ''}`, async () => {
        const { page, errors } = await openPage(ctx, path);
        await page.waitForLoadState('networkidle');
        await screenshot(page, `${config}${path.replace(/\//g, '_') || '_'}`);
        expect(errors.filter((e) => !benign(e))).toEqual([]);
        if (config === 'wasm') expect(await seriousA11yViolations(page)).toEqual([]);
        await page.close();
      });
    }
  });
}

describe('sections.json', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('wasm');
  });
  afterAll(async () => browser?.close());

  it('every section URL (and every old id) resolves to exactly one element of its page', async () => {
    const res = await fetch(url('/sections.json'));
    expect(res.headers.get('content-type')).toMatch(/json/);
    const { entries } = (await res.json()) as { entries: { id: string; url: string; aliases: string[]; wiki: string[]; summary: string }[] };
    expect(entries.length).toBeGreaterThan(5);
    const ctx = await browser.newContext();
    const byPage = new Map<string, typeof entries>();
    for (const e of entries) {
      const page = e.url.split('#')[0];
      byPage.set(page, [...(byPage.get(page) ?? []), e]);
      expect(e.summary.length).toBeGreaterThan(10);
    }
    for (const [path, list] of byPage) {
      const { page } = await openPage(ctx, path);
      for (const e of list) {
        if (!e.url.includes('#')) continue;
        for (const id of [e.id, ...e.aliases]) {
          expect(await page.locator(`[id="${id}"]`).count(), `${path}#${id}`).toBe(1);
        }
      }
      await page.close();
    }
    expect(entries.find((e) => e.id === 'algorithm-search')?.wiki).toContain('learning-dynamics-and-developmental-interpretability');
    await ctx.close();
  });
});
