import { chromium } from 'playwright-core';
import { startServer } from '/work/main/scripts/serve.mjs';
const server = await startServer({ port: 4392 });
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu','--disable-background-networking'] });
const page = await b.newPage({ viewport: { width: 1280, height: 900 } });
page.on('console', m => { if (m.type() === 'error') console.log('console', m.text().slice(0, 300)); });
page.on('pageerror', e => console.log('pageerror', String(e).slice(0, 300)));
await page.goto('http://127.0.0.1:4392/chapters/algorithm-search/');
for (const id of ['gap-fan', 'two-solutions', 'path-knobs']) {
  const t0 = Date.now();
  await page.locator(`figure[data-widget=${id}]`).scrollIntoViewIfNeeded();
  await page.waitForFunction((w) => ['done','error','diverged'].includes(document.querySelector(`[data-widget=${w}]`).dataset.state), id, { timeout: 180000 }).catch(() => console.log('timeout'));
  await page.waitForTimeout(300);
  const info = await page.evaluate((w) => { const el = document.querySelector(`[data-widget=${w}]`); return { state: el.dataset.state, metrics: el.dataset.metrics, msg: el.querySelector('.widget-message')?.textContent }; }, id);
  console.log(id, (Date.now() - t0) / 1000, JSON.stringify(info));
  await page.locator(`figure[data-widget=${id}]`).screenshot({ path: `/tmp/p/w-${id}.png` });
}
await b.close(); server.close();
