/**
 * A chapter's changelog: the changes its frontmatter declares (dated, with the sections they touch)
 * and its file's commit history, merged newest first. Pure; the history text comes from
 * src/lib/git.ts (empty without git, shorter in a shallow clone).
 */
export interface DeclaredChange {
  date: string;
  sections?: string[];
  note: string;
}

export interface Commit {
  hash: string;
  date: string;
  subject: string;
}

export interface ChangelogEntry {
  date: string;
  note: string;
  sections: string[];
  /** 'chapter': written in the chapter's frontmatter; 'history': a commit to its file. */
  source: 'chapter' | 'history';
  hash?: string;
}

/** `git log --format=%h%x09%ad%x09%s --date=short` output → commits; malformed lines are skipped. */
export function parseGitLog(text: string): Commit[] {
  const out: Commit[] = [];
  for (const line of text.split('\n')) {
    const [hash, date, ...rest] = line.split('\t');
    if (!/^[0-9a-f]{4,40}$/.test(hash ?? '') || !/^\d{4}-\d{2}-\d{2}$/.test(date ?? '')) continue;
    out.push({ hash, date, subject: rest.join('\t').trim() });
  }
  return out;
}

/** Declared changes and commits, newest first; on one date the declared notes come first. */
export function chapterChangelog(changes: readonly DeclaredChange[], commits: readonly Commit[]): ChangelogEntry[] {
  const entries: ChangelogEntry[] = [
    ...changes.map((c) => ({ date: c.date, note: c.note, sections: c.sections ?? [], source: 'chapter' as const })),
    ...commits.map((c) => ({ date: c.date, note: c.subject, sections: [], source: 'history' as const, hash: c.hash })),
  ];
  const rank = (e: ChangelogEntry) => (e.source === 'chapter' ? 0 : 1);
  // a stable sort keeps each source's own order (git's is newest first) within a date
  return entries.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : rank(a) - rank(b)));
}

/** The newest date in a changelog, or null when it is empty. */
export function lastChanged(entries: readonly ChangelogEntry[]): string | null {
  return entries.reduce<string | null>((m, e) => (m === null || e.date > m ? e.date : m), null);
}

/** The newest declared change per section id. */
export function lastChangeBySection(changes: readonly DeclaredChange[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of changes) for (const s of c.sections ?? []) if (!out[s] || c.date > out[s]) out[s] = c.date;
  return out;
}

/** Declared changes that name a section the chapter does not have, or a date that is not a day. */
export function changeErrors(chapter: string, changes: readonly DeclaredChange[], sectionIds: readonly string[]): string[] {
  const errors: string[] = [];
  for (const c of changes) {
    if (Number.isNaN(Date.parse(`${c.date}T00:00:00Z`)) || new Date(`${c.date}T00:00:00Z`).toISOString().slice(0, 10) !== c.date)
      errors.push(`${chapter}: change "${c.note}" has date ${c.date}, which is not a calendar day`);
    for (const s of c.sections ?? [])
      if (!sectionIds.includes(s)) errors.push(`${chapter}: change "${c.note}" names section "${s}", which this chapter does not have`);
  }
  return errors;
}
