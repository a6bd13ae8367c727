// @ts-check
/**
 * The glossary: terms defined once in content/glossary.yaml, and the one rule that decides where a
 * chapter uses them. The remark plugin (src/markdown/glossary.mjs) marks those uses with a preview
 * card and records them; the glossary page lists the recorded uses as back-links, so the two cannot
 * disagree.
 *
 * Rule: the first use of a term in each section (h2/h3 boundaries; the text before the first
 * heading is a section of its own, id ''), matched as a whole word, case-insensitively, longest form
 * first. Only prose counts: paragraphs, list items, table cells and block quotes, with their
 * emphasis. Headings, links (citations included), code, math, MDX elements and expressions
 * (figures, exercises) and frontmatter are never touched. Exercises are skipped on purpose: a
 * definition in a question can give the answer away, and a term first "used" in a hidden solution
 * would leave the visible use in the prose unmarked.
 */
import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { z } from 'astro/zod';
import { parseHeadingTag } from '../markdown/stable-headings.mjs';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lowercase-words-with-dashes');

export const termSchema = z
  .object({
    id: slug,
    term: z.string().min(2),
    forms: z.array(z.string().min(2)).default([]),
    definition: z.string().min(20).max(500),
    see: z.array(slug).default([]),
    chapter: slug,
    section: slug,
  })
  .strict();

export const glossarySchema = z.array(termSchema).min(1);

/** @typedef {z.infer<typeof termSchema>} Term */
/** @typedef {{ term: string, section: string, text: string }} GlossaryUse  a marked use: term id, section id ('' before the first heading), the words as written */

/** Forms compared for uniqueness and matching: case folded, runs of spaces as one. */
export const normalizeForm = (/** @type {string} */ s) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** A form written in capitals (LLC, SGD, REINFORCE) is an acronym or a name: it matches only in capitals. */
export const isCapitalForm = (/** @type {string} */ s) => /^[A-Z0-9][A-Z0-9-]*[A-Z][A-Z0-9-]*s?$/.test(s);

/** Every surface form of a term: its name, then its other forms. */
export const formsOf = (/** @type {Term} */ t) => [t.term, ...t.forms];

/**
 * Validate the glossary's text. Throws one Error listing every problem (schema, repeated ids,
 * a form claimed by two terms, a "see" naming no term) so a bad edit fails the build clearly.
 * @param {string} text YAML
 * @param {string} [source] named in the message
 * @returns {Term[]}
 */
export function parseGlossary(text, source = 'content/glossary.yaml') {
  /** @type {unknown} */
  let raw;
  try {
    raw = loadYaml(text);
  } catch (e) {
    throw new Error(`${source}: not valid YAML: ${e instanceof Error ? e.message : e}`);
  }
  const parsed = glossarySchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`${source}: invalid glossary\n${issues}`);
  }
  const terms = parsed.data;
  const problems = [];
  const ids = new Set();
  /** @type {Map<string, string>} */
  const owner = new Map();
  for (const t of terms) {
    if (ids.has(t.id)) problems.push(`term id "${t.id}" appears twice`);
    ids.add(t.id);
    for (const f of formsOf(t)) {
      const key = normalizeForm(f);
      const had = owner.get(key);
      if (had !== undefined && had !== t.id) problems.push(`form "${f}" belongs to both "${had}" and "${t.id}"`);
      else if (had === t.id) problems.push(`form "${f}" is listed twice for "${t.id}"`);
      owner.set(key, t.id);
    }
  }
  for (const t of terms) {
    for (const s of t.see) {
      if (!ids.has(s)) problems.push(`"${t.id}" says see "${s}", which is no term`);
      if (s === t.id) problems.push(`"${t.id}" says see itself`);
    }
  }
  if (problems.length) throw new Error(`${source}: invalid glossary\n  ${problems.join('\n  ')}`);
  return terms;
}

/** Read and validate content/glossary.yaml (build time, Node). */
export function loadGlossary(path = new URL('../../content/glossary.yaml', import.meta.url)) {
  return parseGlossary(readFileSync(path, 'utf8'), String(path));
}

/**
 * Problems with where terms say they are introduced: a chapter or section that does not exist.
 * @param {Term[]} terms
 * @param {{ slug: string, sectionIds: string[] }[]} chapters
 * @returns {string[]}
 */
export function introductionProblems(terms, chapters) {
  const bySlug = new Map(chapters.map((c) => [c.slug, new Set(c.sectionIds)]));
  const out = [];
  for (const t of terms) {
    const secs = bySlug.get(t.chapter);
    if (!secs) out.push(`"${t.id}": chapter "${t.chapter}" does not exist`);
    else if (!secs.has(t.section)) out.push(`"${t.id}": chapter "${t.chapter}" has no section "${t.section}"`);
  }
  return out;
}

const escapeRegExp = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A matcher over plain text. Whole words: a use may not touch a letter, digit or underscore, nor a
 * hyphen on its left or a hyphenated continuation on its right ("non-singular", "Re-Basin" and
 * "SGD-like" are not uses). Longer forms win at the same position ("local learning coefficient"
 * over "learning coefficient").
 * @param {Term[]} terms
 */
export function compileMatcher(terms) {
  /** @type {Map<string, { term: Term, capital: string | null }>} */
  const byForm = new Map();
  for (const t of terms) {
    for (const f of formsOf(t)) byForm.set(normalizeForm(f), { term: t, capital: isCapitalForm(f) ? f : null });
  }
  const alternatives = [...byForm.keys()]
    .sort((a, b) => b.length - a.length)
    .map((f) => f.split(' ').map(escapeRegExp).join('\\s+'));
  const re = new RegExp(`(?<![\\p{L}\\p{N}_-])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}_]|-[\\p{L}\\p{N}])`, 'giu');
  return {
    /**
     * Every use in a text, in order.
     * @param {string} text
     * @returns {{ start: number, end: number, term: Term, text: string }[]}
     */
    find(text) {
      const out = [];
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const hit = byForm.get(normalizeForm(m[0]));
        if (!hit || (hit.capital && m[0].replace(/\s+/g, ' ') !== hit.capital)) {
          re.lastIndex = m.index + 1; // "llc" is not "LLC": look again from the next character
          continue;
        }
        out.push({ start: m.index, end: m.index + m[0].length, term: hit.term, text: m[0] });
      }
      return out;
    },
  };
}

/** mdast nodes whose text is never a use. */
const SKIP = new Set([
  'heading', 'link', 'linkReference', 'definition', 'inlineCode', 'code', 'inlineMath', 'math', 'html', 'yaml', 'toml',
  'image', 'imageReference', 'footnoteReference', 'mdxJsxFlowElement', 'mdxJsxTextElement', 'mdxFlowExpression',
  'mdxTextExpression', 'mdxjsEsm', 'glossaryTerm',
]);

/**
 * A preview another plugin built (a citation's card): its text is a reference, not prose.
 * @param {any} node
 */
function isPreview(node) {
  const cls = node.data?.hProperties?.className;
  return Array.isArray(cls) && (cls.includes('preview-host') || cls.includes('preview-card'));
}

/** @param {any} heading */
function sectionIdOf(heading) {
  const id = heading.data?.hProperties?.id;
  if (typeof id === 'string') return id;
  const last = heading.children?.at(-1);
  return (last?.type === 'text' && parseHeadingTag(last.value)?.id) || '';
}

/**
 * The markup of one marked use: the term link and its hidden card (inline elements only: it sits
 * in a paragraph). Expressed as hast children of an mdast node, so remark-rehype emits it as is.
 * @param {Term} term
 * @param {string} written the words as the prose has them
 * @param {string} cardId unique in the page
 * @param {string} base the site's base URL, ending in '/'
 */
export function termNode(term, written, cardId, base = '/') {
  const el = (/** @type {string} */ tagName, /** @type {Record<string, unknown>} */ properties, /** @type {any[]} */ children) => ({
    type: 'element', tagName, properties, children,
  });
  const text = (/** @type {string} */ value) => ({ type: 'text', value });
  return {
    type: 'glossaryTerm',
    data: {
      hName: 'span',
      hProperties: { className: ['preview-host'] },
      hChildren: [
        el('a', { className: ['term'], href: `${base}glossary/#${term.id}`, dataPreview: '', ariaDescribedBy: cardId }, [text(written)]),
        // the card's text is the definition, repeated in every chapter: keep it out of the search index
        el('span', { className: ['preview-card'], role: 'tooltip', id: cardId, hidden: true, dataPagefindIgnore: '' }, [
          el('span', {}, [el('strong', {}, [text(term.term)]), text(`: ${term.definition}`)]),
        ]),
      ],
    },
  };
}

/**
 * Mark the first use of each term in each section of an mdast tree, in place.
 * @param {any} tree mdast root (after remark-math, stable headings and citations)
 * @param {Term[]} terms
 * @param {{ base?: string, matcher?: ReturnType<typeof compileMatcher> }} [options]
 * @returns {GlossaryUse[]} the marked uses, in reading order
 */
export function markGlossary(tree, terms, options = {}) {
  const matcher = options.matcher ?? compileMatcher(terms);
  const base = options.base ?? '/';
  /** @type {GlossaryUse[]} */
  const uses = [];
  let section = '';
  let sectionIndex = 0;
  /** @type {Set<string>} */
  let seen = new Set();

  /** @param {any} parent */
  function walk(parent) {
    const children = parent.children;
    for (let i = 0; i < children.length; i++) {
      const node = children[i];
      if (node.type === 'heading' && parent === tree && (node.depth === 2 || node.depth === 3)) {
        section = sectionIdOf(node);
        sectionIndex++;
        seen = new Set();
      }
      if (SKIP.has(node.type) || isPreview(node)) continue;
      if (node.type === 'text') {
        const replacement = markText(node.value);
        if (replacement) {
          children.splice(i, 1, ...replacement);
          i += replacement.length - 1;
        }
      } else if (Array.isArray(node.children)) walk(node);
    }
  }

  /** @param {string} value */
  function markText(value) {
    const parts = [];
    let at = 0;
    for (const m of matcher.find(value)) {
      if (seen.has(m.term.id)) continue;
      seen.add(m.term.id);
      if (m.start > at) parts.push({ type: 'text', value: value.slice(at, m.start) });
      parts.push(termNode(m.term, m.text, `gl-${sectionIndex}-${m.term.id}`, base));
      uses.push({ term: m.term.id, section, text: m.text });
      at = m.end;
    }
    if (!parts.length) return null;
    if (at < value.length) parts.push({ type: 'text', value: value.slice(at) });
    return parts;
  }

  walk(tree);
  return uses;
}
