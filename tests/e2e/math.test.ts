/**
 * Math renders as KaTeX means it to: subscripts and superscripts are smaller than the text they
 * hang from. This fails when the HTML and the stylesheet come from different KaTeX versions (the
 * renderer inside rehype-katex and the `katex` package must be one).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtPages, launch, openPage } from './browser';

const CHAPTERS = builtPages().filter((p) => p.startsWith('/chapters/'));

describe('math', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('wasm');
  });
  afterAll(async () => browser?.close());

  for (const path of CHAPTERS) {
    it(`${path}: every subscript and superscript is set smaller than its formula`, async () => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const { page } = await openPage(ctx, path);
      const scripts = await page.evaluate(() =>
        [...document.querySelectorAll('.katex .msupsub .mtight')].map((el) => {
          const root = el.closest('.katex') as HTMLElement;
          return { ratio: parseFloat(getComputedStyle(el).fontSize) / parseFloat(getComputedStyle(root).fontSize), text: el.textContent };
        }),
      );
      expect(scripts.length).toBeGreaterThan(0);
      const fullSize = scripts.filter((s) => !(s.ratio < 0.85));
      expect(fullSize, `${fullSize.length} of ${scripts.length} scripts at full size`).toEqual([]);
      await ctx.close();
    });
  }
});
