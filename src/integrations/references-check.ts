/**
 * Build step: warn about references that no chapter cites (an unknown key already fails the
 * build in src/markdown/citations.mjs, with the file and the key). A warning, not a failure, so a
 * chapter in draft can drop a citation; tests/unit/bibliography.test.ts fails on the same list.
 */
import type { AstroIntegration } from 'astro';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chapterSlug } from '../lib/chapters';
import { uncitedKeys } from '../lib/citation-scan';
import { bookReferences, REFERENCES_FILE } from '../lib/references';

/** The chapters' MDX bodies from disk (frontmatter dropped), as the build reads them. */
export function chapterSources(dir = resolve(process.cwd(), 'content/chapters')): { slug: string; body: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.mdx'))
    .sort()
    .map((f) => ({ slug: chapterSlug(f), body: readFileSync(resolve(dir, f), 'utf8').replace(/^---\n[\s\S]*?\n---\n/, '') }));
}

export function referencesCheck(): AstroIntegration {
  return {
    name: 'references-check',
    hooks: {
      'astro:build:start': ({ logger }) => {
        const uncited = uncitedKeys(chapterSources(), bookReferences().map((r) => r.key));
        if (uncited.length) logger.warn(`${REFERENCES_FILE}: no chapter cites ${uncited.join(', ')}`);
      },
    },
  };
}
