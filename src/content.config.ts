import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { chapterSchema } from './content/schema';
import { chapterSlug } from './lib/chapters';

const chapters = defineCollection({
  loader: glob({ pattern: '*.mdx', base: './content/chapters', generateId: ({ entry }) => chapterSlug(entry) }),
  schema: chapterSchema,
});

export const collections = { chapters };
