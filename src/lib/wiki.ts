/** Wiki pages as the book links to them: their URL under the wiki's base, a readable title, and chapters grouped by page. */

/** The wiki base URL from the environment (or the default), ending in '/'; a bad value fails the build, saying why. */
export function resolveWikiBase(fromEnv: string | undefined, fallback: string): string {
  const raw = fromEnv?.trim() || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`WIKI_BASE_URL "${raw}" is not a URL (expected e.g. https://wiki.example.org/)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`WIKI_BASE_URL "${raw}" must be an http(s) URL`);
  url.search = '';
  url.hash = '';
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

export function wikiUrl(base: string, slug: string): string {
  return new URL(encodeURIComponent(slug), base).href;
}

const SPECIAL: Record<string, string> = { ai: 'AI', llc: 'LLC', slt: 'SLT', sgd: 'SGD', rl: 'RL', ml: 'ML', vs: 'vs', ch: 'Ch.' };
const SMALL = new Set(['and', 'of', 'the', 'in', 'on', 'for', 'to', 'a', 'an', 'or']);

/** "outer-vs-inner-alignment" → "Outer vs Inner Alignment"; "atlas-ch7-…" → "Atlas Ch7 …". */
export function wikiTitle(slug: string): string {
  return slug
    .split('-')
    .filter(Boolean)
    .map((w, i) => {
      if (Object.hasOwn(SPECIAL, w)) return SPECIAL[w];
      if (/^ch\d+$/.test(w)) return `Ch${w.slice(2)}`;
      if (/^\d+$/.test(w)) return w;
      if (i > 0 && SMALL.has(w)) return w;
      return w[0].toUpperCase() + w.slice(1);
    })
    .join(' ');
}

export interface WikiGroup<C> {
  slug: string;
  title: string;
  chapters: C[];
}

/** One group per wiki slug (by title), each with the chapters that declare it in book order; a chapter appears under each of its slugs. */
export function groupByWiki<C extends { order: number; wiki: readonly string[] }>(chapters: readonly C[]): WikiGroup<C>[] {
  const groups = new Map<string, C[]>();
  for (const c of [...chapters].sort((a, b) => a.order - b.order)) for (const s of new Set(c.wiki)) (groups.get(s) ?? groups.set(s, []).get(s)!).push(c);
  return [...groups.entries()]
    .map(([slug, cs]) => ({ slug, title: wikiTitle(slug), chapters: cs }))
    .sort((a, b) => a.title.localeCompare(b.title));
}
