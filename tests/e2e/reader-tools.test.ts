/**
 * Reader tools on the built book: the search dialog (Pagefind), reading settings (size, width,
 * OpenDyslexic, motion) applied before first paint and kept across reloads, blocked storage, and
 * figures that wait for Run under reduced motion.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openPage, smallQuery, url, waitForWidget, widgetInfo } from './browser';

/** A widget's normal note when the browser has no usable WebGPU adapter; not a page error. */
const benign = (e: string) => /No available adapters/.test(e);
const SHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const CHAPTER = '/chapters/algorithm-search/';

async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}reader-tools-${name}.png` });
}

/** Search for a query and wait until the list (or the status line) answers. */
async function search(page: Page, q: string) {
  await page.waitForFunction(() => document.activeElement?.id === 'search-input');
  await page.keyboard.type(q);
  await page.waitForFunction(
    (query) => (document.querySelector<HTMLElement>('.search-status')?.dataset.query === query) || document.querySelector('.search-status[data-kind=error]'),
    q,
    { timeout: 20_000 },
  );
}

describe('reader tools', () => {
  let browser: Browser;
  let ctx: BrowserContext;
  beforeAll(async () => {
    browser = await launch('wasm');
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => browser?.close());

  it('/ opens search; "edge of stability" lands on its section of the right chapter, heading in view', async () => {
    const { page, errors } = await openPage(ctx, CHAPTER);
    // Pagefind is not loaded until search opens
    expect(await page.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.includes('/pagefind/')))).toBe(false);
    await page.keyboard.press('/');
    await page.waitForSelector('dialog.search-dialog[open]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    await search(page, 'edge of stability');
    const rows = await page.$$eval('#search-results [role=option]', (lis) =>
      lis.map((li) => ({
        chapter: li.querySelector('.search-chapter')?.textContent,
        section: li.querySelector('.search-section')?.textContent ?? '',
        href: li.querySelector('a')?.getAttribute('href'),
        marks: [...li.querySelectorAll('mark')].map((m) => m.textContent?.toLowerCase()),
        selected: li.getAttribute('aria-selected'),
      })),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ section: 'The edge of stability', selected: 'true' });
    expect(rows[0].href).toMatch(/\/chapters\/loss-landscapes\/#at-the-edge-of-stability$/);
    expect(rows.flatMap((r) => r.marks).some((m) => m?.startsWith('stability'))).toBe(true);
    // arrows move the selection (and wrap), Enter opens the selected row
    await page.keyboard.press('ArrowDown');
    if (rows.length > 1) expect(await page.getAttribute('#search-results [role=option]:nth-child(2)', 'aria-selected')).toBe('true');
    await page.keyboard.press('ArrowUp');
    await shot(page, 'search-1280-light');
    await Promise.all([page.waitForURL(/loss-landscapes/), page.keyboard.press('Enter')]);
    await page.waitForLoadState('load');
    expect(new URL(page.url()).hash).toBe('#at-the-edge-of-stability');
    const top = await page.evaluate(() => {
      const h = document.getElementById('at-the-edge-of-stability')!.getBoundingClientRect();
      return { top: h.top, bottom: h.bottom, vh: innerHeight };
    });
    expect(top.top).toBeGreaterThanOrEqual(0);
    expect(top.bottom).toBeLessThanOrEqual(top.vh);
    expect(errors.filter((e) => !benign(e))).toEqual([]);
    await page.close();
  });

  it('Escape closes and returns focus; Ctrl+K opens; / in a field types a slash; no results says so', async () => {
    const { page, errors } = await openPage(ctx, CHAPTER);
    await page.click('[data-search-open]');
    await page.waitForSelector('dialog.search-dialog[open]');
    await search(page, 'жужелица');
    const found = await page.$$eval('#search-results a', (as) => as.map((a) => `${a.getAttribute('href')} ${[...a.querySelectorAll('mark')].map((m) => m.textContent)}`));
    expect(await page.textContent('.search-status'), found.join('\n')).toMatch(/No results for “жужелица”/);
    // figure captions are indexed (server-rendered inside the figure's island)
    await page.fill('#search-input', '');
    await search(page, 'shaded gap dashed lines');
    const caption = await page.$$eval('#search-results a', (as) => as.map((a) => `${a.getAttribute('href')} ${a.querySelector('.search-excerpt')?.textContent}`));
    expect(caption.some((c) => c.startsWith('/chapters/algorithm-search/') && /shaded gap/.test(c)), caption.join('\n')).toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog.search-dialog:not([open])', { state: 'attached' });
    expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-search-open'))).toBe(true);
    await page.keyboard.press('Control+k');
    await page.waitForSelector('dialog.search-dialog[open]');
    await page.keyboard.press('Escape');
    const seed = page.locator('.widget input[type=number]').first();
    await seed.focus();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.querySelector('dialog.search-dialog')?.hasAttribute('open'))).toBe(false);
    expect(errors.filter((e) => !benign(e))).toEqual([]);
    await page.close();
  });

  it('reading settings: text size applies and survives a reload; OpenDyslexic loads when chosen', async () => {
    const own = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await openPage(own, CHAPTER);
    const rootSize = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    const before = await rootSize();
    await page.click('[data-settings-open]');
    await page.waitForSelector('dialog.settings-dialog[open]');
    await page.check('input[name=reading-fontSize][value=larger]');
    await page.check('input[name=reading-measure][value=wide]');
    expect(await rootSize()).toBeCloseTo(before * 1.25, 1);
    expect(await page.evaluate(() => [...(document.fonts as unknown as Iterable<FontFace>)].filter((f) => f.family.includes('OpenDyslexic') && f.status === 'loaded').length)).toBe(0);
    await page.check('input[name=reading-font][value=dyslexic]');
    await page.evaluate(() => document.fonts.ready);
    await page.waitForFunction(() => [...(document.fonts as unknown as Iterable<FontFace>)].some((f) => f.family.includes('OpenDyslexic') && f.status === 'loaded'), undefined, { timeout: 10_000 });
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.prose p')!).fontFamily)).toMatch(/OpenDyslexic/);
    expect(await page.isVisible('[data-settings-note]')).toBe(false);
    await page.reload({ waitUntil: 'load' });
    expect(await page.evaluate(() => ({ ...document.documentElement.dataset }))).toMatchObject({ fontSize: 'larger', measure: 'wide', font: 'dyslexic' });
    expect(await rootSize()).toBeCloseTo(before * 1.25, 1);
    expect(errors.filter((e) => !benign(e))).toEqual([]);
    await own.close();
  });

  it('blocked storage: defaults apply, the panel says settings hold for this page, and nothing throws', async () => {
    const blocked = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await blocked.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
    });
    const { page, errors } = await openPage(blocked, CHAPTER);
    expect(await page.evaluate(() => document.documentElement.dataset.readingStorage)).toBe('blocked');
    await page.click('[data-settings-open]');
    await page.waitForSelector('dialog.settings-dialog[open]');
    expect(await page.textContent('[data-settings-note]')).toMatch(/blocks storage.*this page only/);
    await page.check('input[name=reading-fontSize][value=large]');
    expect(await page.evaluate(() => document.documentElement.dataset.fontSize)).toBe('large');
    expect(await page.isVisible('[data-settings-note]')).toBe(true);
    // garbage in storage (another context) is reset with a note, not an error
    const junk = await browser.newContext();
    await junk.addInitScript(() => {
      if (!sessionStorage.getItem('seeded')) {
        localStorage.setItem('learning-dynamics.reading', '{"fontSize":"enormous"');
        sessionStorage.setItem('seeded', '1');
      }
    });
    const j = await openPage(junk, CHAPTER);
    expect(await j.page.evaluate(() => ({ ...document.documentElement.dataset }))).toMatchObject({ readingStorage: 'reset', fontSize: 'normal' });
    await j.page.click('[data-settings-open]');
    expect(await j.page.textContent('[data-settings-note]')).toMatch(/could not be read/);
    expect([...errors, ...j.errors].filter((e) => !benign(e))).toEqual([]);
    await blocked.close();
    await junk.close();
  });

  it('reduced motion: a figure scrolled into view stays idle until its Run button, then trains', async () => {
    const still = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const { page, errors } = await openPage(still, `${CHAPTER}?${smallQuery('hundred-seeds')}`);
    await page.locator('[data-widget="hundred-seeds"]').scrollIntoViewIfNeeded();
    await page.waitForSelector('[data-widget="hundred-seeds"] [data-run-request]');
    await page.waitForTimeout(3000); // time enough for a figure that would start by itself to have started
    expect((await widgetInfo(page, 'hundred-seeds')).state).toBe('idle');
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.toast')!).transitionDuration)).toBe('0s');
    await page.click('[data-widget="hundred-seeds"] [data-run-request] button');
    const info = await waitForWidget(page, 'hundred-seeds', ['done', 'unconverged']);
    expect(info.state).toBe('done');
    // the explicit setting wins over the system: Allow lets figures start on view again
    const allow = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    await allow.addInitScript(() => localStorage.setItem('learning-dynamics.reading', '{"motion":"allow"}'));
    const a = await openPage(allow, `${CHAPTER}?${smallQuery('hundred-seeds')}`);
    await a.page.locator('[data-widget="hundred-seeds"]').scrollIntoViewIfNeeded();
    await waitForWidget(a.page, 'hundred-seeds', ['loading', 'running', 'done']);
    expect(await a.page.$('[data-widget="hundred-seeds"] [data-run-request]')).toBeNull();
    expect([...errors, ...a.errors].filter((e) => !benign(e))).toEqual([]);
    await still.close();
    await allow.close();
  });

  it('screenshots: the search dialog and the settings panel at 1280 and 390 px, light and dark', async () => {
    for (const [w, h] of [[1280, 900], [390, 844]]) {
      for (const scheme of ['light', 'dark'] as const) {
        const c = await browser.newContext({ viewport: { width: w, height: h }, colorScheme: scheme, isMobile: w < 500 });
        const page = await c.newPage();
        await page.goto(url(CHAPTER));
        await shot(page, `header-${w}-${scheme}`);
        await page.click('[data-search-open]');
        await search(page, 'sharpness');
        await shot(page, `search-${w}-${scheme}`);
        await page.keyboard.press('Escape');
        await page.click('[data-settings-open]');
        await page.waitForSelector('dialog.settings-dialog[open]');
        await shot(page, `settings-${w}-${scheme}`);
        await c.close();
      }
    }
  });
});
