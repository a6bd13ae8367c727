// @ts-check
/**
 * Glossary terms in chapters: the first use of each term in each section becomes a link to
 * /glossary/#id carrying its definition as a preview card (src/lib/previews.ts shows it). The uses
 * are recorded in the frontmatter (remarkPluginFrontmatter.glossaryUses) for the glossary page's
 * back-links. The rule itself lives in src/lib/glossary.mjs.
 */
import { compileMatcher, loadGlossary, markGlossary } from '../lib/glossary.mjs';

/** @param {{ base?: string, terms?: import('../lib/glossary.mjs').Term[] }} [options] */
export function remarkGlossary(options = {}) {
  const terms = options.terms ?? loadGlossary();
  const matcher = compileMatcher(terms);
  /** @param {any} tree @param {any} file */
  return (tree, file) => {
    const uses = markGlossary(tree, terms, { base: options.base ?? '/', matcher });
    file.data.astro ??= {};
    file.data.astro.frontmatter ??= {};
    file.data.astro.frontmatter.glossaryUses = uses;
  };
}
