/**
 * Every live figure on every chapter page, found in the built site (no list here): on WASM at its
 * defaults it reaches `done` with every metric its experiment declares and the published effect
 * (the experiment's claims); on WebGPU (the software adapter, ~100× slower) it reaches `done` at
 * the experiment's small configuration, given through its permalink, with finite metrics. And the
 * page's worker gives the numbers the same experiment gives in Node (what the chapter tests run).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_METRICS } from '../../src/engine/experiment';
import { EXPERIMENTS } from '../../src/engine/experiments';
import { runExperiment } from '../../src/runtime/host';
import { builtPages, type Config, launch, openPage, smallQuery, waitForFirstReport, waitForWidget, widgetsOn } from './browser';

const FIGURES = builtPages()
  .filter((p) => p.startsWith('/chapters/'))
  .flatMap((page) => widgetsOn(page).map((id) => ({ page, id })));

describe('figures and experiments', () => {
  it('every figure on a page runs an experiment, and every experiment is on a page', () => {
    expect(FIGURES.length).toBeGreaterThan(0);
    for (const f of FIGURES) expect(EXPERIMENTS[f.id], `${f.page}#${f.id}`).toBeDefined();
    expect(new Set(FIGURES.map((f) => f.id))).toEqual(new Set(Object.keys(EXPERIMENTS)));
  });
});

for (const config of ['wasm', 'webgpu'] as Config[]) {
  describe(`figures on ${config}`, () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launch(config);
    });
    afterAll(async () => browser?.close());

    for (const { page: path, id } of FIGURES) {
      it(`${id} (${path}) reaches done with ${config === 'wasm' ? 'the published effect at its defaults' : 'finite numbers at its small configuration'}`, async () => {
        const e = EXPERIMENTS[id];
        const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const query = config === 'webgpu' ? `?backend=webgpu&${smallQuery(id)}` : '';
        const { page, errors } = await openPage(ctx, `${path}${query}#${id}`);
        await page.locator(`figure[data-widget="${id}"]`).scrollIntoViewIfNeeded();
        const t0 = Date.now();
        // the first report (a trained frame's metrics) and the end, printed as the speed report (never asserted)
        await waitForFirstReport(page, id, 200_000);
        const first = (Date.now() - t0) / 1000;
        const info = await waitForWidget(page, id, ['done', 'unconverged', 'diverged', 'error'], 200_000);
        console.log(`speed ${config} ${id}: first report ${first.toFixed(1)} s (new profile), ${info.state} at ${((Date.now() - t0) / 1000).toFixed(1)} s${config === 'webgpu' ? ' (small configuration)' : ' (defaults)'}`);
        expect(info.state, (await page.locator(`figure[data-widget="${id}"] .widget-message`).allTextContents()).join(' ')).toBe('done');
        expect(info.backend).toMatch(config === 'webgpu' ? /^Backend: WebGPU/ : /^Backend: WASM/);
        // the host adds its own (RUN_METRICS: no member diverged) to every figure's
        expect(Object.keys(info.metrics).sort()).toEqual([...Object.keys(e.metrics), ...Object.keys(RUN_METRICS)].sort());
        expect(info.metrics.divergedMembers).toBe(0);
        for (const [k, v] of Object.entries(info.metrics)) expect(Number.isFinite(v), `${k} = ${v}`).toBe(true);
        if (config === 'wasm') expect(e.claims?.(info.metrics) ?? []).toEqual([]);
        await page.locator(`figure[data-widget="${id}"]`).screenshot({ path: `test-results/screenshots/widget-${id}-${config}.png` });
        expect(errors.filter((x) => !/No available adapters/.test(x))).toEqual([]);
        await ctx.close();
      });
    }
  });
}

describe('the page runs what the tests run', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('wasm');
  });
  afterAll(async () => browser?.close());

  for (const { page: path, id } of FIGURES) {
    it(`${id}: the page's worker and Node give the same metrics at the small configuration`, async () => {
      const e = EXPERIMENTS[id];
      const node = await runExperiment(e, e.small);
      await node.host.stop();
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const { page } = await openPage(ctx, `${path}?${smallQuery(id)}#${id}`);
      await page.locator(`figure[data-widget="${id}"]`).scrollIntoViewIfNeeded();
      const info = await waitForWidget(page, id, ['done', 'unconverged', 'diverged', 'error'], 200_000);
      expect(info.state).toBe('done');
      for (const [k, v] of Object.entries(node.metrics as Record<string, number>)) {
        if (e.volatile?.includes(k)) continue;
        expect(Math.abs(info.metrics[k] - v), `${k}: page ${info.metrics[k]}, Node ${v}`).toBeLessThanOrEqual(2e-4 + 1e-3 * Math.abs(v));
      }
      await ctx.close();
    });
  }
});

describe('the policy gradient on WebGPU', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('webgpu');
  });
  afterAll(async () => browser?.close());

  // the one figure setting that swaps a replayed program's training data between steps (LabRun.setData)
  it('coin-lab with algo=pg trains on fresh rollouts each update on the software WebGPU adapter', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const W = 'coin-lab';
    const { page, errors } = await openPage(ctx, `/chapters/goal-misgeneralization/?backend=webgpu&${W}.algo=pg&${W}.members=2&${W}.steps=50&${W}.width=16#${W}`);
    await page.locator(`figure[data-widget="${W}"]`).scrollIntoViewIfNeeded();
    const info = await waitForWidget(page, W, ['done', 'unconverged', 'diverged', 'error'], 200_000);
    // 50 updates may not learn the task: "did not converge" (training failed) is an honest end here, an error is not
    expect(['done', 'unconverged']).toContain(info.state);
    expect(info.backend).toMatch(/^Backend: WebGPU/);
    expect(info.metrics.step).toBe(50);
    for (const k of ['trainSuccess', 'coinRate', 'cornerRate', 'failRate']) expect(Number.isFinite(info.metrics[k]), k).toBe(true);
    expect(errors.filter((x) => !/No available adapters/.test(x))).toEqual([]);
    await ctx.close();
  });
});
