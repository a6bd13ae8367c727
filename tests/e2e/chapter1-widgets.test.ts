/** Chapter 1's other live figures reach `done` on WASM (published direction) and on WebGPU (software adapter). */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, launch, openPage, waitForWidget } from './browser';

const CHAPTER = '/chapters/algorithm-search/';

interface Case {
  id: string;
  /** Permalink settings for the (slow) software WebGPU adapter. */
  tiny: Record<string, number>;
  check(m: Record<string, number>, full: boolean): void;
}

const CASES: Case[] = [
  {
    id: 'gap-fan',
    tiny: { members: 3, steps: 50 },
    check: (m, full) => {
      expect(Number.isFinite(m.spreadGap)).toBe(true);
      if (!full) return;
      expect(m.loss).toBeLessThan(0.01);
      expect(m.spreadGap).toBeGreaterThan(4 * m.spreadData);
      expect(m.spreadBeyond).toBeGreaterThan(m.spreadGap);
    },
  },
  {
    id: 'two-solutions',
    tiny: { members: 2, steps: 40 },
    check: (m, full) => {
      expect(Number.isFinite(m.barrierSeeds)).toBe(true);
      if (!full) return;
      expect(m.barrierSeeds).toBeGreaterThan(0.005);
      expect(m.barrierSeeds).toBeGreaterThan(3 * m.barrierCheckpoints);
    },
  },
  {
    id: 'path-knobs',
    tiny: { members: 2, steps: 20 },
    check: (m, full) => {
      for (const k of ['baseline', 'sameInit', 'sameOrder', 'highLr', 'moreData']) expect(Number.isFinite(m[k])).toBe(true);
      if (!full) return;
      expect(m.baseline).toBeGreaterThan(0.5);
      expect(m.sameInit).toBeLessThan(0.1 * m.baseline);
    },
  },
];

for (const config of ['wasm', 'webgpu'] as Config[]) {
  describe(`chapter 1 figures on ${config}`, () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launch(config);
    });
    afterAll(async () => browser?.close());

    for (const c of CASES) {
      it(`${c.id} reaches done with ${config === 'wasm' ? 'its headline numbers in the published direction' : 'finite numbers'}`, async () => {
        const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const query = config === 'webgpu' ? `?backend=webgpu&${Object.entries(c.tiny).map(([k, v]) => `${c.id}.${k}=${v}`).join('&')}` : '';
        const { page, errors } = await openPage(ctx, `${CHAPTER}${query}#${c.id}`);
        await page.locator(`figure[data-widget="${c.id}"]`).scrollIntoViewIfNeeded();
        const info = await waitForWidget(page, c.id, ['done', 'diverged', 'error'], 200_000);
        expect(info.state).toBe('done');
        expect(info.backend).toMatch(config === 'webgpu' ? /^Backend: WebGPU/ : /^Backend: WASM/);
        c.check(info.metrics, config === 'wasm');
        await page.locator(`figure[data-widget="${c.id}"]`).screenshot({ path: `test-results/screenshots/widget-${c.id}-${config}.png` });
        expect(errors.filter((e) => !/No available adapters/.test(e))).toEqual([]);
        await ctx.close();
      });
    }
  });
}
