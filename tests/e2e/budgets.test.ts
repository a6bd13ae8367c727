/**
 * Budgets and checks over every built page: a chapter's own JavaScript and every page's CSS stay
 * small, no internal link or anchor is broken, axe finds no serious issue in light or dark, and
 * nothing scrolls sideways on a phone. Islands are hydrated first (the page is scrolled through).
 */
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { check } from 'linkinator';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../scripts/serve.mjs';
import { builtPages, DESKTOP, inOwnBrowser, openPage, seriousA11yViolations, url } from './browser';
import { hydrateAll } from './hydrate';

const PAGES = builtPages();
const JS_BUDGET = 200 * 1024; // gzip, a chapter page's own code (not onnxruntime, not the training worker)
const CSS_BUDGET = 50 * 1024; // raw bytes: every stylesheet and <style> a page loads

describe('budgets', () => {
  for (const path of PAGES) {
    const chapter = path.startsWith('/chapters/');
    it(`${path}: CSS ≤ 50 kB${chapter ? ', own JavaScript ≤ 200 kB gzip' : ''}`, () => inOwnBrowser('wasm', DESKTOP, async (ctx) => {
      const page = await ctx.newPage();
      const scripts = new Set<string>();
      const sheets = new Set<string>();
      page.on('response', (r) => {
        const type = r.request().resourceType();
        if (type === 'script') scripts.add(r.url());
        if (type === 'stylesheet') sheets.add(r.url());
      });
      await page.goto(url(path), { waitUntil: 'load' });
      await hydrateAll(page);
      const size = async (u: string) => Buffer.from(await (await fetch(u)).arrayBuffer());
      let css = await page.evaluate(() => [...document.querySelectorAll('style')].reduce((n, e) => n + new TextEncoder().encode(e.textContent ?? '').length, 0));
      for (const u of sheets) css += (await size(u)).length;
      let js = 0;
      const own = [...scripts].filter((u) => u.startsWith(url('/')) && !/\/ort\/|\/ort(\.wasm)?\.min-|worker/.test(u));
      for (const u of own) js += gzipSync(await size(u)).length;
      console.log(`budget ${path}: CSS ${(css / 1024).toFixed(1)} kB raw in ${sheets.size} sheets${chapter ? `, JS ${(js / 1024).toFixed(1)} kB gzip in ${own.length} files` : ''}`);
      expect(sheets.size).toBeGreaterThan(0);
      expect(css).toBeLessThan(CSS_BUDGET);
      if (chapter) {
        expect(own.length).toBeGreaterThan(0);
        expect(js).toBeLessThan(JS_BUDGET);
      }
    }));
  }
});

describe('links', () => {
  it('every internal link and #anchor on every page resolves (linkinator, fragments checked)', async () => {
    const base = url('/');
    const result = await check({
      path: base, recurse: true, checkFragments: true, concurrency: 4,
      linksToSkip: async (link) => !link.startsWith(base), // no network here: other hosts are not checked
    });
    const broken = result.links.filter((l) => l.state === 'BROKEN').map((l) => `${l.url} (status ${l.status}) on ${l.parent}`);
    expect(broken).toEqual([]);
    // the crawl reached every built page
    const seen = new Set(result.links.map((l) => new URL(l.url).pathname));
    for (const p of PAGES.filter((x) => x !== '/404/')) expect(seen, p).toContain(p);
  });

  describe('the link check itself', () => {
    let server: Server;
    afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));
    it('reports a missing page, a missing anchor on another page and on the same page', async () => {
      const root = mkdtempSync(join(tmpdir(), 'ld-links-'));
      mkdirSync(join(root, 'a'));
      writeFileSync(join(root, 'index.html'), '<h1 id="top">x</h1><a href="/a/#there">ok</a><a href="/a/#gone">bad</a><a href="#top">ok</a><a href="#nope">bad</a><a href="/missing/">bad</a>');
      writeFileSync(join(root, 'a', 'index.html'), '<h2 id="there">a</h2>');
      server = await startServer({ root: `${root}/`, port: 0 });
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const result = await check({ path: base, recurse: true, checkFragments: true });
      const broken = result.links.filter((l) => l.state === 'BROKEN').map((l) => new URL(l.url).href.slice(base.length - 1));
      expect(new Set(broken)).toEqual(new Set(['/a/#gone', '/#nope', '/missing/']));
    });
  });
});

for (const theme of ['light', 'dark'] as const) {
  describe(`accessibility (${theme})`, () => {
    for (const path of PAGES) {
      it(`${path} has no serious or critical axe violation in the ${theme} theme`, () => inOwnBrowser('wasm', { ...DESKTOP, colorScheme: theme }, async (ctx) => {
        await ctx.addInitScript((t) => {
          try { localStorage.setItem('learning-dynamics.theme', t); } catch { /* the system theme (colorScheme) still applies */ }
        }, theme);
        const { page } = await openPage(ctx, path);
        await hydrateAll(page);
        expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toMatch(theme === 'dark' ? /rgb\((\d|[1-7]\d),/ : /rgb\((2[0-4]\d|25[0-5]),/);
        expect(await seriousA11yViolations(page)).toEqual([]);
      }));
    }
  });
}

describe('phone', () => {
  for (const path of PAGES) {
    it(`${path} does not scroll sideways at 390 px`, () => inOwnBrowser('wasm', { viewport: { width: 390, height: 844 }, isMobile: true }, async (ctx) => {
      const { page } = await openPage(ctx, path);
      await hydrateAll(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(1);
    }));
  }
});
