/** Exercises grade, keep progress across reloads, predict-then-run grades against the page's own run, and blocked storage is survivable. */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openPage, screenshot } from './browser';

const CHAPTER = '/chapters/algorithm-search/';

describe('exercises', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('wasm');
  });
  afterAll(async () => browser?.close());

  it('multiple choice grades with the option explanation, and progress survives a reload', async () => {
    const ctx = await browser.newContext();
    const { page } = await openPage(ctx, CHAPTER);
    const ex = page.locator('[data-exercise="ch1-alignment-analogy"]');
    await ex.scrollIntoViewIfNeeded();
    await ex.getByLabel('Train with a different random seed until the test score improves.').check();
    await ex.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => ex.locator('[data-feedback]').getAttribute('data-feedback')).toBe('incorrect');
    await ex.getByLabel('Add training episodes in which the two goals disagree.').check();
    await ex.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => ex.locator('[data-feedback]').getAttribute('data-feedback')).toBe('correct');
    expect(await ex.locator('[data-feedback]').textContent()).toMatch(/carry information/);
    await screenshot(page, 'exercise-choice');

    await page.reload();
    const again = page.locator('[data-exercise="ch1-alignment-analogy"]');
    await again.scrollIntoViewIfNeeded();
    await expect.poll(() => again.locator('[data-exercise-control]').getAttribute('data-answered')).toBe('correct');
    // and the chapter list counts it
    await page.goto(new URL('/', page.url()).href);
    await expect.poll(() => page.locator('[data-progress-chapter="algorithm-search"]').textContent()).toMatch(/1 of 5 exercises done/);
    await ctx.close();
  });

  it('numeric answers accept the right number within tolerance and reject the wrong one', async () => {
    const ctx = await browser.newContext();
    const { page } = await openPage(ctx, CHAPTER);
    const ex = page.locator('[data-exercise="ch1-mnli-range"]');
    await ex.scrollIntoViewIfNeeded();
    await ex.getByLabel('Your answer').fill('2');
    await ex.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => ex.locator('[data-feedback]').getAttribute('data-feedback')).toBe('incorrect');
    await ex.getByLabel('Your answer').fill('1.2');
    await ex.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => ex.locator('[data-feedback]').getAttribute('data-feedback')).toBe('correct');
    await ex.locator('summary', { hasText: 'hint' }).click();
    expect(await ex.locator('.hint').textContent()).toMatch(/Subtract/);
    await ex.locator('summary', { hasText: 'worked solution' }).click();
    await expect.poll(() => ex.locator('.solution').textContent()).toMatch(/84\.8 − 83\.6 = 1\.2/);
    expect(await ex.locator('.solution').isVisible()).toBe(true);
    await ctx.close();
  });

  it('predict-then-run grades the committed prediction against the number the run produced', async () => {
    const ctx = await browser.newContext();
    const { page } = await openPage(ctx, `${CHAPTER}?hundred-seeds.members=20&hundred-seeds.steps=100`);
    const ex = page.locator('[data-exercise="ch1-predict-spread"]');
    await ex.scrollIntoViewIfNeeded();
    await ex.getByLabel('Your prediction').fill('0.5');
    await ex.getByRole('button', { name: 'Lock in prediction' }).click();
    await ex.getByRole('button', { name: 'Run the figure' }).click();
    await ex.locator('[data-feedback]').waitFor({ timeout: 150_000 });
    const text = await ex.locator('[data-feedback]').textContent();
    const produced = Number(/your run produced (\d+(?:\.\d+)?)/.exec(text ?? '')?.[1]);
    const metrics = JSON.parse((await page.locator('[data-widget="hundred-seeds"]').getAttribute('data-metrics')) ?? '{}');
    expect(produced).toBeCloseTo(metrics.x0Max, 2);
    expect(await ex.locator('[data-feedback]').getAttribute('data-feedback')).toBe(Math.abs(0.5 - metrics.x0Max) <= 0.15 ? 'correct' : 'incorrect');
    await screenshot(page, 'exercise-predict');
    await ctx.close();
  });

  it('with storage blocked, exercises still work and the reader is told progress will not be kept', async () => {
    const ctx = await browser.newContext();
    await ctx.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      });
    });
    const { page, errors } = await openPage(ctx, CHAPTER);
    const ex = page.locator('[data-exercise="ch1-mnli-range"]');
    await ex.scrollIntoViewIfNeeded();
    await ex.getByLabel('Your answer').fill('1.2');
    await ex.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => ex.locator('[data-feedback]').getAttribute('data-feedback')).toBe('correct');
    expect(await ex.locator('.notice').textContent()).toMatch(/progress will not be kept/);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('with corrupt stored progress, the old value is kept aside and exercises work', async () => {
    const ctx = await browser.newContext();
    await ctx.addInitScript(() => {
      if (!sessionStorage.getItem('seeded')) {
        localStorage.setItem('learning-dynamics.progress.v1', '{broken');
        sessionStorage.setItem('seeded', '1');
      }
    });
    const { page, errors } = await openPage(ctx, '/');
    await expect.poll(() => page.locator('.progress-panel .notice').textContent()).toMatch(/could not be read/);
    const keys = await page.evaluate(() => Object.keys(localStorage));
    expect(keys.some((k) => k.startsWith('learning-dynamics.progress.v1.corrupt-'))).toBe(true);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
