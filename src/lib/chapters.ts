/** Build-time helpers over chapter sources: sections (stable ids) and exercise ids. */
import { parseHeadingTag } from '../markdown/stable-headings.mjs';

export interface SectionInfo {
  depth: 2 | 3;
  id: string;
  aliases: string[];
  title: string;
}

/** Plain title text from heading markdown: inline math kept as written, emphasis marks dropped. */
function plainTitle(md: string): string {
  return md.replace(/[*_`]/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim();
}

/** h2/h3 sections in source order, read with the same parser the build uses. */
export function sectionsOf(body: string): SectionInfo[] {
  const out: SectionInfo[] = [];
  let fenced = false;
  for (const line of body.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const m = /^(##|###)\s+(.*)$/.exec(line);
    if (!m) continue;
    const tag = parseHeadingTag(m[2]);
    if (!tag) continue; // the build itself rejects such a heading
    out.push({ depth: m[1].length as 2 | 3, id: tag.id, aliases: tag.aliases, title: plainTitle(tag.rest) });
  }
  return out;
}

/** Ids of the <Exercise id="…"> elements of a chapter, in order. */
export function exerciseIdsOf(body: string): string[] {
  return [...body.matchAll(/<Exercise\b[^>]*?\bid="([^"]+)"/g)].map((m) => m[1]);
}

/**
 * Each line of a chapter body outside fenced code, with the id of the h2/h3 section it stands in
 * ('' before the first heading; a heading line belongs to its own section) — the one walk that
 * places exercises, figures and citations in sections.
 */
export function* linesWithSection(body: string): Generator<{ line: string; section: string }> {
  let section = '';
  let fenced = false;
  for (const line of body.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    const h = /^(##|###)\s+(.*)$/.exec(line);
    const tag = h ? parseHeadingTag(h[2]) : null;
    if (tag) section = tag.id;
    yield { line, section };
  }
}

/** The exercises under each section (the closest h2/h3 above them), by section id; before any heading: ''. */
export function exercisesBySection(body: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { line, section } of linesWithSection(body)) {
    for (const m of line.matchAll(/<Exercise\b[^>]*?\bid="([^"]+)"/g)) (out[section] ??= []).push(m[1]);
  }
  return out;
}

/** The opening tag of <Exercise id="…"> up to its first '>': where it starts, and its plain attributes. */
function exerciseTag(body: string, id: string): RegExpExecArray | null {
  return new RegExp(`<Exercise\\b[^>]*?\\bid="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*`).exec(body);
}

/** An exercise's `kind` attribute ('choice', 'numeric', 'predict'), or undefined when it has none. */
export function exerciseKind(body: string, id: string): string | undefined {
  return /\bkind="(\w+)"/.exec(exerciseTag(body, id)?.[0] ?? '')?.[1];
}

/**
 * The option texts of a choice exercise, in order, read from its `options={[ { text: '…', … }, … ]}`
 * prop in the chapter source (so /progress/ can show a reader's choice in words). [] when it has none.
 */
export function choiceOptionTexts(body: string, id: string): string[] {
  const tag = exerciseTag(body, id);
  if (!tag) return [];
  const start = body.indexOf('options={[', tag.index);
  if (start < 0 || start > tag.index + tag[0].length) return []; // not in this tag: a later exercise's
  // walk to the matching ']' (brackets inside quoted strings do not count)
  let depth = 0;
  let end = -1;
  for (let i = start + 'options={'.length; i < body.length && end < 0; i++) {
    const c = body[i];
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < body.length && body[i] !== c; i++) if (body[i] === '\\') i++;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) end = i;
  }
  if (end < 0) return [];
  return [...body.slice(start, end).matchAll(/\btext:\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g)].map((m) => m[2].replace(/\\(.)/g, '$1'));
}

/** URL slug of a chapter file: "01-algorithm-search.mdx" → "algorithm-search". */
export function chapterSlug(fileId: string): string {
  return fileId.replace(/\.mdx?$/, '').replace(/^\d+-/, '');
}
