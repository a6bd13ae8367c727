/**
 * Where a chapter cites what: the citations of an MDX body with the section (closest h2/h3 above)
 * each one sits in, read with the build's rules (same citation syntax as src/markdown/citations.mjs,
 * same heading tags as src/markdown/stable-headings.mjs, fenced code skipped as in chapters.ts).
 * Pure: no file system, so the bibliography page and the tests share it.
 */
import { citationGroups } from '../markdown/citations.mjs';
import { linesWithSection } from './chapters';

export interface CitationSite {
  key: string;
  /** Section id ('' before the first heading). */
  section: string;
}

/** Every citation in source order, one entry per key per section (a second citation in the same section adds nothing). */
export function citationSites(body: string): CitationSite[] {
  const out: CitationSite[] = [];
  const seen = new Set<string>();
  for (const { line, section } of linesWithSection(body)) {
    // inline code is not prose: the build never sees a citation inside `…`
    const prose = line.replace(/`[^`]*`/g, '');
    for (const g of citationGroups(prose)) {
      for (const key of g.keys) {
        if (seen.has(`${section}\u0000${key}`)) continue;
        seen.add(`${section}\u0000${key}`);
        out.push({ key, section });
      }
    }
  }
  return out;
}

/** The keys a chapter cites, in order of first citation (the order of its reference list). */
export function citedKeys(body: string): string[] {
  return [...new Set(citationSites(body).map((s) => s.key))];
}

export interface BackLink {
  chapter: string;
  section: string;
}

/** For every cited key: the chapter sections citing it, in reading order. */
export function backLinks(chapters: { slug: string; body: string }[]): Map<string, BackLink[]> {
  const out = new Map<string, BackLink[]>();
  for (const c of chapters) {
    for (const s of citationSites(c.body)) {
      const list = out.get(s.key) ?? [];
      list.push({ chapter: c.slug, section: s.section });
      out.set(s.key, list);
    }
  }
  return out;
}

/** Keys cited somewhere but absent from the bibliography, with the chapter citing each. */
export function unknownCitations(chapters: { slug: string; body: string }[], known: Set<string>): { chapter: string; key: string }[] {
  return chapters.flatMap((c) => citedKeys(c.body).filter((k) => !known.has(k)).map((key) => ({ chapter: c.slug, key })));
}

/** References no chapter cites. */
export function uncitedKeys(chapters: { slug: string; body: string }[], keys: string[]): string[] {
  const cited = new Set(chapters.flatMap((c) => citedKeys(c.body)));
  return keys.filter((k) => !cited.has(k));
}
