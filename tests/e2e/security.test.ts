/**
 * Every built page, and a figure training on WASM and on WebGPU, under the Content-Security-Policy
 * scripts/serve.mjs sends (src/lib/csp.mjs): no violation in the page or its workers, and every
 * response carries a policy without 'unsafe-eval'.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { builtPages, CONFIGS, DESKTOP, desktopBrowser, inOwnBrowser, smallQuery, url, widgetsOn } from './browser';
import { hydrateAll } from './hydrate';
import { inlineScripts, scriptHashes } from '../../src/lib/csp.mjs';

const PAGES = builtPages();

/** Collect CSP violations: the page's securitypolicyviolation events and any console line about the policy (workers included). */
async function watchedPage(ctx: BrowserContext): Promise<{ page: Page; violations: () => Promise<string[]>; responses: Response[] }> {
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`));
  });
  const messages: string[] = [];
  const onConsole = (m: { text(): string }) => {
    if (/Content Security Policy/i.test(m.text())) messages.push(m.text());
  };
  page.on('console', onConsole);
  page.on('worker', (w) => w.on('console', onConsole));
  const responses: Response[] = [];
  page.on('response', (r) => responses.push(r));
  const violations = async () => [...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)), ...messages];
  return { page, violations, responses };
}

function expectPolicy(r: Response) {
  const policy = r.headers()['content-security-policy'];
  expect(policy, `${r.url()} has no Content-Security-Policy`).toBeTruthy();
  expect(policy).not.toContain("'unsafe-eval'");
  expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')*;/);
  expect(policy).toContain("object-src 'none'");
  expect(r.headers()['x-content-type-options']).toBe('nosniff');
}

describe('content security policy', () => {
  for (const path of PAGES) {
    it(`${path} runs under its policy with no violation`, () => inOwnBrowser('wasm', DESKTOP, async (ctx) => {
      const { page, violations, responses } = await watchedPage(ctx);
      const res = await page.goto(url(path), { waitUntil: 'load' });
      expectPolicy(res!);
      await hydrateAll(page);
      for (const r of responses.filter((x) => x.url().startsWith(url('/')))) expectPolicy(r);
      expect(await violations()).toEqual([]);
    }));
  }
});

describe('dist/_headers (static hosts)', () => {
  it("keeps public/_headers' isolation headers and allows every built page's inline scripts, nothing unhashed", () => {
    const headers = readFileSync(new URL('../../dist/_headers', import.meta.url), 'utf8');
    expect(headers).toContain('Cross-Origin-Opener-Policy: same-origin');
    expect(headers).toContain('Cross-Origin-Embedder-Policy: require-corp');
    const policy = /Content-Security-Policy: (.*)/.exec(headers)?.[1] ?? '';
    expect(policy).not.toContain("'unsafe-eval'");
    const html = PAGES.map((p) => readFileSync(new URL(`../../dist${p}index.html`, import.meta.url), 'utf8'));
    const hashes = scriptHashes(html.flatMap(inlineScripts));
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) expect(policy).toContain(h);
  });
});

const chapter = PAGES.find((p) => p.startsWith('/chapters/') && widgetsOn(p).length > 0)!;
const figure = widgetsOn(chapter)[0];

for (const config of CONFIGS) {
  describe(`content security policy, a figure training (${config})`, () => {
    const s = desktopBrowser(config);
    it(`${figure} reaches its first report on ${config} with no violation`, async () => {
      const { page, violations, responses } = await watchedPage(s.ctx);
      await page.goto(url(`${chapter}?${smallQuery(figure)}&backend=${config}#${figure}`), { waitUntil: 'load' });
      await page.locator(`[data-widget="${figure}"]`).scrollIntoViewIfNeeded();
      // the first report: metrics appear in data-metrics (or the run has ended)
      await page.waitForFunction(
        (id) => {
          const el = document.querySelector(`[data-widget="${id}"]`) as HTMLElement | null;
          if (!el) return false;
          // the host's own counts are there before training; a report adds the experiment's metrics
          const own = Object.keys(JSON.parse(el.dataset.metrics || '{}')).filter((k) => !['divergedMembers', 'trainedMembers'].includes(k));
          return own.length > 0 || ['done', 'unconverged', 'diverged', 'error'].includes(el.dataset.state ?? '');
        },
        figure,
        { timeout: 180_000, polling: 250 },
      );
      const state = await page.locator(`[data-widget="${figure}"]`).getAttribute('data-state');
      expect(state).not.toBe('error');
      expect(await page.locator(`[data-widget="${figure}"] .widget-backend`).textContent()).toMatch(config === 'webgpu' ? /^Backend: WebGPU/ : /^Backend: WASM/);
      // the worker, onnxruntime's module and its wasm came from this origin, each under the policy
      const own = responses.filter((r) => r.url().startsWith(url('/')));
      expect(own.some((r) => r.url().endsWith('.wasm'))).toBe(true);
      for (const r of own) expectPolicy(r);
      expect(await violations()).toEqual([]);
      await page.close();
    });
  });
}
