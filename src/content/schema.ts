/** The chapter frontmatter schema (zod), shared by the content collection and the unit tests. */
import { z } from 'astro/zod';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lowercase-words-with-dashes');

export const referenceSchema = z.object({
  key: z.string().regex(/^[\w-]+$/),
  authors: z.array(z.string()).min(1),
  year: z.number().int().min(1900).max(2100),
  title: z.string(),
  venue: z.string().optional(),
  url: z.string().url().optional(),
});

/** A named setting of one figure, offered to wiki editors as a link (checked against the figure's fields at build: src/lib/book-checks.ts). */
export const presetSchema = z.object({
  widget: slug,
  label: z.string().min(3),
  settings: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
});

/** One dated change to a chapter, for the changelog (section ids checked at build: src/lib/book-checks.ts). */
export const changeSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD'),
  sections: z.array(slug).optional(),
  note: z.string().min(3),
});

export const chapterSchema = z
  .object({
    title: z.string().min(3),
    /** Position in the book: 1, 2, 3 … (unique). */
    order: z.number().int().positive(),
    /** One sentence for the chapter list and sections.json. */
    summary: z.string().min(10).max(300),
    /** Minutes to read, exercises excluded. */
    readingTime: z.number().int().positive(),
    /** Wiki pages this chapter serves (their slugs). */
    wiki: z.array(slug).default([]),
    /** Chapter slugs (file names) to read first. */
    prerequisites: z.array(slug).default([]),
    /** One-line summaries of sections, by section id (for sections.json). */
    sections: z.record(slug, z.string()).default({}),
    references: z.array(referenceSchema).default([]),
    /** Named figure settings shown on /wiki/ as links. */
    presets: z.array(presetSchema).default([]),
    /** What changed, newest first or in any order (the changelog sorts). */
    changes: z.array(changeSchema).default([]),
  })
  .superRefine((c, ctx) => {
    const keys = c.references.map((r) => r.key);
    const dup = keys.find((k, i) => keys.indexOf(k) !== i);
    if (dup) ctx.addIssue({ code: 'custom', message: `reference key "${dup}" appears twice`, path: ['references'] });
  });

export type Chapter = z.infer<typeof chapterSchema>;
