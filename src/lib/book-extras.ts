/**
 * What the reader tools need of each chapter beyond its sections: its figures (and their presets,
 * checked against each figure's fields), its changelog (declared changes checked against its
 * sections, plus its file's git history) and its wiki links. A bad preset or change fails the build
 * here, naming the chapter and what is wrong.
 */
import type { CollectionEntry } from 'astro:content';
import { wikiBaseUrl } from '../book.config';
import { changeErrors, chapterChangelog, lastChangeBySection, lastChanged, parseGitLog } from './changelog';
import type { SectionInfo } from './chapters';
import { EXPERIMENTS } from '../engine/experiments';
import { COMPONENT_WIDGETS, WIDGET_TABLES } from './figure-registry';
import { defaultsLink, figuresOf, presetErrors, presetLink } from './figures';
import { fileHistory } from './git';
import { wikiTitle, wikiUrl } from './wiki';

/** The site's absolute URL for a path under it (the `site` in astro.config.mjs). */
export function absoluteUrl(path: string): string {
  return new URL(path, import.meta.env.SITE ?? 'http://localhost/').href;
}

export function chapterExtras(entry: CollectionEntry<'chapters'>, url: string, sections: SectionInfo[]) {
  const data = entry.data;
  const body = entry.body ?? '';
  const absolute = absoluteUrl(url);
  const figures = figuresOf(body, COMPONENT_WIDGETS).map((f) => ({
    ...f,
    title: EXPERIMENTS[f.widget].title,
    defaultsLink: defaultsLink(absolute, f.widget, WIDGET_TABLES[f.widget]),
    presets: data.presets.filter((p) => p.widget === f.widget).map((p) => ({ label: p.label, link: presetLink(absolute, p) })),
  }));
  const errors = [
    ...presetErrors(entry.id, data.presets, figures, WIDGET_TABLES),
    ...changeErrors(entry.id, data.changes, sections.map((s) => s.id)),
  ];
  if (errors.length) throw new Error(`Chapter frontmatter is wrong:\n  ${errors.join('\n  ')}`);
  const changelog = chapterChangelog(data.changes, parseGitLog(entry.filePath ? fileHistory(entry.filePath) : ''));
  return {
    absoluteUrl: absolute,
    figures,
    changelog,
    lastChanged: lastChanged(changelog),
    sectionChanged: lastChangeBySection(data.changes),
    wikiLinks: data.wiki.map((slug) => ({ slug, title: wikiTitle(slug), url: wikiUrl(wikiBaseUrl, slug) })),
  };
}
