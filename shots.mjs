import { chromium } from 'playwright-core';
import { startServer } from '/work/main/scripts/serve.mjs';
const server = await startServer({ port: 4394 });
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu','--disable-background-networking'] });
const shots = JSON.parse(process.argv[2]);
for (const s of shots) {
  const ctx = await b.newContext({ viewport: { width: s.w ?? 1280, height: s.h ?? 900 }, colorScheme: s.dark ? 'dark' : 'light', isMobile: !!s.mobile });
  const page = await ctx.newPage();
  await page.goto('http://127.0.0.1:4394' + s.path);
  if (s.scroll) { await page.locator(s.scroll).first().scrollIntoViewIfNeeded(); }
  if (s.wait) await page.waitForFunction((sel) => document.querySelector(sel), s.wait, { timeout: 60000 });
  await page.waitForTimeout(s.delay ?? 500);
  await page.screenshot({ path: `/tmp/p/${s.name}.png` });
  await ctx.close();
}
await b.close(); server.close();
