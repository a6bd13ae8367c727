/** Exercises grade, keep progress across reloads, predict-then-run grades against the page's own run, and blocked storage is survivable. */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openPage, screenshot, seriousA11yViolations } from './browser';

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
    // the pick and its explanation are restored, not just the mark
    expect(await again.getByLabel('Add training episodes in which the two goals disagree.').isChecked()).toBe(true);
    expect(await again.locator('[data-feedback]').textContent()).toMatch(/carry information/);
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
    await ex.getByLabel('Your answer').fill('1,2 pp');
    await expect.poll(() => ex.locator('[data-read-as]').textContent()).toBe('Read as 1.2 percentage points.');
    await ex.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => ex.locator('[data-feedback]').getAttribute('data-feedback')).toBe('correct');
    expect(await ex.locator('[data-feedback]').textContent()).toBe('Read as 1.2 percentage points. Correct.');
    await ex.getByLabel('Your answer').fill('1.2 kg');
    await ex.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => ex.locator('[data-feedback]').textContent()).toMatch(/not "kg".*percentage points/);
    await ex.getByLabel('Your answer').fill('1.2%');
    await ex.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => ex.locator('[data-feedback]').textContent()).toBe('Read as 1.2 percentage points. Correct.');
    // the answer and its feedback come back after a reload
    await page.reload();
    await ex.scrollIntoViewIfNeeded();
    await expect.poll(() => ex.getByLabel('Your answer').inputValue()).toBe('1.2%');
    expect(await ex.locator('[data-feedback]').textContent()).toBe('Your last answer: Read as 1.2 percentage points. Correct.');
    await ex.locator('summary', { hasText: 'hint' }).click();
    expect(await ex.locator('.hint').textContent()).toMatch(/Subtract/);
    await ex.locator('summary', { hasText: 'worked solution' }).click();
    await expect.poll(() => ex.locator('.solution').textContent()).toMatch(/84\.8 − 83\.6 = 1\.2/);
    expect(await ex.locator('.solution').isVisible()).toBe(true);
    await ctx.close();
  });

  it('predict-then-run: results hidden until the prediction is committed, graded only by the run the exercise starts with its stated settings, restored after a reload', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // the reader's own run: 30 models (the exercise's count) but seed 1 and 100 steps
    const { page, errors } = await openPage(ctx, `${CHAPTER}?hundred-seeds.members=30&hundred-seeds.steps=100`);
    await page.evaluate(() => {
      const w = window as unknown as { events: unknown[] };
      w.events = [];
      addEventListener('ld:widget-state', (e) => {
        const d = (e as CustomEvent).detail;
        if (d.widget === 'hundred-seeds') w.events.push({ state: d.state, run: d.run, ticket: d.ticket ?? null, config: d.config, x0Max: d.metrics.x0Max });
      });
    });
    type Ev = { state: string; run: number; ticket: string | null; config: Record<string, unknown>; x0Max?: number };
    const events = () => page.evaluate(() => (window as unknown as { events: Ev[] }).events);
    const fig = page.locator('[data-widget="hundred-seeds"]');
    const ex = page.locator('[data-exercise="ch1-predict-spread"]');
    const control = ex.locator('[data-exercise-control]');

    await fig.scrollIntoViewIfNeeded();
    await expect.poll(() => fig.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    // at the exercise's settings (any seed) the figure's results stay hidden before a prediction
    expect(await fig.locator('[data-concealed]').getAttribute('data-concealed')).toBe('true');
    expect(await fig.locator('[data-summary]').isVisible()).toBe(false);
    expect(await fig.locator('.concealed-note').textContent()).toMatch(/hidden .* until you commit your prediction/);
    expect(await seriousA11yViolations(page)).toEqual([]);
    const readerRun = (await events()).filter((e) => e.state === 'done').at(-1)!;
    expect(readerRun.ticket).toBeNull();

    await ex.scrollIntoViewIfNeeded();
    expect(await control.getAttribute('data-phase')).toBe('predict');
    expect(await ex.locator('[data-feedback]').count()).toBe(0); // the reader's run graded nothing
    expect(await ex.locator('[data-stated-settings]').textContent()).toMatch(/Models 30, Seed 4242/);
    await ex.getByLabel('Your prediction').fill('85%');
    await expect.poll(() => ex.locator('[data-read-as]').textContent()).toBe('Read as 85% = 0.85.');
    await ex.getByRole('button', { name: 'Commit prediction and run' }).click();
    await expect.poll(() => control.getAttribute('data-phase')).toBe('running');
    expect(await ex.locator('[data-committed]').textContent()).toMatch(/85% \(read as 85% = 0.85\)/);
    // the exercise applied its settings (the rest at their defaults) and the figure shows its results again
    await expect.poll(() => fig.locator('#hundred-seeds-members').inputValue()).toBe('30');
    expect(await fig.locator('#hundred-seeds-steps').inputValue()).toBe('600');
    expect(await fig.getByLabel('Seed', { exact: true }).inputValue()).toBe('4242');
    expect(await fig.locator('[data-concealed]').getAttribute('data-concealed')).toBe('false');
    expect(await ex.locator('[data-feedback]').count()).toBe(0); // nothing graded before that run is done

    await ex.locator('[data-feedback]').waitFor({ timeout: 220_000 });
    const evs = await events();
    const graded = evs.filter((e) => e.state === 'done').at(-1)!;
    expect(graded.ticket).not.toBeNull();
    expect(graded.run).toBeGreaterThan(readerRun.run);
    expect(graded.config).toMatchObject({ members: 30, seed: 4242, steps: 600, lr: 0.1, varyInit: true, varyOrder: true });
    // the exercise's run started after the commit: its first announcement carries the ticket
    expect(evs.filter((e) => e.run === graded.run).every((e) => e.ticket === graded.ticket)).toBe(true);
    const text = (await ex.locator('[data-feedback]').textContent()) ?? '';
    expect(text).toMatch(/read as 85% = 0.85/);
    const produced = Number(/your run produced (\d+(?:\.\d+)?)/.exec(text)?.[1]);
    expect(produced).toBeCloseTo(graded.x0Max!, 2);
    const metrics = JSON.parse((await fig.getAttribute('data-metrics')) ?? '{}');
    expect(metrics.x0Max).toBeCloseTo(graded.x0Max!, 6);
    const verdict = Math.abs(0.85 - graded.x0Max!) <= 0.15 ? 'correct' : 'incorrect';
    expect(await ex.locator('[data-feedback]').getAttribute('data-feedback')).toBe(verdict);
    expect(await control.getAttribute('data-phase')).toBe('graded');
    await screenshot(page, 'exercise-predict');

    // after a reload: the prediction and its feedback are back; the figure (at the link's settings) differs, and the exercise says so
    await page.reload();
    await fig.scrollIntoViewIfNeeded();
    await ex.scrollIntoViewIfNeeded();
    await expect.poll(() => control.getAttribute('data-restored')).toBe('true');
    expect(await control.getAttribute('data-phase')).toBe('graded');
    expect(await ex.locator('[data-feedback]').textContent()).toContain(text);
    await expect.poll(() => ex.locator('[data-settings-differ]').textContent()).toMatch(/Seed 1, Steps 100, the exercise asks for Seed 4242, Steps 600/);
    await ex.getByRole('button', { name: 'Apply the exercise’s settings and run' }).waitFor();
    // the contents mark the section, and the chapter's progress view lists the exercise
    const mark = verdict === 'correct' ? 'done' : 'attempted';
    // (its section also holds ch1-mnli-range, not answered in this context: attempted, not ✓)
    await expect.poll(() => page.locator('[data-toc-exercises~="ch1-predict-spread"]').getAttribute('data-mark')).toBe('attempted');
    expect(await page.locator('[data-toc-exercises~="ch1-predict-spread"] [data-toc-mark]').textContent()).toMatch(/attempted/);
    await expect.poll(() => page.locator('[data-progress-exercise="ch1-predict-spread"]').getAttribute('data-mark')).toBe(mark);

    // a run the reader replaces (a new seed mid-run) grades nothing
    const attempts = await page.evaluate(() => JSON.parse(localStorage.getItem('learning-dynamics.progress.v1')!).exercises['ch1-predict-spread'].attempts);
    await ex.getByRole('button', { name: 'Apply the exercise’s settings and run' }).click();
    await expect.poll(() => control.getAttribute('data-phase')).toBe('running');
    await fig.getByLabel('Seed', { exact: true }).fill('9');
    await fig.getByLabel('Seed', { exact: true }).press('Enter');
    await fig.getByLabel('Seed', { exact: true }).blur();
    await expect.poll(() => ex.locator('[data-run-note]').textContent()).toMatch(/started another run .* nothing was graded/);
    expect(await ex.locator('[data-feedback]').textContent()).toContain(text);
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('learning-dynamics.progress.v1')!).exercises['ch1-predict-spread'].attempts)).toBe(attempts);
    expect(errors).toEqual([]);
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
