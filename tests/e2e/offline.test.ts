/**
 * The book offline: after a first visit the service worker (src/integrations/service-worker.mjs)
 * has precached every page and the WASM runtime, so with the network gone a chapter reloads,
 * another chapter and a permalink open, and a figure trains to its first report on WASM, still
 * cross-origin isolated. And a new deploy shows on the next visit, its old entries cleaned up.
 * Runs its own server (scripts/serve.mjs) so the deploy test can swap what it serves on one origin.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generateSW } from 'workbox-build';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../scripts/serve.mjs';
import { serviceWorkerOptions } from '../../src/integrations/service-worker.mjs';
import { launch, smallQuery, widgetInfo } from './browser';

const DIST = new URL('../../dist/', import.meta.url).pathname;
const ORT = JSON.parse(readFileSync(new URL('../../node_modules/onnxruntime-web/package.json', import.meta.url), 'utf8')).version as string;
const WASM = `/ort/${ORT}/ort-wasm-simd-threaded.wasm`;
const W = 'coin-lab';
const CHAPTER = '/chapters/goal-misgeneralization/';
const OTHER = '/chapters/algorithm-search/';

let browser: Browser;
let server: Server;
let port = 0;
const at = (path: string) => `http://127.0.0.1:${port}${path}`;

async function serve(root: string): Promise<void> {
  if (server) await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
  server = await startServer({ root, port });
  port = (server.address() as AddressInfo).port;
}

/** A context where the service worker may run (launch() blocks it by default). */
const offlineCapable = () => browser.newContext({ serviceWorkers: 'allow', viewport: { width: 1280, height: 900 } });

async function open(ctx: BrowserContext, path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(at(path), { waitUntil: 'load' });
  return { page, errors };
}

/** The worker has installed (its precache complete) and controls the page (clientsClaim). */
const controlled = (page: Page) => page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 180_000, polling: 250 });
const toastSays = (page: Page, re: RegExp) =>
  page.waitForFunction((src) => new RegExp(src).test(document.querySelector('.toast')?.textContent ?? ''), re.source, { timeout: 60_000, polling: 100 });

/** Every cache's name and the paths (with query) it holds. */
const cacheContents = (page: Page) =>
  page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      out[name] = (await (await caches.open(name)).keys()).map((r) => { const u = new URL(r.url); return u.pathname + u.search; });
    }
    return out;
  });

beforeAll(async () => {
  browser = await launch('wasm');
  await serve(DIST);
});
afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
});

describe('offline', () => {
  it('after a first visit, chapters, a permalink and a figure work with the network gone', async () => {
    const ctx = await offlineCapable();
    const wasmFetches: { encoding: string; bytes: number; ms: number; fromSW: boolean }[] = [];
    const t0 = Date.now();
    ctx.on('response', async (r) => {
      if (new URL(r.url()).pathname !== WASM) return;
      const sizes = await r.request().sizes().catch(() => ({ responseBodySize: -1 }));
      wasmFetches.push({ encoding: r.headers()['content-encoding'] ?? 'none', bytes: sizes.responseBodySize, ms: Date.now() - t0, fromSW: r.fromServiceWorker() });
    });
    const { page, errors } = await open(ctx, CHAPTER);
    await controlled(page);
    await toastSays(page, /^Available offline$/);
    const precached = Object.values(await cacheContents(page)).flat().map((p) => p.replace(/\?.*$/, ''));
    for (const p of [WASM, `${CHAPTER}index.html`, `${OTHER}index.html`, '/index.html', '/sections.json', '/manifest.webmanifest']) expect(precached, p).toContain(p);
    expect(precached.some((p) => p.endsWith('.jsep.wasm')), 'the 28 MB WebGPU runtime is cached only when used').toBe(false);
    console.log(`offline: wasm responses on the first visit ${JSON.stringify(wasmFetches)}`);
    // online, the runtime came compressed (from the page's worker or the install, whichever asked the network)
    expect(wasmFetches.filter((f) => !f.fromSW).map((f) => f.encoding)).toContain('br');

    expect(errors).toEqual([]);
    await ctx.setOffline(true);
    // the network really is gone: a URL nobody cached fails (and the console says so: not counted)
    expect(await page.evaluate(() => fetch(`/not-cached-${Date.now()}`).then(() => 'answered', () => 'failed'))).toBe('failed');
    errors.splice(0);
    await page.reload({ waitUntil: 'load' });
    expect(await page.locator('h1').first().textContent()).toBeTruthy();
    expect(await page.evaluate(() => crossOriginIsolated), 'a precached page keeps its COOP/COEP headers').toBe(true);

    const other = await open(ctx, OTHER);
    expect(await other.page.locator('h1').first().textContent()).toBeTruthy();

    // a permalink with a query and a hash, and its figure training on WASM from the precached runtime
    const fig = await open(ctx, `${CHAPTER}?backend=wasm&${smallQuery(W)}#${W}`);
    expect(await fig.page.evaluate(() => crossOriginIsolated)).toBe(true);
    await fig.page.locator(`figure[data-widget="${W}"]`).scrollIntoViewIfNeeded();
    await fig.page.waitForFunction(
      // the first report of a trained frame: the experiment's own metrics beside the run's counts
      (w) => {
        const el = document.querySelector(`[data-widget="${w}"]`) as HTMLElement;
        const own = Object.keys(JSON.parse(el.dataset.metrics || '{}')).filter((k) => k !== 'divergedMembers' && k !== 'trainedMembers');
        return own.length > 0 || ['error', 'diverged'].includes(el.dataset.state ?? '');
      },
      W, { timeout: 180_000, polling: 100 },
    );
    const info = await widgetInfo(fig.page, W);
    const why = (await fig.page.locator(`figure[data-widget="${W}"]`).innerText()).slice(0, 600);
    expect(info.state, why).not.toBe('error');
    console.log(`offline: ${W} first report offline: ${info.state} ${JSON.stringify(info.metrics)} (${info.backend})`);
    expect(Object.values(info.metrics).filter(Number.isFinite).length).toBeGreaterThan(0);
    expect(info.backend).toMatch(/^Backend: WASM/);
    expect(info.backend).not.toMatch(/not cross-origin isolated/);
    expect([...errors, ...other.errors, ...fig.errors]).toEqual([]);
    await ctx.close();
  });

  it('a new deploy shows on the next visit, and the old version is cleaned out of the caches', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'ld-deploy-')) + '/';
    try {
      const ctx = await offlineCapable();
      const first = await open(ctx, '/about/');
      await controlled(first.page);
      const scope = await first.page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
      // what an older Workbox version's precache would be called: cleanupOutdatedCaches must delete it
      const stale = `workbox-precache-v1-${scope}`;
      await first.page.evaluate((name) => caches.open(name).then(() => undefined), stale);
      const aboutKeys = async (page: Page) => Object.values(await cacheContents(page)).flat().filter((p) => p.startsWith('/about/index.html'));
      const [oldKey] = await aboutKeys(first.page);
      expect(oldKey).toMatch(/__WB_REVISION__=/);

      // the next deploy: the about page's text changes, and so does its revision in sw.js
      cpSync(DIST, copy, { recursive: true, filter: (src) => !/\.(br|gz)$/.test(src) });
      const about = join(copy, 'about/index.html');
      writeFileSync(about, readFileSync(about, 'utf8').replace('</main>', '<p id="new-deploy">Second printing</p></main>'));
      await generateSW(serviceWorkerOptions(copy));
      await serve(copy);

      const next = await open(ctx, '/about/');
      expect(await next.page.locator('#new-deploy').textContent(), 'the visit after a deploy shows the new text').toBe('Second printing');
      await toastSays(next.page, /^Updated to a new version$/);
      // the new worker deletes outdated precaches while it activates, around the time it takes control
      await next.page.waitForFunction(async (name) => !(await caches.keys()).includes(name), stale, { timeout: 30_000, polling: 250 });
      // and drops the old revision of the changed page from its precache, in the same activation
      await expect.poll(async () => (await aboutKeys(next.page)).length, { timeout: 30_000 }).toBe(1);
      const newKeys = await aboutKeys(next.page);
      expect(newKeys[0]).not.toBe(oldKey);

      // and offline, the new version is what the cache holds
      await ctx.setOffline(true);
      await next.page.reload({ waitUntil: 'load' });
      expect(await next.page.locator('#new-deploy').textContent()).toBe('Second printing');
      expect([...first.errors, ...next.errors]).toEqual([]);
      await ctx.close();
    } finally {
      await serve(DIST);
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
