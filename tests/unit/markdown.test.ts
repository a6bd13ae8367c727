/** The markdown plugins that carry the book's linking contract: stable section ids and citations. */
import { describe, expect, it } from 'vitest';
import { authorLine, citeLabel, endSentence } from '../../src/markdown/citations.mjs';
import { remarkFigureNumbers } from '../../src/markdown/figure-numbers.mjs';
import { parseHeadingTag, rehypeHeadingExtras, remarkStableHeadings } from '../../src/markdown/stable-headings.mjs';
import { chapterSlug, exerciseIdsOf, sectionsOf } from '../../src/lib/chapters';

describe('stable section ids', () => {
  it('parses an id and old ids from the end of a heading', () => {
    expect(parseHeadingTag('Training is a search [#training-is-search ~old ~older]')).toEqual({ id: 'training-is-search', aliases: ['old', 'older'], rest: 'Training is a search' });
    expect(parseHeadingTag('No id here')).toBeNull();
    expect(parseHeadingTag('Bad [#Upper]')).toBeNull();
  });

  it('sets the id, keeps aliases as anchors, and adds a copy-link control', () => {
    const heading = { type: 'heading', depth: 2, children: [{ type: 'text', value: 'Title [#new-id ~old-id]' }] };
    const tree = { type: 'root', children: [heading] };
    (remarkStableHeadings as () => (t: unknown, f: unknown) => void)()(tree, { path: 'x.mdx' });
    expect(heading.children[0].value).toBe('Title');
    const h = heading as unknown as { data: { hProperties: Record<string, string> } };
    expect(h.data.hProperties).toEqual({ id: 'new-id', 'data-aliases': 'old-id' });
    const el = { type: 'element', tagName: 'h2', properties: { id: 'new-id', dataAliases: 'old-id' }, children: [{ type: 'text', value: 'Title' }] };
    (rehypeHeadingExtras as () => (t: unknown) => void)()({ type: 'root', children: [el] });
    const kids = el.children as { tagName?: string; properties?: Record<string, unknown> }[];
    expect(kids[0]).toMatchObject({ tagName: 'span', properties: { id: 'old-id' } });
    expect(kids.at(-1)).toMatchObject({ tagName: 'a', properties: { href: '#new-id' } });
  });

  it('fails the build on a heading without an id, and on a repeated id', () => {
    const run = (children: unknown[]) => (remarkStableHeadings as () => (t: unknown, f: unknown) => void)()({ type: 'root', children }, { path: 'ch.mdx' });
    expect(() => run([{ type: 'heading', depth: 2, children: [{ type: 'text', value: 'Untagged' }] }])).toThrow(/needs a stable id/);
    const tagged = () => ({ type: 'heading', depth: 3, children: [{ type: 'text', value: 'A [#same]' }] });
    expect(() => run([tagged(), tagged()])).toThrow(/used twice/);
  });

  it('sections and exercises are read from chapter sources the same way', () => {
    const body = '## One [#one]\n```\n## not a heading\n```\n### Two *b* [#two ~deux]\n<Exercise id="ex-a" kind="choice">\n';
    expect(sectionsOf(body)).toEqual([
      { depth: 2, id: 'one', aliases: [], title: 'One' },
      { depth: 3, id: 'two', aliases: ['deux'], title: 'Two b' },
    ]);
    expect(exerciseIdsOf(body)).toEqual(['ex-a']);
    expect(chapterSlug('01-algorithm-search.mdx')).toBe('algorithm-search');
  });
});

describe('citations', () => {
  it('label by surname and year', () => {
    expect(citeLabel({ authors: ['R. Thomas McCoy', 'Junghyun Min', 'Tal Linzen'], year: 2020 })).toBe('McCoy et al. 2020');
    expect(citeLabel({ authors: ['Sepp Hochreiter', 'Jürgen Schmidhuber'], year: 1997 })).toBe('Hochreiter & Schmidhuber 1997');
  });

  it('the reference list closes each field with one period, never "et al.."', () => {
    expect(authorLine({ authors: ["Alexander D'Amour", 'Katherine Heller', 'et al.'] })).toBe("Authors: Alexander D'Amour, Katherine Heller, et al.");
    expect(authorLine({ authors: ['Sepp Hochreiter', 'Jürgen Schmidhuber'] })).toBe('Authors: Sepp Hochreiter, Jürgen Schmidhuber.');
    expect(endSentence('Sharp minima can generalize for deep nets')).toBe('Sharp minima can generalize for deep nets.');
    expect(endSentence('Does it generalize?')).toBe('Does it generalize?');
  });
});

describe('figure numbers', () => {
  const widget = (name: string) => ({ type: 'mdxJsxFlowElement', name, attributes: [{ type: 'mdxJsxAttribute', name: 'client:visible', value: null }], children: [] });
  const ref = (id: string) => ({ type: 'paragraph', children: [{ type: 'link', url: `#${id}`, children: [] }] });
  const run = (children: unknown[], path = 'content/chapters/03-x.mdx') => {
    const tree = { type: 'root', children };
    (remarkFigureNumbers as () => (t: unknown, f: unknown) => void)()(tree, { path, data: {} });
    return tree as unknown as { children: { attributes?: { name: string; value: unknown }[]; children: { children: { value: string }[] }[] }[] };
  };

  it('numbers live figures in reading order by the chapter prefix, and turns empty links to them into "Figure N.M"', () => {
    const t = run([widget('HundredSeeds'), ref('edge-of-stability'), widget('EdgeOfStability')]);
    expect(t.children[0].attributes!.find((a) => a.name === 'figure')!.value).toBe('3.1');
    expect(t.children[2].attributes!.find((a) => a.name === 'figure')!.value).toBe('3.2');
    expect(t.children[1].children[0].children[0].value).toBe('Figure 3.2');
  });

  it('fails the build when a section and a figure share an id', () => {
    const heading = { type: 'heading', depth: 2, data: { hProperties: { id: 'gap-fan' } }, children: [] };
    expect(() => run([heading, widget('GapFan')])).toThrow(/also a figure/);
  });

  it('fails the build on a reference to a figure the chapter does not have', () => {
    expect(() => run([widget('GapFan'), ref('gap-fn')])).toThrow(/gap-fn/);
  });
});
