/**
 * Citation strings, made at BUILD time with Citation.js (never shipped to the browser): BibTeX and
 * APA-style plain text for a chapter or one of its sections ("cite this"), and BibTeX for each
 * entry of the bibliography.
 */
import { Cite, plugins } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-csl';
import type { Reference } from '../content/schema';

// A chapter of a book is BibTeX's @incollection (Citation.js would write @inbook, which wants a
// chapter number or pages instead of a title).
const bibtexConfig = plugins.config.get('@bibtex');
bibtexConfig.types.bibtex.target.chapter = 'incollection';

export const BOOK_TITLE = 'Learning Dynamics';
/** The book names no author (README, about page), so it is cited as its contributors. */
export const BOOK_AUTHOR = 'Learning Dynamics contributors';

type CslName = { given?: string; family?: string; 'non-dropping-particle'?: string; literal?: string };

/** "R. Thomas McCoy" → given R. Thomas, family McCoy; "Chris van Merwijk" keeps "van" with the family name; "et al." → others. */
export function cslName(name: string): CslName {
  if (name.trim() === 'et al.') return { family: 'others' };
  const words = name.trim().split(/\s+/);
  if (words.length === 1) return { literal: words[0] };
  let i = words.length - 1;
  while (i > 1 && /^(van|von|der|de|den|du|la|le)$/.test(words[i - 1])) i--;
  const particle = words.slice(i, -1).join(' ');
  return { given: words.slice(0, i).join(' '), family: words.at(-1), ...(particle ? { 'non-dropping-particle': particle } : {}) };
}

const CSL_TYPE = { article: 'article-journal', inproceedings: 'paper-conference', book: 'book', misc: 'document' } as const;

/** Citation.js indents BibTeX fields with tabs: two spaces read better in a narrow box. */
const untab = (bibtex: string) => bibtex.trim().replace(/^\t/gm, '  ');

/** A bibliography entry as CSL-JSON. The venue is the journal, the proceedings, the publisher or (misc) a note. */
export function referenceCsl(ref: Reference): Record<string, unknown> {
  const venue =
    ref.type === 'book' ? { publisher: ref.venue } : ref.type === 'misc' ? {} : { 'container-title': ref.venue };
  const note = [ref.type === 'misc' ? ref.venue : undefined, ref.note].filter(Boolean).join('. ');
  return {
    id: ref.key,
    'citation-key': ref.key,
    type: CSL_TYPE[ref.type],
    title: ref.title,
    author: ref.authors.map(cslName),
    issued: { 'date-parts': [[ref.year]] },
    ...venue,
    ...(note ? { note } : {}),
    ...(ref.url ? { URL: ref.url } : {}),
    ...(ref.doi ? { DOI: ref.doi } : {}),
    ...(ref.pages ? { page: ref.pages } : {}),
  };
}

export function referenceBibtex(ref: Reference): string {
  // BibTeX reads a bare "others" as et al.; braced it would be a name
  return untab(String(new Cite(referenceCsl(ref)).format('bibtex'))).replace(/ and \{others\}/g, ' and others');
}

export interface CiteThisInput {
  chapterTitle: string;
  chapterSlug: string;
  /** Omitted: cite the whole chapter. */
  section?: { id: string; title: string };
  /** The site's origin and base, e.g. "https://example.org/" (Astro.site). */
  site: string | URL;
  version: string;
  /** The day the page was built: the citation's year and its access date. */
  date: Date;
}

export interface CiteThis {
  url: string;
  bibtex: string;
  text: string;
}

/** BibTeX (@incollection in the book) and plain text (APA, from CSL) with the stable URL of the chapter or section. */
export function citeThis(input: CiteThisInput): CiteThis {
  const url = new URL(`chapters/${input.chapterSlug}/${input.section ? `#${input.section.id}` : ''}`, input.site).href;
  const d = input.date;
  const csl = {
    id: `ld-${input.chapterSlug}${input.section ? `-${input.section.id}` : ''}`,
    // BibTeX labels take no dashes
    'citation-key': `learningdynamics_${input.chapterSlug}${input.section ? `_${input.section.id}` : ''}`.replace(/-/g, '_'),
    type: 'chapter',
    title: input.section ? `${input.chapterTitle} — ${input.section.title}` : input.chapterTitle,
    'container-title': BOOK_TITLE,
    author: [{ literal: BOOK_AUTHOR }],
    issued: { 'date-parts': [[d.getUTCFullYear()]] },
    accessed: { 'date-parts': [[d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]] },
    version: input.version,
    URL: url,
  };
  const cite = new Cite(csl);
  let bibtex = untab(String(cite.format('bibtex')));
  // BibTeX has no version field: say it in the note beside the access date
  bibtex = bibtex.replace(/note = \{([^}]*)\}/, `note = {Version ${input.version}. $1}`);
  const text = String(cite.format('bibliography', { format: 'text', template: 'apa', lang: 'en-US' })).trim();
  return { url, bibtex, text };
}
