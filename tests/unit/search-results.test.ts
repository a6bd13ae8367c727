import { describe, expect, it } from 'vitest';
import { countMessage, excerptParts, flattenResults, type PagefindPage, unavailableMessage } from '../../src/components/search/results';

const page = (title: string, url: string, subs: [string, string, number][]): PagefindPage => ({
  url,
  excerpt: `page excerpt of ${title}`,
  meta: { title },
  sub_results: subs.map(([t, u, hits]) => ({ title: t, url: u, excerpt: `<mark>hit</mark> in ${t}`, locations: Array.from({ length: hits }, (_, i) => i) })),
});

describe('flattenResults', () => {
  it('gives one row per section, the section with most hits first, keeping page order', () => {
    const rows = flattenResults([
      page('Loss landscapes', '/chapters/loss-landscapes/', [
        ['Loss landscapes', '/chapters/loss-landscapes/', 1],
        ['Sharpness', '/chapters/loss-landscapes/#sharpness', 2],
        ['Edge of stability', '/chapters/loss-landscapes/#edge-of-stability', 7],
      ]),
      page('Phase transitions', '/chapters/phase-transitions/', [['Grokking', '/chapters/phase-transitions/#grokking', 1]]),
    ]);
    expect(rows.map((r) => r.url)).toEqual([
      '/chapters/loss-landscapes/#edge-of-stability',
      '/chapters/loss-landscapes/#sharpness',
      '/chapters/loss-landscapes/',
      '/chapters/phase-transitions/#grokking',
    ]);
    expect(rows[0]).toMatchObject({ chapter: 'Loss landscapes', section: 'Edge of stability' });
    // a hit in the chapter's opening names no section
    expect(rows[2].section).toBe('');
  });

  it('limits rows per page and overall', () => {
    const many = page('A', '/a/', Array.from({ length: 9 }, (_, i) => [`S${i}`, `/a/#s${i}`, 1] as [string, string, number]));
    expect(flattenResults([many], 3)).toHaveLength(3);
    expect(flattenResults(Array.from({ length: 10 }, () => many), 3, 12)).toHaveLength(12);
  });

  it('falls back to the page when it has no sections, and to the url when it has no title', () => {
    const rows = flattenResults([{ url: '/glossary/', excerpt: 'x', meta: {} }]);
    expect(rows).toEqual([{ chapter: '/glossary/', section: '', url: '/glossary/', excerpt: 'x' }]);
  });
});

describe('excerptParts', () => {
  it('reads <mark> as a highlight and decodes entities', () => {
    expect(excerptParts('the <mark>edge</mark> of &lt;stability&gt; &amp; more')).toEqual([
      { text: 'the ', mark: false },
      { text: 'edge', mark: true },
      { text: ' of <stability> & more', mark: false },
    ]);
  });

  it('keeps any other markup as literal text (it is never parsed as HTML)', () => {
    const parts = excerptParts('<img src=x onerror=alert(1)><mark><script>x</script></mark>');
    expect(parts).toEqual([
      { text: '<img src=x onerror=alert(1)>', mark: false },
      { text: '<script>x</script>', mark: true },
    ]);
    // an entity that decodes to a tag is still text
    expect(excerptParts('&lt;mark&gt;no&lt;/mark&gt;')).toEqual([{ text: '<mark>no</mark>', mark: false }]);
  });

  it('leaves malformed numeric entities alone', () => {
    expect(excerptParts('&#99999999; &#x41;')).toEqual([{ text: '&#99999999; A', mark: false }]);
  });
});

describe('messages', () => {
  it('says when nothing matched, and counts chapters', () => {
    expect(countMessage([], 'zzz ')).toMatch(/No results for “zzz”/);
    expect(countMessage([], '  ')).toBe('');
    const rows = flattenResults([page('A', '/a/', [['S', '/a/#s', 1], ['T', '/a/#t', 1]])]);
    expect(countMessage(rows, 'q')).toBe('2 results in 1 chapter');
  });

  it('tells a dev-server reader how to get search', () => {
    expect(unavailableMessage('missing')).toMatch(/npm start/);
    expect(unavailableMessage('offline')).toMatch(/offline/);
  });
});
