/** The chapter frontmatter schema (zod), shared by the content collection and the unit tests. */
import { z } from 'astro/zod';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lowercase-words-with-dashes');

/** One entry of content/references.yaml, the book's single bibliography. */
export const referenceSchema = z
  .object({
    /** Letters, digits, underscores: the BibTeX label is the key itself. */
    key: z.string().regex(/^\w+$/, 'letters, digits and _ only (it is also the BibTeX label)'),
    /** BibTeX entry type; preprints, blog posts and web pages are misc. */
    type: z.enum(['article', 'inproceedings', 'book', 'misc']).default('misc'),
    authors: z.array(z.string()).min(1),
    year: z.number().int().min(1900).max(2100),
    title: z.string(),
    venue: z.string().optional(),
    url: z.string().url().optional(),
    doi: z.string().regex(/^10\.\S+\/\S+$/, 'a DOI like 10.1007/BF00992696, without https://doi.org/').optional(),
    pages: z.string().optional(),
    note: z.string().optional(),
  })
  .strict();

export type Reference = z.infer<typeof referenceSchema>;

/** The whole file: a list of references with unique keys. */
export const referencesFileSchema = z.array(referenceSchema).superRefine((refs, ctx) => {
  const seen = new Set<string>();
  refs.forEach((r, i) => {
    if (seen.has(r.key)) ctx.addIssue({ code: 'custom', message: `reference key "${r.key}" appears twice`, path: [i, 'key'] });
    seen.add(r.key);
  });
});

/** A named setting of one figure, offered to wiki editors as a link (checked against the figure's fields at build: src/lib/book-extras.ts). */
export const presetSchema = z.object({
  widget: slug,
  label: z.string().min(3),
  settings: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
});

/** One dated change to a chapter, for the changelog (section ids checked at build: src/lib/book-extras.ts). */
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
    /** Gone: references live once for the book in content/references.yaml; a chapter only cites keys. */
    references: z
      .unknown()
      .refine((v) => v === undefined, {
        message: 'chapters no longer list references: move them to content/references.yaml and cite them by key ([@key])',
      })
      .optional(),
    /** Named figure settings shown on /wiki/ as links. */
    presets: z.array(presetSchema).default([]),
    /** What changed, newest first or in any order (the changelog sorts). */
    changes: z.array(changeSchema).default([]),
  });

export type Chapter = z.infer<typeof chapterSchema>;
