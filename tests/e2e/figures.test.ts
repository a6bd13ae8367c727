/** Every chapter's live figures (beyond the sample widget) reach `done` on WASM with their headline numbers in the published direction, and on WebGPU (software adapter) with finite numbers. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, launch, openPage, waitForWidget } from './browser';

interface Case {
  id: string;
  chapter: string;
  /** Permalink settings for the (slow) software WebGPU adapter. */
  tiny: Record<string, number>;
  check(m: Record<string, number>, full: boolean): void;
}

const CASES: Case[] = [
  {
    id: 'gap-fan',
    chapter: '/chapters/algorithm-search/',
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
    chapter: '/chapters/algorithm-search/',
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
    chapter: '/chapters/algorithm-search/',
    tiny: { members: 2, steps: 20 },
    check: (m, full) => {
      for (const k of ['baseline', 'sameInit', 'sameOrder', 'highLr', 'moreData']) expect(Number.isFinite(m[k])).toBe(true);
      if (!full) return;
      expect(m.baseline).toBeGreaterThan(0.5);
      expect(m.sameInit).toBeLessThan(0.1 * m.baseline);
    },
  },
  {
    id: 'landscape',
    chapter: '/chapters/loss-landscapes/',
    tiny: { steps: 20, side: 12 },
    check: (m, full) => {
      expect(m.gridPoints).toBe(full ? 4096 : 144);
      expect(Number.isFinite(m.centerLoss)).toBe(true);
      expect(m.gridMin).toBeLessThanOrEqual(m.centerLoss + 1e-4);
      expect(m.gridMax).toBeGreaterThan(m.centerLoss);
    },
  },
  {
    id: 'edge-of-stability',
    chapter: '/chapters/loss-landscapes/',
    tiny: { steps: 100 },
    check: (m, full) => {
      expect(Number.isFinite(m.sharpness)).toBe(true);
      if (!full) return;
      expect(m.threshold).toBe(10);
      expect(m.ratioLate).toBeGreaterThan(0.85);
      expect(m.ratioLate).toBeLessThan(1.1);
      expect(m.sharpnessEarly).toBeLessThan(0.6 * m.threshold);
    },
  },
  {
    id: 'flat-sharp',
    chapter: '/chapters/loss-landscapes/',
    tiny: { members: 1, steps: 20, iters: 4 },
    check: (m, full) => {
      expect(Number.isFinite(m.largeBatchHighLrSharpness)).toBe(true);
      if (!full) return;
      expect(m.smallBatchHighLrSharpness).toBeLessThan(0.5 * m.largeBatchHighLrSharpness);
      expect(m.smallBatchHighLrTestAcc).toBeGreaterThan(0.9);
    },
  },
  {
    id: 'basins',
    chapter: '/chapters/loss-landscapes/',
    tiny: { starts: 20, steps: 40 },
    check: (m, full) => {
      expect(m.fracNarrow + m.fracWide + m.fracPlateau).toBeCloseTo(1, 3);
      if (!full) return;
      expect(m.fracWide).toBeGreaterThan(2 * m.fracNarrow);
    },
  },
];

for (const config of ['wasm', 'webgpu'] as Config[]) {
  describe(`figures on ${config}`, () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launch(config);
    });
    afterAll(async () => browser?.close());

    for (const c of CASES) {
      it(`${c.id} reaches done with ${config === 'wasm' ? 'its headline numbers in the published direction' : 'finite numbers'}`, async () => {
        const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const query = config === 'webgpu' ? `?backend=webgpu&${Object.entries(c.tiny).map(([k, v]) => `${c.id}.${k}=${v}`).join('&')}` : '';
        const { page, errors } = await openPage(ctx, `${c.chapter}${query}#${c.id}`);
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
