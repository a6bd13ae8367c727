/**
 * Citations: [@key] or [@key1; @key2] in prose become links to the chapter's reference list,
 * labelled author–year from the frontmatter's `references`. An unknown key fails the build.
 */
import { visit } from 'unist-util-visit';

const CITE = /\[@([\w-]+)((?:;\s*@[\w-]+)*)\]/g;

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

export function remarkCitations() {
  return (tree, file) => {
    const refs = file.data?.astro?.frontmatter?.references ?? [];
    const byKey = new Map(refs.map((r) => [r.key, r]));
    visit(tree, 'text', (node, index, parent) => {
      if (!parent || index === undefined || !CITE.test(node.value)) return;
      CITE.lastIndex = 0;
      const parts = [];
      let at = 0;
      for (const m of node.value.matchAll(CITE)) {
        if (m.index > at) parts.push({ type: 'text', value: node.value.slice(at, m.index) });
        const keys = [m[1], ...m[2].split(';').map((s) => s.trim().replace(/^@/, '')).filter(Boolean)];
        parts.push({ type: 'text', value: '(' });
        keys.forEach((key, i) => {
          const ref = byKey.get(key);
          if (!ref) throw new Error(`${file.path}: citation [@${key}] has no entry in this chapter's references`);
          if (i) parts.push({ type: 'text', value: '; ' });
          parts.push({
            type: 'link',
            url: `#ref-${key}`,
            data: { hProperties: { className: ['citation'] } },
            children: [{ type: 'text', value: citeLabel(ref) }],
          });
        });
        parts.push({ type: 'text', value: ')' });
        at = m.index + m[0].length;
      }
      if (at < node.value.length) parts.push({ type: 'text', value: node.value.slice(at) });
      parent.children.splice(index, 1, ...parts);
      return index + parts.length;
    });
  };
}
