/** Bring every island of a page to life before measuring it. */
import type { Page, Request } from 'playwright-core';

/** Scroll to the bottom in screen-sized steps so every client:visible island hydrates, then back to the top. */
export async function hydrateAll(page: Page) {
  const errors: string[] = []; // an island whose code throws never hydrates: say why when one does not
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // an island waits on its module: a request that never ends would hold it with no error
  const pending = new Set<Request>();
  page.on('request', (r) => pending.add(r));
  page.on('requestfinished', (r) => pending.delete(r));
  page.on('requestfailed', (r) => pending.delete(r));
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0; y < height; y += 700) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await page.waitForTimeout(50);
  }
  // hydrated islands grow the page: visit each island still waiting (astro-island drops `ssr` once mounted).
  // Figures train as they come into view, so on a loaded 2-core machine hydration can take a while: the
  // loop is bounded by time, not by a count of visits.
  const until = Date.now() + 60_000;
  while (Date.now() < until && (await page.locator('astro-island[ssr]').count()) > 0) {
    // an astro-island is display: contents (no box of its own); client:visible watches its children
    await page.evaluate(() => {
      const island = document.querySelector('astro-island[ssr]');
      (island?.firstElementChild ?? island?.parentElement)?.scrollIntoView({ block: 'center' });
    });
    await page.waitForTimeout(250);
  }
  await page.waitForLoadState('networkidle');
  try {
    // polled by a timer: the default polls on animation frames, which a page that stopped rendering never has
    await page.waitForFunction(() => document.querySelectorAll('astro-island[ssr]').length === 0, null, { timeout: 30_000, polling: 250 });
  } catch {
    // islands that stop hydrating with no error and an idle network point at a page that stopped
    // rendering (IntersectionObserver runs with frames): say whether it still draws frames
    const rendering = await page.evaluate(() => new Promise<string>((done) => {
      const t = setTimeout(() => done(`no animation frame in 2 s, visibility ${document.visibilityState}`), 2000);
      requestAnimationFrame(() => { clearTimeout(t); done(`frames drawn, visibility ${document.visibilityState}`); });
    }));
    const waiting = await page.evaluate(() => [...document.querySelectorAll('astro-island[ssr]')].map((island) => {
      const name = (island.getAttribute('component-url') ?? '?').split('/').pop();
      return `${name} (client:${island.getAttribute('client')}, in #${island.closest('[id]')?.id ?? 'page'})`;
    }));
    const open = [...pending].map((r) => new URL(r.url()).pathname);
    throw new Error(`islands never hydrated: ${waiting.join(', ')}; errors: ${errors.join(' | ') || 'none'}; ${rendering}; requests still open: ${open.join(', ') || 'none'}`);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}
