/**
 * Every link /wiki/ offers wiki editors resolves on the built site: chapter, section and old-id
 * links land on an id that exists exactly once; figure links (defaults, presets) open the page with
 * that figure, which reads the link's settings without rejecting any. Also: copy buttons copy (and
 * say how to copy by hand when the clipboard is blocked), and /progress/ shows an answered exercise.
 * Builds nothing: it reads dist/ (run `npm run build` first).
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openPage, url } from './browser';

const WIKI_HTML = readFileSync(new URL('../../dist/wiki/index.html', import.meta.url), 'utf8');
const unescape = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");

interface WikiLink { url: string; kind: string; widget?: string }
/** The links of /wiki/ (read from the built page), once per kind and URL (a chapter is listed under each of its wiki pages). */
const LINKS: WikiLink[] = [
  ...new Map(
    [...WIKI_HTML.matchAll(/<div class="link-row"[^>]*>/g)].map((m) => {
      const attr = (name: string) => ((v) => (v === undefined ? undefined : unescape(v)))(new RegExp(`${name}="([^"]*)"`).exec(m[0])?.[1]);
      const link = { url: attr('data-wiki-link')!, kind: attr('data-link-kind')!, widget: attr('data-widget-link') };
      return [`${link.kind} ${link.url}`, link] as const;
    }),
  ).values(),
];
/** The same link on the test server: the built links carry the configured site's origin. */
const local = (abs: string) => { const u = new URL(abs); return `${u.pathname}${u.search}${u.hash}`; };
const anchorLinks = LINKS.filter((l) => ['chapter', 'section', 'alias', 'figure'].includes(l.kind));
const figureLinks = LINKS.filter((l) => l.kind === 'defaults' || l.kind === 'preset');

describe('links on /wiki/', () => {
  it('lists the links to check', () => {
    expect(anchorLinks.filter((l) => l.kind === 'section').length).toBeGreaterThan(20);
    expect(figureLinks.filter((l) => l.kind === 'preset').length).toBeGreaterThanOrEqual(6);
    expect(figureLinks.filter((l) => l.kind === 'defaults').length).toBeGreaterThanOrEqual(20);
  });

  it('every chapter, section and old-id link loads its page, where the anchor id exists exactly once', async () => {
    const pages = new Map<string, string>();
    const problems: string[] = [];
    for (const l of anchorLinks) {
      const u = new URL(url(local(l.url)));
      const page = u.pathname;
      if (!pages.has(page)) {
        const res = await fetch(new URL(page, u));
        if (!res.ok) problems.push(`${l.url}: page answers ${res.status}`);
        pages.set(page, res.ok ? await res.text() : '');
      }
      const id = decodeURIComponent(u.hash.slice(1));
      if (!id) continue;
      const n = pages.get(page)!.match(new RegExp(`\\sid="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`, 'g'))?.length ?? 0;
      if (n !== 1) problems.push(`${l.url}: id "${id}" found ${n} times (${l.kind})`);
    }
    expect(problems).toEqual([]);
  });
});

describe('figure links on /wiki/', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('wasm');
  });
  afterAll(async () => browser?.close());

  it.each(figureLinks.map((l) => [l.kind, l.url, l] as const))('%s %s opens its figure, which takes every setting', async (_k, _u, l) => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await openPage(ctx, local(l.url));
    const fig = page.locator(`figure[data-widget="${l.widget}"]`);
    expect(await fig.count()).toBe(1);
    await fig.scrollIntoViewIfNeeded();
    // the frame says it restored the link's settings once it has hydrated; a rejected one would say so instead
    await expect.poll(async () => (await fig.locator('.notice').allTextContents()).join(' | '), { timeout: 60_000 }).toMatch(/restored from the link/);
    const notices = (await fig.locator('.notice').allTextContents()).join(' | ');
    expect(notices).not.toMatch(/Unknown setting|using the default|is not|outside/);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await ctx.close();
  });
});

describe('wiki tools in the page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('wasm');
  });
  afterAll(async () => browser?.close());

  it('a copy button copies its link by keyboard and says so; with the clipboard blocked it selects the link to copy by hand', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url('/')).origin });
    const { page } = await openPage(ctx, '/wiki/');
    await page.locator('details.wiki-chapter summary').first().click();
    const button = page.locator('details.wiki-chapter[open] button[data-copy]').nth(1);
    const link = (await button.getAttribute('data-copy'))!;
    await button.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => button.textContent()).toBe('Copied ✓');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    expect(await page.locator('.toast').textContent()).toBe('Link copied');

    await page.evaluate(() => Object.defineProperty(navigator.clipboard, 'writeText', { value: () => Promise.reject(new DOMException('blocked', 'NotAllowedError')) }));
    const other = page.locator('details.wiki-chapter[open] button[data-copy]').nth(2);
    const otherLink = (await other.getAttribute('data-copy'))!;
    await other.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => other.textContent()).toBe('Copy by hand');
    expect(await page.evaluate(() => getSelection()?.toString())).toBe(otherLink);
    expect(await page.locator('.toast').textContent()).toContain(otherLink);
    // the footer names this build
    expect(await page.locator('.book-info').textContent()).toMatch(/Learning Dynamics \d+\.\d+\.\d+ · built \d{4}-\d{2}-\d{2}/);
    await ctx.close();
  });

  it('a chapter links its wiki pages and its changelog entry', async () => {
    const ctx = await browser.newContext();
    const { page } = await openPage(ctx, '/chapters/goal-misgeneralization/');
    const wiki = await page.locator('[data-related-wiki] a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(wiki.length).toBeGreaterThan(0);
    for (const h of wiki) expect(h).toMatch(/^https?:\/\/[^/]+\/.*[a-z0-9-]+$/);
    // sections.json carries the same outbound links
    const { entries } = (await (await fetch(url('/sections.json'))).json()) as { entries: { id: string; wiki: string[]; wikiUrls: string[] }[] };
    const sec = entries.find((e) => e.id === 'coin-in-the-corner')!;
    expect(sec.wikiUrls).toEqual(wiki);
    expect(sec.wikiUrls.length).toBe(sec.wiki.length);
    await page.locator('[data-last-changed] a').click();
    await page.waitForURL(/\/changelog\/#goal-misgeneralization$/);
    expect(await page.locator('#goal-misgeneralization li').count()).toBeGreaterThan(0);
    await ctx.close();
  });

  it('/progress/ shows an exercise done after it is answered, with the answer; blocked storage is said plainly', async () => {
    const ctx = await browser.newContext();
    const { page } = await openPage(ctx, '/chapters/algorithm-search/');
    const ex = page.locator('[data-exercise="ch1-alignment-analogy"]');
    await ex.scrollIntoViewIfNeeded();
    await ex.getByLabel('Add training episodes in which the two goals disagree.').check();
    await ex.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => ex.locator('[data-feedback]').getAttribute('data-feedback')).toBe('correct');
    await page.goto(url('/progress/'));
    const row = page.locator('[data-progress-exercise="ch1-alignment-analogy"]');
    await expect.poll(() => row.getAttribute('data-mark')).toBe('done');
    expect(await row.textContent()).toMatch(/✓ done.*Your answer: .*Add training episodes in which the two goals disagree\./s); // the option in words, not its number
    expect(await page.locator('[data-progress-exercise="ch1-mnli-range"]').getAttribute('data-mark')).toBe('none');
    expect(await row.locator('a').getAttribute('href')).toBe('/chapters/algorithm-search/#exercise-ch1-alignment-analogy');
    await expect.poll(() => page.locator('.book-progress .summary').textContent()).toMatch(/^1 of \d+ exercises done/);
    await ctx.close();

    const blocked = await browser.newContext();
    await blocked.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });
    });
    const b = await openPage(blocked, '/progress/');
    await expect.poll(() => b.page.locator('[data-storage-blocked]').textContent()).toMatch(/blocks local storage/);
    expect(await b.page.locator('[data-progress-exercise]').count()).toBeGreaterThan(20);
    await blocked.close();
  });
});
