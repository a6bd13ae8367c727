/** The glossary: its data, the rule that finds uses, the markup the plugin writes, and the built pages. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileMatcher, formsOf, introductionProblems, loadGlossary, markGlossary, normalizeForm, parseGlossary, type GlossaryUse, type Term,
} from '../../src/lib/glossary.mjs';
import { chapterSlug, sectionsOf } from '../../src/lib/chapters';
import { remarkCitations } from '../../src/markdown/citations.mjs';
import { remarkGlossary } from '../../src/markdown/glossary.mjs';
import { remarkStableHeadings } from '../../src/markdown/stable-headings.mjs';

const CHAPTERS = 'content/chapters';
const chapterFiles = readdirSync(CHAPTERS).filter((f) => f.endsWith('.mdx')).sort();
const bodyOf = (src: string) => src.replace(/^---\n[\s\S]*?\n---\n/, '');

const term = (id: string, name: string, forms: string[] = []): Term => ({
  id, term: name, forms, definition: `The definition of ${name}, for tests.`, see: [], chapter: 'c', section: 's',
});
const TERMS: Term[] = [
  term('basin', 'basin', ['basins']),
  term('learning-coefficient', 'learning coefficient'),
  term('llc', 'local learning coefficient', ['LLC']),
  term('singular-model', 'singular model', ['singular']),
  term('sgd', 'stochastic gradient descent', ['SGD']),
  term('seed', 'seed', ['seeds']),
];

describe('glossary data', () => {
  const terms = loadGlossary();

  it('validates, with 30 or more terms each defined once', () => {
    expect(terms.length).toBeGreaterThanOrEqual(30);
    for (const t of terms) expect(t.definition.split(/(?<=[.!?])\s+(?=[A-Z"])/).length).toBeLessThanOrEqual(3);
  });

  it('gives every form to exactly one term', () => {
    const all = terms.flatMap(formsOf).map(normalizeForm);
    expect(all.filter((f, i) => all.indexOf(f) !== i)).toEqual([]);
  });

  it('introduces every term in a chapter and section that exist', () => {
    const chapters = chapterFiles.map((f) => ({
      slug: chapterSlug(f),
      sectionIds: sectionsOf(bodyOf(readFileSync(join(CHAPTERS, f), 'utf8'))).map((s) => s.id),
    }));
    expect(introductionProblems(terms, chapters)).toEqual([]);
    expect(introductionProblems([{ ...terms[0], section: 'no-such-section' }], chapters)).toEqual([
      `"${terms[0].id}": chapter "${terms[0].chapter}" has no section "no-such-section"`,
    ]);
  });

  it('rejects bad input with a message that names the problem', () => {
    const yaml = (extra: string) => `- id: a\n  term: alpha\n  forms: [alphas]\n  definition: Alpha is the first term here.\n  chapter: c\n  section: s\n${extra}`;
    expect(parseGlossary(yaml(''))).toHaveLength(1);
    expect(() => parseGlossary('- id: [unclosed')).toThrow(/not valid YAML/);
    expect(() => parseGlossary('- id: a\n  term: alpha\n')).toThrow(/definition/);
    expect(() => parseGlossary(yaml('  see: [nothing]\n'))).toThrow(/see "nothing", which is no term/);
    expect(() => parseGlossary(yaml('- id: b\n  term: beta\n  forms: [Alphas]\n  definition: Beta claims a form of alpha.\n  chapter: c\n  section: s\n')))
      .toThrow(/form "Alphas" belongs to both "a" and "b"/);
    expect(() => parseGlossary(yaml('  colour: red\n'))).toThrow(/invalid glossary/);
  });
});

describe('matching', () => {
  const m = compileMatcher(TERMS);
  const found = (text: string) => m.find(text).map((u) => `${u.term.id}:${u.text}`);

  it('matches whole words, case-insensitively, across line breaks', () => {
    expect(found('Basins and a Basin.')).toEqual(['basin:Basins', 'basin:Basin']);
    expect(found('subbasin basinward basin_x')).toEqual([]);
    expect(found('a learning\ncoefficient')).toEqual(['learning-coefficient:learning\ncoefficient']);
  });

  it('prefers the longest form, and keeps hyphenated words whole', () => {
    expect(found('the local learning coefficient')).toEqual(['llc:local learning coefficient']);
    expect(found('a singular model; singular; non-singular; singular-ish')).toEqual(['singular-model:singular model', 'singular-model:singular']);
    expect(found("the seed's effect")).toEqual(['seed:seed']);
  });

  it('matches a form written in capitals only in capitals', () => {
    expect(found('the LLC, not llc or Llc; SGD, not sgd')).toEqual(['llc:LLC', 'sgd:SGD']);
  });
});

const MDX = `import Exercise from './Exercise.astro';

Seeds before the first heading, then a basin and basins.

## A basin in the heading [#first]

The [basin link](#x) and \`basin\` and $basin$ do not count; a citation [@ref] neither. Then a basin, and
another basin.

<Exercise id="e1" kind="choice">
The seed inside an exercise is skipped.
</Exercise>

- a list item names the seed
- and the seed again

### Table [#second]

| a | b |
|---|---|
| stochastic gradient descent | SGD |

> A quoted basin.

$$
basin
$$
`;

function run(src: string) {
  const file = { path: '01-test.mdx', data: { astro: { frontmatter: {} } } };
  const references = [{ key: 'ref', type: 'misc' as const, authors: ['A. Basin'], year: 2020, title: 'Basin' }];
  const processor = unified().use(remarkParse).use(remarkMdx).use(remarkGfm).use(remarkMath).use(remarkStableHeadings).use(remarkCitations, { references }).use(remarkGlossary, { terms: TERMS });
  const tree = processor.runSync(processor.parse(src), file as never);
  return { tree, uses: file.data.astro.frontmatter as unknown as { glossaryUses: GlossaryUse[] } };
}

describe('the remark plugin', () => {
  it('marks the first use per section, in prose only', () => {
    const { uses } = run(MDX);
    expect(uses.glossaryUses).toEqual([
      { term: 'seed', section: '', text: 'Seeds' },
      { term: 'basin', section: '', text: 'basin' },
      { term: 'basin', section: 'first', text: 'basin' },
      { term: 'seed', section: 'first', text: 'seed' },
      { term: 'sgd', section: 'second', text: 'stochastic gradient descent' },
      { term: 'basin', section: 'second', text: 'basin' },
    ]);
  });

  it('leaves headings, links, citations, code, math and MDX elements alone', () => {
    const { tree } = run(MDX);
    const inside: string[] = [];
    const walk = (n: { type: string; children?: unknown[] }, path: string[]) => {
      if (n.type === 'glossaryTerm') inside.push(path.join('>'));
      for (const c of (n.children ?? []) as { type: string }[]) walk(c, [...path, n.type]);
    };
    walk(tree as never, []);
    expect(inside.every((p) => /^root>(paragraph|list>listItem>paragraph|table>tableRow>tableCell|blockquote>paragraph)$/.test(p))).toBe(true);
    expect(inside).toHaveLength(6);
  });

  it('writes the preview markup previews.ts reads, with ids unique in the page', () => {
    const p = unified().use(remarkParse).use(remarkStableHeadings).use(remarkGlossary, { terms: TERMS }).use(remarkRehype).use(rehypeStringify);
    const html = String(p.processSync({ value: 'A basin.\n\n## Two [#two]\n\nThe same basin.\n', data: {} }));
    expect(html).toContain(
      '<p>A <span class="preview-host"><a class="term" href="/glossary/#basin" data-preview="" aria-describedby="gl-0-basin">basin</a>' +
        '<span class="preview-card" role="tooltip" id="gl-0-basin" hidden data-pagefind-ignore=""><span><strong>basin</strong>: ' +
        'The definition of basin, for tests.</span></span></span>.</p>',
    );
    const ids = [...html.matchAll(/ id="(gl-[^"]+)"/g)].map((x) => x[1]);
    expect(ids).toEqual(['gl-0-basin', 'gl-1-basin']);
    expect(html).not.toMatch(/<(div|p)\b[^>]*>(?:(?!<\/p>)[^])*<(div|p|ul|table)\b/); // only inline elements inside a paragraph
  });
});

describe('the built site', () => {
  let out = '';
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'ld-glossary-'));
    execFileSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build', '--outDir', out], { stdio: 'pipe' });
  }, 240_000);
  afterAll(() => out && rmSync(out, { recursive: true, force: true }));

  it('a chapter has term previews whose cards exist, one per id', () => {
    const html = readFileSync(join(out, 'chapters/algorithm-search/index.html'), 'utf8');
    const triggers = [...html.matchAll(/<a class="term" href="\/glossary\/#([\w-]+)" data-preview aria-describedby="([\w-]+)">/g)];
    expect(triggers.length).toBeGreaterThan(5);
    for (const [, , id] of triggers) expect(html.split(`id="${id}"`).length - 1).toBe(1);
    expect(html).toMatch(/<a class="term" href="\/glossary\/#path-dependence"/);
  });

  it("every glossary back-link points at a section id of a built chapter", () => {
    const html = readFileSync(join(out, 'glossary/index.html'), 'utf8');
    const links = [...html.matchAll(/<a href="([^"]+)" data-glossary-use/g)].map((x) => x[1]);
    expect(links.length).toBeGreaterThan(50);
    for (const link of links) {
      const [page, hash] = link.split('#');
      const target = readFileSync(join(out, page, 'index.html'), 'utf8');
      if (hash) expect(target, link).toContain(`id="${hash}"`);
      else expect(page).toMatch(/^\/chapters\/[\w-]+\/$/);
    }
    // the page's back-links are exactly the uses marked in the chapters
    const marked = chapterFiles.reduce((n, f) => {
      const ch = readFileSync(join(out, `chapters/${chapterSlug(f)}/index.html`), 'utf8');
      return n + (ch.match(/<a class="term"/g) ?? []).length;
    }, 0);
    expect(links.length).toBe(marked);
    for (const t of loadGlossary()) expect(html.includes(`<dt id="${t.id}"`), t.id).toBe(true);
  });
});
