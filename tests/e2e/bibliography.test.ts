/**
 * The bibliography in the browser: citation previews on hover and focus, the bibliography page's
 * back-links, and "cite this" (copy BibTeX with the section's URL; the blocked-clipboard fallback).
 * Screenshots at 1280 and 390 px land in test-results/screenshots/bib-*.png.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openPage, screenshot, seriousA11yViolations, url } from './browser';

const CHAPTER = '/chapters/loss-landscapes/';
const SHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;
/** What is on screen (a full-page shot of a chapter is too tall to look at). */
async function viewportShot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}${name}.png` });
}
const WIDTHS = [
  { name: '1280', viewport: { width: 1280, height: 900 }, isMobile: false },
  { name: '390', viewport: { width: 390, height: 844 }, isMobile: true },
];

describe('bibliography', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('wasm');
  });
  afterAll(async () => browser?.close());

  it('a citation shows its full reference on hover and on keyboard focus', async () => {
    for (const w of WIDTHS) {
      const ctx = await browser.newContext({ viewport: w.viewport, isMobile: w.isMobile, hasTouch: w.isMobile });
      const { page, errors } = await openPage(ctx, CHAPTER);
      const cites = page.locator('.prose a.citation');
      expect(await cites.count()).toBeGreaterThan(3);
      const cardOf = async (i: number) => page.locator(`#${await cites.nth(i).getAttribute('aria-describedby')}`);

      const first = await cardOf(0);
      await expect.poll(() => first.isVisible()).toBe(false);
      if (!w.isMobile) {
        await cites.nth(0).scrollIntoViewIfNeeded();
        await cites.nth(0).hover();
        await expect.poll(() => first.isVisible()).toBe(true);
        expect(await first.textContent()).toMatch(/\(\d{4}\)\. .+\. /);
        await viewportShot(page, `bib-preview-hover-${w.name}`);
        await page.mouse.move(5, 5);
        await expect.poll(() => first.isVisible(), { timeout: 3000 }).toBe(false);
      }
      const second = await cardOf(1);
      await cites.nth(1).focus();
      await expect.poll(() => second.isVisible()).toBe(true);
      // the card stays on screen, whatever the width
      const box = (await second.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(w.viewport.width);
      await viewportShot(page, `bib-preview-focus-${w.name}`);
      await page.keyboard.press('Escape');
      await expect.poll(() => second.isVisible()).toBe(false);
      expect(errors.filter((e) => !/No available adapters/.test(e))).toEqual([]);
      await ctx.close();
    }
  });

  it("the bibliography page lists every reference, and each back-link's section exists on its page", async () => {
    for (const w of WIDTHS) {
      const ctx = await browser.newContext({ viewport: w.viewport, isMobile: w.isMobile });
      const { page, errors } = await openPage(ctx, '/bibliography/');
      const ids = await page.locator('.bib-list > li').evaluateAll((els) => els.map((e) => e.id));
      expect(ids.length).toBeGreaterThan(40);
      expect(await page.locator('[data-pagefind-body]').count()).toBe(1);
      const hrefs = await page.locator('a[data-backlink]').evaluateAll((els) => els.map((e) => (e as HTMLAnchorElement).href));
      expect(hrefs.length).toBeGreaterThanOrEqual(ids.length);
      await screenshot(page, `bib-page-${w.name}`);
      await viewportShot(page, `bib-page-top-${w.name}`);
      await page.locator('#watanabe2009 summary').click();
      await page.locator('#watanabe2009').scrollIntoViewIfNeeded();
      await viewportShot(page, `bib-page-entry-${w.name}`);
      if (w.name === '1280') {
        expect(await seriousA11yViolations(page)).toEqual([]);
        const pages = new Map<string, string>();
        for (const href of hrefs) {
          const u = new URL(href);
          if (!pages.has(u.pathname)) pages.set(u.pathname, await (await fetch(url(u.pathname))).text());
          const html = pages.get(u.pathname)!;
          if (u.hash) expect(html.includes(` id="${u.hash.slice(1)}"`), href).toBe(true);
          else expect(html.length, href).toBeGreaterThan(1000);
        }
        // the header links here
        expect(await page.locator('.site-header a[href$="/bibliography/"]').count()).toBe(1);
      }
      expect(errors).toEqual([]);
      await ctx.close();
    }
  });

  it('"cite this section" copies BibTeX with the section URL; Escape closes the dialog and focus returns', async () => {
    for (const w of WIDTHS) {
      const ctx = await browser.newContext({ viewport: w.viewport, isMobile: w.isMobile, permissions: ['clipboard-read', 'clipboard-write'] });
      const { page } = await openPage(ctx, CHAPTER);
      const heading = page.locator('.prose h2[id]').nth(2);
      const id = await heading.getAttribute('id');
      const button = heading.locator('button.heading-cite');
      await button.scrollIntoViewIfNeeded();
      await button.click();
      const dialog = page.locator('dialog.cite-dialog');
      await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
      await page.locator('[data-cite-copy="bibtex"]').click();
      await expect.poll(() => page.locator('[data-cite-status]').textContent()).toMatch(/copied/);
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toMatch(/^@incollection\{/);
      expect(copied).toContain(`/chapters/loss-landscapes/#${id}}`);
      expect(await page.locator('[data-cite-field="text"]').inputValue()).toContain(`/chapters/loss-landscapes/#${id}`);
      await viewportShot(page, `bib-cite-dialog-${w.name}`);
      if (w.name === '1280') expect(await seriousA11yViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
      expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.citeSection)).toBe(id);

      // the chapter as a whole: its URL has no section anchor
      await page.locator('[data-cite-open]').click();
      expect(await page.locator('[data-cite-field="bibtex"]').inputValue()).toMatch(/url = \{[^}]*\/chapters\/loss-landscapes\/\}/);
      await page.keyboard.press('Escape');
      await ctx.close();
    }
  });

  it('with the clipboard blocked, the dialog selects the text to copy by hand and says so', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await ctx.addInitScript(() => {
      Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new DOMException('blocked', 'NotAllowedError')) } });
    });
    const { page } = await openPage(ctx, CHAPTER);
    await page.locator('[data-cite-open]').click();
    await page.locator('[data-cite-copy="text"]').click();
    await expect.poll(() => page.locator('[data-cite-status]').textContent()).toMatch(/blocked.*Ctrl\+C/);
    const selected = await page.evaluate(() => {
      const t = document.activeElement as HTMLTextAreaElement;
      return t.value.slice(t.selectionStart, t.selectionEnd);
    });
    expect(selected).toContain('/chapters/loss-landscapes/');
    expect(selected).toBe(await page.locator('[data-cite-field="text"]').inputValue());
    await ctx.close();
  });
});
