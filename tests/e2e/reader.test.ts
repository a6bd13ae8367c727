/**
 * What a reader sees of every figure, checked on the built book (WASM): chart text readable on a
 * phone, figure numbers and captions, no non-finite value in any SVG (also after a run whose
 * members diverge, which is counted per member), the same numbers from the same settings twice
 * in one page, seed dots that are easy to hit, training data on request, exports, and the frame's
 * controls (Run again, Restore defaults, an address that follows the settings).
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../../src/engine/experiments';
import { builtPages, desktopBrowser, nonFiniteSvgAttributes, openPage, smallQuery, waitForWidget, widgetInfo, widgetsOn } from './browser';

const CHAPTERS = builtPages().filter((p) => p.startsWith('/chapters/'));
const ENDED = ['done', 'unconverged', 'diverged', 'error'];
const fig = (id: string) => `figure[data-widget="${id}"]`;

/** Every figure of a page at its small configuration, each scrolled to and trained to its end. */
async function runAllSmall(page: Page, ids: string[]) {
  for (const id of ids) {
    await page.locator(fig(id)).scrollIntoViewIfNeeded();
    const info = await waitForWidget(page, id, ENDED, 200_000);
    expect(info.state, id).toBe('done');
  }
}

describe('figures as a reader sees them (WASM)', () => {
  const b = desktopBrowser('wasm');
  const chapterNumbers = new Set<string>();

  for (const path of CHAPTERS) {
    const ids = widgetsOn(path);
    const query = `?backend=wasm&${ids.map(smallQuery).join('&')}`;

    it(`${path}: at 390 px every chart's text is at least 11 CSS px, and no SVG attribute is NaN or Infinity`, async () => {
      const phone = await b.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
      const { page, errors } = await openPage(phone, `${path}${query}`);
      await runAllSmall(page, ids);
      for (const id of ids) {
        const show = page.locator(fig(id)).getByRole('button', { name: 'Show training data' });
        if (await show.count()) await show.click();
      }
      const small = await page.evaluate(() => {
        const out: string[] = [];
        for (const t of document.querySelectorAll<SVGTextElement>('figure.widget svg text')) {
          if (!t.textContent?.trim()) continue;
          const m = t.getScreenCTM();
          // the CTM's scale whatever the rotation (axis titles are turned by 90°)
          const size = parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1);
          if (size < 11) out.push(`${t.closest('figure')?.id}: "${t.textContent}" at ${size.toFixed(1)} px`);
        }
        return out;
      });
      expect(small).toEqual([]);
      const texts = await page.locator('figure.widget svg text').count();
      expect(texts).toBeGreaterThan(ids.length * 4);
      expect(await nonFiniteSvgAttributes(page)).toEqual([]);
      expect(errors.filter((e) => !/No available adapters/.test(e))).toEqual([]);
      await phone.close();
    });

    it(`${path}: every figure has its number in reading order and a caption saying what is drawn; references read "Figure N.M"`, async () => {
      const { page } = await openPage(b.ctx, path);
      const figures = await page.$$eval('figure.widget', (els) => els.map((e) => ({
        id: e.id, number: e.getAttribute('data-figure') ?? '', caption: e.querySelector('figcaption')?.textContent?.trim() ?? '',
      })));
      expect(figures.map((f) => f.id)).toEqual(ids);
      const chapter = figures[0]?.number.split('.')[0];
      expect(chapterNumbers.has(chapter), `two chapters number their figures ${chapter}.x`).toBe(false);
      chapterNumbers.add(chapter);
      figures.forEach((f, i) => {
        expect(f.number, f.id).toBe(`${chapter}.${i + 1}`);
        expect(f.caption.startsWith(`Figure ${f.number}.`), f.caption).toBe(true);
        expect(f.caption.length, f.id).toBeGreaterThan(80);
      });
      const refs = await page.$$eval('article a[href^="#"]', (as) => as.map((a) => ({ href: a.getAttribute('href')!.slice(1), text: a.textContent ?? '' })).filter((r) => /^Figure /.test(r.text)));
      for (const r of refs) expect(r.text, r.href).toBe(`Figure ${figures.find((f) => f.id === r.href)?.number}`);
      await page.close();
    });
  }

  it('per-member divergence: diverged seeds are counted and left out, the run says it did not converge, and nothing non-finite is drawn', async () => {
    const W = 'hundred-seeds';
    const { page, errors } = await openPage(b.ctx, `/chapters/algorithm-search/?backend=wasm&${W}.members=4&${W}.steps=200&${W}.lr=500#${W}`);
    await page.locator(fig(W)).scrollIntoViewIfNeeded();
    const info = await waitForWidget(page, W, ENDED);
    expect(info.state).toBe('unconverged');
    expect(info.metrics.divergedMembers).toBeGreaterThan(0);
    expect(info.metrics.divergedMembers).toBeLessThan(4);
    for (const [k, v] of Object.entries(info.metrics)) expect(Number.isFinite(v), k).toBe(true);
    const note = await page.locator(`${fig(W)} .widget-diverged`).textContent();
    expect(note).toContain(`${info.metrics.divergedMembers} of 4 models diverged`);
    expect(await page.locator(`${fig(W)} .state`).textContent()).toBe('Did not converge');
    // the strips draw only the surviving seeds
    expect(await page.locator(`${fig(W)} circle[data-seed]`).count()).toBe(2 * (4 - info.metrics.divergedMembers));
    expect(await nonFiniteSvgAttributes(page)).toEqual([]);
    expect(errors.filter((e) => !/No available adapters/.test(e))).toEqual([]);
    await page.close();
  });

  for (const [W, query] of [['edge-of-stability', 'edge-of-stability.steps=300'], ['flat-sharp', smallQuery('flat-sharp')]]) {
  it(`${W}: the same settings give the same numbers twice in one page, with pauses in the second run`, async () => {
    const { page } = await openPage(b.ctx, `/chapters/loss-landscapes/?backend=wasm&${query}#${W}`);
    await page.locator(fig(W)).scrollIntoViewIfNeeded();
    const first = await waitForWidget(page, W, ENDED);
    expect(first.state).toBe('done');
    await page.locator(fig(W)).getByRole('button', { name: /^Run again/ }).click();
    for (let i = 0; i < 3; i++) {
      await page.waitForTimeout(250);
      await page.locator(fig(W)).getByRole('button', { name: /^Pause/ }).click().catch(() => undefined);
      await page.waitForTimeout(150);
      await page.locator(fig(W)).getByRole('button', { name: /^(Resume|Run)/ }).click().catch(() => undefined);
    }
    const second = await waitForWidget(page, W, ENDED);
    const volatile = new Set<string>(EXPERIMENTS[W].volatile ?? []);
    const keep = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([k]) => !volatile.has(k) && k !== 'trainedMembers'));
    expect(keep(second.metrics)).toEqual(keep(first.metrics));
    await page.close();
  });
  }

  it('a seed dot is picked from up to 14 px away, and the pick names the seed that trains it', async () => {
    const W = 'hundred-seeds';
    const { page } = await openPage(b.ctx, `/chapters/algorithm-search/?backend=wasm&${W}.members=12&${W}.steps=60&${W}.seed=40#${W}`);
    await page.locator(fig(W)).scrollIntoViewIfNeeded();
    await waitForWidget(page, W, ENDED);
    const target = await page.evaluate(() => {
      const dots = [...document.querySelectorAll<SVGCircleElement>('figure[data-widget="hundred-seeds"] circle[data-seed]')].slice(12);
      const pos = dots.map((d) => { const r = d.getBoundingClientRect(); return { seed: Number(d.dataset.seed), x: r.x + r.width / 2, y: r.y + r.height / 2, r: r.width / 2 }; });
      // a point 11 px above the first dot, outside its drawn circle; the nearest dot to it is the expected pick
      const p = { x: pos[0].x, y: pos[0].y - 11 };
      const near = pos.reduce((a, d) => (Math.hypot(d.x - p.x, d.y - p.y) < Math.hypot(a.x - p.x, a.y - p.y) ? d : a));
      return { p, seed: near.seed, drawnRadius: pos[0].r };
    });
    expect(target.drawnRadius).toBeLessThan(11);
    await page.mouse.click(target.p.x, target.p.y);
    await expect.poll(() => page.locator(fig(W)).getByLabel('Inspect seed').inputValue()).toBe(String(40 + target.seed));
    await expect.poll(() => page.locator(`${fig(W)} .inspect .meta`).textContent(), { timeout: 30_000 }).toContain(`seed ${40 + target.seed}`);
    await page.close();
  });

  it('shows the training data, and exports the data as CSV and JSON and the charts as SVG and PNG', async () => {
    const W = 'gap-fan';
    const { page } = await openPage(b.ctx, `/chapters/algorithm-search/?backend=wasm&${smallQuery(W)}#${W}`);
    await page.locator(fig(W)).scrollIntoViewIfNeeded();
    const info = await waitForWidget(page, W, ENDED);
    await page.locator(fig(W)).getByRole('button', { name: 'Show training data' }).click();
    expect(await page.locator(`${fig(W)} [data-training-data] circle`).count()).toBe(24);
    const get = async (kind: string) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(fig(W)).getByRole('button', { name: new RegExp(`as ${kind}$`) }).click()]);
      return { name: dl.suggestedFilename(), body: readFileSync((await dl.path())!) };
    };
    const csv = await get('CSV');
    expect(csv.name).toBe(`${W}-seed1.csv`);
    const lines = csv.body.toString().split('\n');
    expect(lines[0]).toBe('part,name,index,value');
    expect(lines).toContain(`metric,spreadGap,,${info.metrics.spreadGap}`);
    expect(lines.filter((l) => l.startsWith('data,curves,')).length).toBeGreaterThan(100);
    const json = JSON.parse((await get('JSON')).body.toString());
    expect(json.metrics.spreadGap).toBe(info.metrics.spreadGap);
    expect(json.config.members).toBe(EXPERIMENTS[W].small.members);
    const svg = (await get('SVG')).body.toString();
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toContain('var(--');
    expect(svg.match(/<path/g)!.length).toBeGreaterThan(3);
    const png = (await get('PNG')).body;
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(5000);
    await page.close();
  });

  it('Run again after done, Restore defaults, link notices that go once a setting changes, an address that follows the settings, a bad seed refused with a message', async () => {
    const W = 'hundred-seeds';
    const { page } = await openPage(b.ctx, `/chapters/algorithm-search/?backend=wasm&${W}.members=3&${W}.steps=20#${W}`);
    const frame = page.locator(fig(W));
    await frame.scrollIntoViewIfNeeded();
    await waitForWidget(page, W, ENDED);
    await expect.poll(() => frame.locator('.notice').allTextContents()).toContain('Settings restored from the link; this replays the same run.');
    // Run again: a second run of the same settings, no Reset needed
    await frame.getByRole('button', { name: /^Run again/ }).click();
    await waitForWidget(page, W, ['loading', 'running', 'done']);
    await waitForWidget(page, W, ['done']);
    // a changed setting: the link's notice goes and the address follows
    await frame.getByLabel('Steps').fill('30');
    await frame.getByLabel('Steps').dispatchEvent('change');
    expect(await frame.locator('.notice').allTextContents()).not.toContain('Settings restored from the link; this replays the same run.');
    expect(new URL(page.url()).searchParams.get(`${W}.steps`)).toBe('30');
    await waitForWidget(page, W, ['done']);
    // a negative or fractional seed gets a message
    for (const bad of ['-3', '2.5']) {
      await frame.getByLabel('Seed', { exact: true }).fill(bad);
      await frame.getByLabel('Seed', { exact: true }).dispatchEvent('change');
      const info = await waitForWidget(page, W, ['error']);
      expect(info.state).toBe('error');
      expect(await frame.locator('.widget-message').textContent()).toMatch(/^Seed: /);
    }
    // Restore defaults: every setting back to its default, and a fresh run
    await frame.getByRole('button', { name: /^Restore defaults/ }).click();
    expect(await frame.getByLabel('Models').inputValue()).toBe(String(EXPERIMENTS[W].fields.members.default));
    expect(await frame.getByLabel('Seed', { exact: true }).inputValue()).toBe('1');
    expect(new URL(page.url()).searchParams.get(`${W}.members`)).toBe(String(EXPERIMENTS[W].fields.members.default));
    expect((await widgetInfo(page, W)).state).toMatch(/loading|running/);
    await page.close();
  });
});
