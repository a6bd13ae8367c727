/**
 * /sections.json — the machine-readable index a wiki links into: every chapter and section with
 * its stable id, URL (with anchor), one-line summary, old ids that still resolve, and wiki slugs.
 */
import type { APIRoute } from 'astro';
import { bookChapters } from '../lib/book';

export const GET: APIRoute = async () => {
  const chapters = await bookChapters();
  const entries = chapters.flatMap((c) => {
    const d = c.entry.data;
    return [
      { id: c.slug, type: 'chapter', chapter: c.slug, title: d.title, url: c.url, summary: d.summary, wiki: d.wiki, wikiUrls: c.wikiLinks.map((w) => w.url), aliases: [] as string[] },
      ...c.sections.map((s) => ({
        id: s.id,
        type: s.depth === 2 ? 'section' : 'subsection',
        chapter: c.slug,
        title: s.title,
        url: `${c.url}#${s.id}`,
        summary: d.sections[s.id] ?? `${s.title} — from “${d.title}”.`,
        wiki: d.wiki,
        wikiUrls: c.wikiLinks.map((w) => w.url),
        aliases: s.aliases,
      })),
    ];
  });
  return new Response(JSON.stringify({ book: 'Learning Dynamics', version: 1, entries }, null, 2), {
    headers: { 'Content-Type': 'application/json' },
  });
};
