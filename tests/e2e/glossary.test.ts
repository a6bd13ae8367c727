/** Glossary terms in a chapter: the definition on hover, on keyboard focus and on a tap; the glossary page's back-links. */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGlossary } from '../../src/lib/glossary.mjs';
import { launch, openPage, seriousA11yViolations, url } from './browser';

const CHAPTER = '/chapters/algorithm-search/';
const definitions = new Map(loadGlossary().map((t) => [t.id, t.definition]));
const SHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;

/** The open card's text and box, or null when none is shown. */
const openCard = (page: Page) =>
  page.evaluate(() => {
    const card = [...document.querySelectorAll<HTMLElement>('.preview-card')].find((c) => !c.hidden);
    if (!card) return null;
    const r = card.getBoundingClientRect();
    return { id: card.id, text: card.textContent ?? '', left: r.left, right: r.right, width: r.width };
  });
const termId = (href: string | null) => (href ?? '').split('#')[1];

async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}${name}.png` });
}

describe('glossary terms', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('wasm');
  });
  afterAll(async () => browser?.close());

  for (const scheme of ['light', 'dark'] as const) {
    it(`hovering a term shows its definition; leaving hides it (${scheme})`, async () => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
      const { page, errors } = await openPage(ctx, CHAPTER);
      const term = page.locator('a.term').nth(2);
      await term.scrollIntoViewIfNeeded();
      expect(await openCard(page)).toBeNull();
      await term.hover();
      const card = await openCard(page);
      expect(card?.text).toContain(definitions.get(termId(await term.getAttribute('href')))!);
      expect(await term.getAttribute('aria-expanded')).toBe('true');
      await shot(page, `glossary-card-1280-${scheme}`);
      await page.mouse.move(5, 890);
      await expect.poll(() => openCard(page), { timeout: 3000 }).toBeNull();
      expect(errors.filter((e) => !/No available adapters/.test(e))).toEqual([]);
      await ctx.close();
    });
  }

  it('Tab focus shows the card and Escape hides it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page } = await openPage(ctx, CHAPTER);
    // start from the section link just before the first paragraph with a term, then Tab forward
    await page.locator('h2 .heading-link').first().focus();
    let focused = '';
    for (let i = 0; i < 10 && !focused; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => (document.activeElement?.matches('a.term') ? document.activeElement.getAttribute('href') ?? '' : ''));
    }
    expect(focused).toMatch(/^\/glossary\/#/);
    const card = await openCard(page);
    expect(card?.text).toContain(definitions.get(termId(focused))!);
    await page.keyboard.press('Escape');
    expect(await openCard(page)).toBeNull();
    await ctx.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`on a phone a tap shows the card inside the screen without navigating (${scheme})`, async () => {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: scheme });
      const { page } = await openPage(ctx, CHAPTER);
      const term = page.locator('a.term').nth(2);
      await term.scrollIntoViewIfNeeded();
      await page.evaluate(() => scrollBy(0, -200)); // leave room above the term, as a reader would
      await term.tap();
      const card = await openCard(page);
      expect(page.url()).toBe(url(CHAPTER));
      expect(card?.text).toContain(definitions.get(termId(await term.getAttribute('href')))!);
      expect(card!.left).toBeGreaterThanOrEqual(0);
      expect(card!.right).toBeLessThanOrEqual(390);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await shot(page, `glossary-card-390-${scheme}`);
      // a tap elsewhere closes it
      await page.locator('h1').tap();
      expect(await openCard(page)).toBeNull();
      await ctx.close();
    });
  }
});

describe('the glossary page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('wasm');
  });
  afterAll(async () => browser?.close());

  it('lists every term, is accessible, and every back-link resolves to its section', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await openPage(ctx, '/glossary/');
    const ids = await page.locator('dt[id]').evaluateAll((els) => els.map((e) => e.id));
    expect(new Set(ids)).toEqual(new Set(definitions.keys()));
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}glossary-page-1280.png` });
    const links = await page.locator('a[data-glossary-use]').evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''));
    expect(links.length).toBeGreaterThan(50);
    const byPage = new Map<string, string[]>();
    for (const l of links) {
      const [path, hash = ''] = l.split('#');
      byPage.set(path, [...(byPage.get(path) ?? []), hash]);
    }
    for (const [path, hashes] of byPage) {
      const res = await page.goto(url(path), { waitUntil: 'domcontentloaded' });
      expect(res?.status(), path).toBe(200);
      const missing = await page.evaluate((hs) => hs.filter((h) => h && document.querySelectorAll(`[id="${h}"]`).length !== 1), hashes);
      expect(missing, path).toEqual([]);
    }
    expect(errors.filter((e) => !/No available adapters/.test(e))).toEqual([]);
    await ctx.close();

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, colorScheme: 'dark' });
    const { page: p2 } = await openPage(phone, '/glossary/');
    expect(await p2.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(1);
    await p2.locator('details.glossary-uses').first().evaluate((d) => ((d as HTMLDetailsElement).open = true));
    await p2.screenshot({ path: `${SHOTS}glossary-page-390-dark.png` });
    await phone.close();
  });
});
