/**
 * Book-wide settings. The wiki this book serves: chapters declare wiki page slugs (frontmatter
 * `wiki:`), and link out to `<wikiBaseUrl><slug>`. Override at build with WIKI_BASE_URL.
 */
import { resolveWikiBase } from './lib/wiki';

/** A placeholder until the wiki's address is settled: set WIKI_BASE_URL at build to the real one. */
export const DEFAULT_WIKI_BASE_URL = 'https://wiki.example.org/';

export const wikiBaseUrl: string = resolveWikiBase(process.env.WIKI_BASE_URL, DEFAULT_WIKI_BASE_URL);
