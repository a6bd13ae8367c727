/** Bring every island of a page to life before measuring it. */
import type { Page } from 'playwright-core';

/** Scroll to the bottom in screen-sized steps so every client:visible island hydrates, then back to the top. */
export async function hydrateAll(page: Page) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0; y < height; y += 700) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await page.waitForTimeout(50);
  }
  // hydrated islands grow the page: visit each island still waiting (astro-island drops `ssr` once mounted)
  for (let i = 0; i < 40 && (await page.locator('astro-island[ssr]').count()) > 0; i++) {
    await page.evaluate(() => document.querySelector('astro-island[ssr]')?.scrollIntoView({ block: 'center' }));
    await page.waitForTimeout(250);
  }
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => document.querySelectorAll('astro-island[ssr]').length === 0, null, { timeout: 20_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
}
