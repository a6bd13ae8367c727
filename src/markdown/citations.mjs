/**
 * Citations: [@key] or [@key1; @key2] in prose become links to the chapter's reference list,
 * labelled author–year from the book's bibliography (content/references.yaml), each with a
 * preview card of the full reference (src/lib/previews.ts shows it). An unknown key fails the build.
 */
import { visit } from 'unist-util-visit';
import { bookReferences } from '../lib/references.ts';

const CITE = /\[@([\w-]+)((?:;\s*@[\w-]+)*)\]/g;

/** Every citation group in a text: the keys of each "[@a; @b]", in order. The build and the scans share it. */
export function citationGroups(text) {
  return [...String(text).matchAll(CITE)].map((m) => ({
    index: m.index,
    length: m[0].length,
    keys: [m[1], ...m[2].split(';').map((s) => s.trim().replace(/^@/, '')).filter(Boolean)],
  }));
}

const surname = (name) => name.trim().split(/\s+/).at(-1);

export function citeLabel(ref) {
  const authors = ref.authors.filter((a) => a !== 'et al.').map(surname);
  const names = ref.authors.length > 2 ? `${authors[0]} et al.` : authors.join(' & ');
  return `${names} ${ref.year}`;
}

/**
 * Close a reference-list field with a period unless it already ends in one (an author list that
 * ends "et al." or a title that ends "?" must not come out as "et al.." or "?.").
 */
export function closing(text) {
  return /[.?!]$/.test(String(text).trimEnd()) ? '' : '.';
}

export function endSentence(text) {
  const t = String(text).trimEnd();
  return t + closing(t);
}

/** The reference list's author line: "Authors: A, B, C." — one final period, whatever the list ends in. */
export function authorLine(ref) {
  return endSentence(`Authors: ${ref.authors.join(', ')}`);
}

/** The full reference as one line of plain text: "A, B, C (2020). Title. Venue." */
export function fullReference(ref) {
  const head = `${ref.authors.join(', ')} (${ref.year}).`;
  const parts = [head, endSentence(ref.title)];
  if (ref.venue) parts.push(endSentence(ref.venue));
  if (ref.pages) parts.push(endSentence(`pp. ${ref.pages}`));
  return parts.join(' ');
}

/** Where the reference can be read: its URL, else its DOI. */
export function readingUrl(ref) {
  return ref.url ?? (ref.doi ? `https://doi.org/${ref.doi}` : undefined);
}

const span = (className, props, children) => ({
  type: 'citationPart',
  data: { hName: 'span', hProperties: { ...(className ? { className: [className] } : {}), ...props } },
  children,
});
const text = (value) => ({ type: 'text', value });
const link = (url, children, hProperties = {}) => ({ type: 'link', url, data: { hProperties }, children });

/**
 * One citation with its preview card (only inline elements, so it may sit inside any paragraph):
 *   <span class="preview-host"><a class="citation" href="#ref-KEY" data-preview aria-describedby="ID">Label</a>
 *   <span class="preview-card" role="tooltip" id="ID" hidden><span>full reference</span><span>links</span></span></span>
 */
export function citationNode(ref, id, base = '/') {
  const links = [];
  const url = readingUrl(ref);
  if (url) links.push(link(url, [text(ref.url ? 'Read it' : `doi:${ref.doi}`)]), text(' · '));
  links.push(link(`${base}bibliography/#${ref.key}`, [text('In the bibliography')]));
  return span('preview-host', {}, [
    link(`#ref-${ref.key}`, [text(citeLabel(ref))], { className: ['citation'], dataPreview: true, ariaDescribedBy: id }),
    span('preview-card', { role: 'tooltip', id, hidden: true }, [span(null, {}, [text(fullReference(ref))]), span(null, {}, links)]),
  ]);
}

/** options.references: the bibliography to cite from (default: the book's, content/references.yaml). */
export function remarkCitations(options = {}) {
  return (tree, file) => {
    const byKey = new Map((options.references ?? bookReferences()).map((r) => [r.key, r]));
    let count = 0;
    visit(tree, 'text', (node, index, parent) => {
      if (!parent || index === undefined) return;
      const groups = citationGroups(node.value);
      if (groups.length === 0) return;
      const parts = [];
      let at = 0;
      for (const g of groups) {
        if (g.index > at) parts.push(text(node.value.slice(at, g.index)));
        parts.push(text('('));
        g.keys.forEach((key, i) => {
          const ref = byKey.get(key);
          if (!ref) throw new Error(`${file.path}: citation [@${key}] is not in content/references.yaml (add it there, or fix the key)`);
          if (i) parts.push(text('; '));
          parts.push(citationNode(ref, `cite-${++count}`));
        });
        parts.push(text(')'));
        at = g.index + g.length;
      }
      if (at < node.value.length) parts.push({ type: 'text', value: node.value.slice(at) });
      parent.children.splice(index, 1, ...parts);
      return index + parts.length;
    });
  };
}
