/** The book's chapters in reading order, with their sections and exercises (build time only). */
import { getCollection } from 'astro:content';
import { chapterExtras } from './book-extras';
import { exerciseIdsOf, exercisesBySection, sectionsOf } from './chapters';

export async function bookChapters() {
  const entries = (await getCollection('chapters')).sort((a, b) => a.data.order - b.data.order);
  return entries.map((entry) => {
    const url = `${import.meta.env.BASE_URL}chapters/${entry.id}/`;
    const sections = sectionsOf(entry.body ?? '');
    return {
      entry,
      slug: entry.id,
      url,
      sections,
      exercises: exerciseIdsOf(entry.body ?? ''),
      exercisesBySection: exercisesBySection(entry.body ?? ''),
      ...chapterExtras(entry, url, sections),
    };
  });
}
