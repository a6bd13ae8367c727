/** Launch Chromium in one of the two configurations the book is tested in, and page helpers. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { settingsOf } from '../../src/engine/experiment';
import { EXPERIMENTS } from '../../src/engine/experiments';

export type Config = 'webgpu' | 'wasm';
export const CONFIGS: Config[] = ['webgpu', 'wasm'];

/** The desktop size every desktop check opens its pages at. */
export const DESKTOP = { viewport: { width: 1280, height: 900 } };

const COMMON = [
  '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

const argsFor = (config: Config) =>
  config === 'webgpu'
    ? [...COMMON, '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader']
    : [...COMMON, '--disable-gpu', '--disable-features=WebGPU,Vulkan'];

/**
 * Contexts block service workers unless a test passes `serviceWorkers: 'allow'` (offline.test.ts):
 * the built book registers one that downloads ~18 MB at install and then answers from its cache,
 * which every fresh test context would otherwise pay for and be changed by.
 */
export async function launch(config: Config): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: inject('chromium'), headless: true, args: argsFor(config) });
  const newContext = browser.newContext.bind(browser); // browser.newPage goes through it too
  browser.newContext = (options = {}) => newContext({ serviceWorkers: 'block', ...options });
  return browser;
}

/**
 * A browser with a profile on disk, desktop-sized: unlike `launch`'s contexts (incognito, where
 * Chromium keeps no compiled-code cache), a second visit finds the onnxruntime wasm compiled, as
 * a reader who has opened the book before does. Close the context to end it.
 */
export async function launchWithProfile(config: Config): Promise<BrowserContext> {
  const dir = mkdtempSync(join(tmpdir(), 'ld-profile-'));
  return chromium.launchPersistentContext(dir, { executablePath: inject('chromium'), headless: true, args: argsFor(config), ...DESKTOP, serviceWorkers: 'block' });
}

/**
 * A browser in one configuration and a desktop-sized context, for the tests of a describe block:
 * launched before them, closed after. Read `browser` and `ctx` inside the tests.
 */
export function desktopBrowser(config: Config): { browser: Browser; ctx: BrowserContext } {
  const s = {} as { browser: Browser; ctx: BrowserContext };
  beforeAll(async () => {
    s.browser = await launch(config);
    s.ctx = await s.browser.newContext(DESKTOP);
  });
  // a test that fails half-way leaves its pages open, and their figures would go on training through
  // every later test of the file: close whatever a test opened and did not close
  let before = new Set<unknown>();
  beforeEach(() => {
    before = new Set([...(s.browser?.contexts() ?? []), ...(s.ctx?.pages() ?? [])]);
  });
  afterEach(async () => {
    for (const c of s.browser?.contexts() ?? []) if (!before.has(c)) await c.close().catch(() => {});
    for (const p of s.ctx?.pages() ?? []) if (!before.has(p)) await p.close().catch(() => {});
  });
  afterAll(async () => s.browser?.close());
  return s;
}

/**
 * Run `use` in a context of a browser launched for it alone, closed after. For the checks that
 * hydrate every island of a page (budgets, axe, phone, CSP): one browser shared across many figure
 * pages was seen, in about one CI run in three, to stop hydrating a later page's islands with no
 * error, and a fresh browser carries nothing over from an earlier page.
 */
export async function inOwnBrowser<T>(config: Config, options: BrowserContextOptions, use: (ctx: BrowserContext) => Promise<T>): Promise<T> {
  const browser = await launch(config);
  try {
    return await use(await browser.newContext(options));
  } finally {
    await browser.close();
  }
}

export function url(path: string): string {
  return new URL(path, inject('baseURL')).href;
}

/** A page that records console errors and uncaught exceptions. */
export async function openPage(ctx: BrowserContext, path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url(path), { waitUntil: 'load' });
  return { page, errors };
}

const SHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;
export async function screenshot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core violations of impact serious or critical. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // evaluated through DevTools, not as an inline <script>: the page's Content-Security-Policy allows no unhashed inline script
  await page.evaluate(`${AXE}\n;0`);
  const violations = await page.evaluate(async () => {
    // @ts-expect-error injected global
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v: { id: string; impact: string; help: string; nodes: { target: string[] }[] }) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return violations
    .filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
    .map((v: { id: string; help: string; targets: string[] }) => `${v.id}: ${v.help} (${v.targets.join(', ')})`);
}

/** A figure's state as its root shows it; M, its experiment's metric names (MetricOf), makes a typo a type error. */
export interface WidgetInfo<M extends string = string> {
  state: string;
  metrics: Record<M, number>;
  backend: string;
}

export async function widgetInfo<M extends string = string>(page: Page, id: string): Promise<WidgetInfo<M>> {
  return page.evaluate((wid) => {
    const el = document.querySelector(`[data-widget="${wid}"]`) as HTMLElement;
    return {
      state: el.dataset.state ?? '',
      metrics: JSON.parse(el.dataset.metrics || '{}'),
      backend: el.querySelector('.widget-backend')?.textContent ?? '',
    };
  }, id);
}

/** Wait until a widget reaches one of the given states; returns its info. */
export async function waitForWidget<M extends string = string>(page: Page, id: string, states: string[], timeout = 150_000): Promise<WidgetInfo<M>> {
  await page.waitForFunction(
    ([wid, ss]) => (ss as string[]).includes((document.querySelector(`[data-widget="${wid}"]`) as HTMLElement)?.dataset.state ?? ''),
    [id, states] as const,
    { timeout, polling: 250 },
  );
  return widgetInfo<M>(page, id);
}

/** Wait for a widget's first report (its first trained frame's metrics). */
export async function waitForFirstReport(page: Page, id: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction((w) => (document.querySelector(`[data-widget="${w}"]`) as HTMLElement).dataset.metrics !== '{}', id, { timeout, polling: 50 });
}

const DIST = new URL('../../dist/', import.meta.url).pathname;

/** Every page of the built site, as a path ('/', '/about/', '/chapters/…/'), found in dist/. */
export function builtPages(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(`${DIST}${dir}`, { withFileTypes: true })) {
      if (e.isDirectory() && !['_astro', 'ort', 'bench'].includes(e.name)) walk(`${dir}${e.name}/`);
      else if (e.name === 'index.html') found.push(`/${dir}`);
    }
  };
  walk('');
  return found.sort();
}

/** The live figures on a built page (their `data-widget` ids), read from its HTML. */
export function widgetsOn(path: string): string[] {
  const html = readFileSync(`${DIST}${path.slice(1)}index.html`, 'utf8');
  return [...html.matchAll(/data-widget="([^"]+)"/g)].map((m) => m[1]);
}

/** A figure's small configuration (its experiment's `small`) as permalink parameters. */
export function smallQuery(id: string): string {
  const e = EXPERIMENTS[id];
  const table = settingsOf(e) as Record<string, unknown>;
  return Object.entries(e.small)
    .filter(([k]) => Object.hasOwn(table, k))
    .map(([k, v]) => `${id}.${k}=${typeof v === 'boolean' ? Number(v) : v}`)
    .join('&');
}

/** Attributes of SVG elements inside `root` whose value has NaN or Infinity in it. */
export async function nonFiniteSvgAttributes(page: Page, root = 'body'): Promise<string[]> {
  return page.evaluate((sel) => {
    const bad: string[] = [];
    for (const el of document.querySelectorAll(`${sel} svg, ${sel} svg *`)) {
      for (const a of el.attributes) if (/NaN|Infinity/.test(a.value)) bad.push(`<${el.tagName} ${a.name}="${a.value.slice(0, 60)}">`);
    }
    return bad;
  }, root);
}
