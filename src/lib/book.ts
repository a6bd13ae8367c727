/** The book's chapters in reading order, with their sections and exercises (build time only). */
import { getCollection } from 'astro:content';
import { exerciseIdsOf, exercisesBySection, sectionsOf } from './chapters';

export async function bookChapters() {
  const entries = (await getCollection('chapters')).sort((a, b) => a.data.order - b.data.order);
  return entries.map((entry) => ({
    entry,
    slug: entry.id,
    url: `${import.meta.env.BASE_URL}chapters/${entry.id}/`,
    sections: sectionsOf(entry.body ?? ''),
    exercises: exerciseIdsOf(entry.body ?? ''),
    exercisesBySection: exercisesBySection(entry.body ?? ''),
  }));
}
