/**
 * The book's single bibliography (content/references.yaml): the data, the citations in the
 * chapters against it, the back-link scan of the bibliography page, "cite this" strings made with
 * Citation.js, and the citation markup with its preview card.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import rehypeStringify from 'rehype-stringify';
import { remarkCitations } from '../../src/markdown/citations.mjs';
import { backLinks, citationSites, citedKeys, unknownCitations, uncitedKeys } from '../../src/lib/citation-scan';
import { citeThis, cslName, referenceBibtex } from '../../src/lib/cite-this';
import { bookReferences, parseReferences, REFERENCES_FILE } from '../../src/lib/references';
import { chapterSources } from '../../src/integrations/references-check';
import { sectionsOf } from '../../src/lib/chapters';
import type { Reference } from '../../src/content/schema';

const chapters = chapterSources();
const refs = bookReferences();

describe('content/references.yaml', () => {
  it('validates, with unique keys', () => {
    const parsed = parseReferences(readFileSync(REFERENCES_FILE, 'utf8'));
    expect(parsed.length).toBeGreaterThan(40);
    expect(new Set(parsed.map((r) => r.key)).size).toBe(parsed.length);
  });

  it('rejects a repeated key, a bad field and bad YAML, naming the entry', () => {
    const entry = '- key: a2020\n  authors: [A B]\n  year: 2020\n  title: T\n';
    expect(() => parseReferences(entry + entry, 'x.yaml')).toThrow(/x\.yaml.*\n.*"a2020" appears twice/);
    expect(() => parseReferences(entry.replace('year: 2020', 'year: 20'), 'x.yaml')).toThrow(/a2020: 0\.year/);
    expect(() => parseReferences(`${entry}  doi: https://doi.org/10.1/x\n`)).toThrow(/DOI like/);
    expect(() => parseReferences(`${entry}  colour: red\n`)).toThrow(/colour/);
    expect(() => parseReferences('- key: [', 'x.yaml')).toThrow(/x\.yaml: not valid YAML/);
  });

  it('every key cited in a chapter exists', () => {
    expect(chapters.length).toBeGreaterThanOrEqual(6);
    expect(unknownCitations(chapters, new Set(refs.map((r) => r.key)))).toEqual([]);
  });

  // A reference nobody cites is dead data or a mistyped key: the build warns, this test fails.
  it('every reference is cited by some chapter', () => {
    expect(uncitedKeys(chapters, refs.map((r) => r.key))).toEqual([]);
  });

  it('no chapter keeps a references list of its own', () => {
    for (const f of readdirSync('content/chapters').filter((f) => f.endsWith('.mdx'))) {
      const front = readFileSync(`content/chapters/${f}`, 'utf8').split(/^---$/m)[1];
      expect(front, f).not.toMatch(/^references:/m);
    }
  });
});

describe('citation scan', () => {
  const body = [
    'Intro [@pre].',
    '## One [#one]',
    'Text [@a; @b] and again [@a].',
    '```',
    '[@in-code]',
    '```',
    'Inline `[@in-inline-code]` is code.',
    '### Two *b* [#two ~deux]',
    'Once more [@a].',
  ].join('\n');

  it('finds each citation in its section, skipping code, once per section', () => {
    expect(citationSites(body)).toEqual([
      { key: 'pre', section: '' },
      { key: 'a', section: 'one' },
      { key: 'b', section: 'one' },
      { key: 'a', section: 'two' },
    ]);
    expect(citedKeys(body)).toEqual(['pre', 'a', 'b']);
  });

  it('back-links list every citing section of every chapter, in reading order', () => {
    const links = backLinks([{ slug: 'ch1', body }, { slug: 'ch2', body: '## X [#x]\nSee [@b].' }]);
    expect(links.get('a')).toEqual([{ chapter: 'ch1', section: 'one' }, { chapter: 'ch1', section: 'two' }]);
    expect(links.get('b')).toEqual([{ chapter: 'ch1', section: 'one' }, { chapter: 'ch2', section: 'x' }]);
  });

  it("in the book, every back-link names a section of its chapter, and every reference has one", () => {
    const links = backLinks(chapters);
    for (const r of refs) expect(links.get(r.key)?.length, r.key).toBeGreaterThan(0);
    for (const [key, list] of links) {
      for (const l of list) {
        const ids = sectionsOf(chapters.find((c) => c.slug === l.chapter)!.body).map((s) => s.id);
        expect(l.section === '' || ids.includes(l.section), `${key} in ${l.chapter}#${l.section}`).toBe(true);
      }
    }
    // shared keys are cited from several chapters (they were copied into each chapter before)
    expect(new Set(links.get('watanabe2009')!.map((l) => l.chapter)).size).toBeGreaterThanOrEqual(3);
  });
});

describe('cite this', () => {
  const date = new Date('2026-03-04T10:00:00Z');
  const input = { chapterTitle: 'Loss landscapes', chapterSlug: 'loss-landscapes', site: 'https://example.org/book/', version: '1.2.3', date };

  it('a section: BibTeX and plain text with the URL and its anchor, the title and the year', () => {
    const c = citeThis({ ...input, section: { id: 'flat-and-sharp', title: 'Flat and sharp' } });
    expect(c.url).toBe('https://example.org/book/chapters/loss-landscapes/#flat-and-sharp');
    expect(c.bibtex).toMatch(/^@incollection\{learningdynamics_loss_landscapes_flat_and_sharp,/);
    expect(c.bibtex).toContain('url = {https://example.org/book/chapters/loss-landscapes/#flat-and-sharp}');
    expect(c.bibtex).toMatch(/title = \{Loss landscapes --- \{Flat\} and sharp\}/);
    expect(c.bibtex).toContain('year = {2026}');
    expect(c.bibtex).toMatch(/booktitle = \{Learning \{Dynamics\}\}/);
    expect(c.bibtex).toContain('Version 1.2.3');
    expect(c.bibtex).toContain('accessed 2026-03-04');
    expect(c.text).toBe(
      'Learning Dynamics contributors. (2026). Loss landscapes — Flat and sharp. In Learning Dynamics (Version 1.2.3). https://example.org/book/chapters/loss-landscapes/#flat-and-sharp',
    );
  });

  it('a chapter: the chapter URL without an anchor', () => {
    const c = citeThis(input);
    expect(c.url).toBe('https://example.org/book/chapters/loss-landscapes/');
    expect(c.bibtex).toMatch(/^@incollection\{learningdynamics_loss_landscapes,/);
    expect(c.text).toContain('(2026). Loss landscapes. In Learning Dynamics');
  });

  it("a reference's BibTeX: its key as label, its type, particles and et al.", () => {
    const byKey = new Map(refs.map((r) => [r.key, r]));
    const hub = referenceBibtex(byKey.get('hubinger2019')!);
    expect(hub).toMatch(/^@misc\{hubinger2019,/);
    expect(hub).toContain('van Merwijk, Chris');
    expect(referenceBibtex(byKey.get('damour2022')!)).toMatch(/Moldovan, Dan and others\}/);
    expect(referenceBibtex(byKey.get('li2018')!)).toMatch(/^@inproceedings\{li2018,[\s\S]*booktitle = \{NeurIPS\}/);
    expect(referenceBibtex(byKey.get('watanabe2009')!)).toMatch(/^@book\{watanabe2009,[\s\S]*publisher = \{Cambridge University Press\}/);
    expect(referenceBibtex(byKey.get('williams1992')!)).toMatch(/doi = \{10\.1007\/BF00992696\}/);
    expect(cslName('Sumio Watanabe')).toEqual({ given: 'Sumio', family: 'Watanabe' });
  });
});

describe('citations plugin', () => {
  const lib: Reference[] = [
    { key: 'smith2020', type: 'article', authors: ['Ann Smith', 'Bo Lee', 'Cy Wu'], year: 2020, title: 'A title', venue: 'J. Things', url: 'https://e.org/a' },
    { key: 'doe2019', type: 'misc', authors: ['Jo Doe'], year: 2019, title: 'Other?', doi: '10.1/x' },
  ];
  const html = (md: string, path = 'ch.mdx') =>
    String(
      unified()
        .use(remarkParse)
        .use(remarkCitations as never, { references: lib })
        .use(remarkRehype)
        .use(rehypeStringify)
        .processSync({ value: md, path }),
    );

  it('writes each citation with its preview card, unique ids, inline elements only', () => {
    const out = html('As shown [@smith2020; @doe2019], and again [@smith2020].');
    expect(out).toContain(
      '(<span class="preview-host"><a href="#ref-smith2020" class="citation" data-preview aria-describedby="cite-1">Smith et al. 2020</a>' +
        '<span class="preview-card" role="tooltip" id="cite-1" hidden><span>Ann Smith, Bo Lee, Cy Wu (2020). A title. J. Things.</span>' +
        '<span><a href="https://e.org/a">Read it</a> · <a href="/bibliography/#smith2020">In the bibliography</a></span></span></span>; ',
    );
    expect(out).toContain('<span>Jo Doe (2019). Other?</span><span><a href="https://doi.org/10.1/x">doi:10.1/x</a>');
    const ids = [...out.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['cite-1', 'cite-2', 'cite-3']);
    const cards = [...out.matchAll(/<span class="preview-card"[\s\S]*?<\/span><\/span><\/span>/g)].map((m) => m[0]);
    expect(cards).toHaveLength(3);
    for (const c of cards) expect(c).not.toMatch(/<(div|p|ul|ol|li|h\d|section)\b/);
  });

  it('fails on an unknown key, naming the file and the key', () => {
    expect(() => html('See [@nobody2000].', 'content/chapters/09-x.mdx')).toThrow(/content\/chapters\/09-x\.mdx: citation \[@nobody2000\] is not in content\/references\.yaml/);
  });
});
