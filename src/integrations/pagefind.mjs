// @ts-check
/**
 * Builds the search index after `astro build`: Pagefind reads the finished HTML in dist/ and writes
 * dist/pagefind/ (the index, its wasm and pagefind.js, which the search dialog imports on open).
 *
 * Which pages: Pagefind indexes only pages whose main content carries `data-pagefind-body` once any
 * page does, so a page joins the search by putting that attribute on its main element (chapters mark
 * their article; the glossary and bibliography pages do the same). Within it, headings with ids
 * become sub-results, so a hit lands on its section (`/chapters/x/#section-id`).
 *
 * What is left out: the controls around figures and exercises (buttons, settings, export links,
 * run states), the "#" copy-link beside each heading, and KaTeX's visual layer (its MathML twin
 * stays) — text a reader never searches for, which would otherwise crowd the excerpts.
 */
import * as pagefind from 'pagefind';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const PAGEFIND_EXCLUDE = [
  '.ui', // widget controls, settings, footers, exercise answer controls (all carry .ui)
  '.widget-head .state', // "Ready — scroll here…", "Training", …
  '.heading-link',
  '.katex-html',
  '[data-pagefind-ignore]',
];

/** @returns {import('astro').AstroIntegration} */
export default function pagefindIndex() {
  return {
    name: 'learning-dynamics:pagefind',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const site = fileURLToPath(dir);
        const { index, errors } = await pagefind.createIndex({ excludeSelectors: PAGEFIND_EXCLUDE, forceLanguage: 'en' });
        if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
        const added = await index.addDirectory({ path: site });
        if (added.errors.length) throw new Error(`Pagefind could not index ${site}: ${added.errors.join('; ')}`);
        const out = join(site, 'pagefind');
        const written = await index.writeFiles({ outputPath: out });
        if (written.errors.length) throw new Error(`Pagefind could not write its index: ${written.errors.join('; ')}`);
        await pagefind.close();
        // an index of nothing means the pages lost their data-pagefind-body: fail the build, not the reader
        const entry = JSON.parse(await readFile(join(out, 'pagefind-entry.json'), 'utf8'));
        const pages = Object.values(entry.languages ?? {}).reduce((n, l) => n + (l.page_count ?? 0), 0);
        if (pages === 0) throw new Error('Pagefind indexed no pages: no page carries data-pagefind-body.');
        logger.info(`search index: ${pages} pages (of ${added.page_count} HTML files) → ${out}`);
      },
    },
  };
}
