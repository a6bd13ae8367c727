/**
 * Pure pieces of the search dialog: Pagefind's page results flattened to one row per section,
 * excerpts split into plain text and highlighted runs (rendered as text nodes, never as HTML), and
 * the messages for a search that cannot run. No DOM here, so unit tests cover it in Node.
 */

/** What Pagefind's `result.data()` gives (the part used here). */
export interface PagefindPage {
  url: string;
  excerpt: string;
  meta: { title?: string };
  sub_results?: { title: string; url: string; excerpt: string; locations?: number[] }[];
}

export interface SearchRow {
  chapter: string;
  /** The section's heading; '' when the hit is in the chapter's opening, before any section. */
  section: string;
  url: string;
  excerpt: string;
}

/**
 * One row per matching section, best pages first; within a page, the sections with the most hits
 * first (at most `perPage`), so a query lands on the section that is about it.
 */
export function flattenResults(pages: PagefindPage[], perPage = 3, max = 12): SearchRow[] {
  const rows: SearchRow[] = [];
  for (const p of pages) {
    const chapter = p.meta?.title?.trim() || p.url;
    const subs = [...(p.sub_results ?? [])]
      .map((s, i) => ({ s, i, hits: s.locations?.length ?? 0 }))
      .sort((a, b) => b.hits - a.hits || a.i - b.i)
      .slice(0, perPage);
    if (subs.length === 0) rows.push({ chapter, section: '', url: p.url, excerpt: p.excerpt });
    for (const { s } of subs) {
      const section = s.url.includes('#') && s.title.trim() !== chapter ? s.title.trim() : '';
      rows.push({ chapter, section, url: s.url, excerpt: s.excerpt });
    }
    if (rows.length >= max) break;
  }
  return rows.slice(0, max);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#x27': "'", nbsp: '\u00a0' };

function decode(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
    const lower = e.toLowerCase();
    if (lower in ENTITIES) return ENTITIES[lower];
    if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16)) ?? m;
    if (lower.startsWith('#')) return safeCodePoint(parseInt(lower.slice(1), 10)) ?? m;
    return m;
  });
}

function safeCodePoint(n: number): string | null {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : null;
}

/**
 * An excerpt as runs of text, `mark` where Pagefind highlighted the query. Only `<mark>` and
 * `</mark>` are read as tags; any other markup stays literal text (it is shown, never parsed).
 */
export function excerptParts(html: string): { text: string; mark: boolean }[] {
  const parts: { text: string; mark: boolean }[] = [];
  let mark = false;
  for (const piece of html.split(/(<\/?mark>)/i)) {
    if (/^<mark>$/i.test(piece)) mark = true;
    else if (/^<\/mark>$/i.test(piece)) mark = false;
    else if (piece) parts.push({ text: decode(piece), mark });
  }
  return parts;
}

export type Unavailable = 'missing' | 'offline' | 'failed';

/** What the dialog says when the index cannot be used. */
export function unavailableMessage(reason: Unavailable): string {
  switch (reason) {
    case 'missing':
      return 'The search index is not here. Search works on the built book: run npm start (npm run dev does not build the index).';
    case 'offline':
      return 'You are offline and the search index has not been loaded yet. Connect and try again.';
    case 'failed':
      return 'Search could not load its index. Reload the page to try again.';
  }
}

/** "3 results" / "1 result in 1 chapter" — announced to screen readers as the list changes. */
export function countMessage(rows: SearchRow[], query: string): string {
  if (!query.trim()) return '';
  if (rows.length === 0) return `No results for “${query.trim()}”. Try fewer or different words.`;
  const chapters = new Set(rows.map((r) => r.chapter)).size;
  return `${rows.length} result${rows.length === 1 ? '' : 's'} in ${chapters} chapter${chapters === 1 ? '' : 's'}`;
}
