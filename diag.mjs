import { chromium } from 'playwright-core';
import { startServer } from '/work/main/scripts/serve.mjs';
const server = await startServer({ root: '/work/main/test-results/harness/', port: 4393 });
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-background-networking','--disable-gpu'] });
const page = await b.newPage();
await page.goto(`http://127.0.0.1:4393/index.html`);
await page.waitForFunction(() => window.engineHarness && window.peerHarness);
for (const chunk of [128, 512, 1024]) {
  const g = await page.evaluate((c) => window.engineHarness.grid({ backend: 'wasm', chunk: c }), chunk);
  console.log('chunk', chunk, 'grid s', g.secondsPerGrid.toFixed(3));
}
for (const E of [1, 32]) {
  const r = await page.evaluate((e) => window.peerHarness.tfTrain('wasm', { members: e, steps: e === 1 ? 400 : 40 }), E);
  console.log('tfjs-wasm E', E, r.stepsPerSec.toFixed(1));
}
const r = await page.evaluate(() => window.engineHarness.train({ backend: 'wasm', members: 1, fused: 64, steps: 3200, readEvery: 8 }));
console.log('engine K64 2 threads', r.stepsPerSec.toFixed(0));
await b.close(); server.close();
