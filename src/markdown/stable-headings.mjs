/**
 * Stable section ids. Every h2/h3 in a chapter ends with an explicit id, optionally with old ids
 * that must keep resolving:   ## Training is a search [#training-is-search ~old-id ~older-id]
 * The id is the permalink contract with the wiki (sections.json): it does not follow the title.
 * A heading without one fails the build, as does a repeated id.
 */
import { visit } from 'unist-util-visit';

const TAG = /\s*\[#([a-z0-9][a-z0-9-]*)((?:\s+~[a-z0-9][a-z0-9-]*)*)\]\s*$/;

export function parseHeadingTag(text) {
  const m = TAG.exec(text);
  if (!m) return null;
  const aliases = m[2].trim() ? m[2].trim().split(/\s+/).map((a) => a.slice(1)) : [];
  return { id: m[1], aliases, rest: text.slice(0, m.index) };
}

export function remarkStableHeadings() {
  return (tree, file) => {
    const seen = new Set();
    visit(tree, 'heading', (node) => {
      if (node.depth < 2 || node.depth > 3) return;
      const last = node.children[node.children.length - 1];
      const tag = last && last.type === 'text' ? parseHeadingTag(last.value) : null;
      if (!tag) {
        const where = node.position ? `${file.path}:${node.position.start.line}` : file.path;
        throw new Error(`${where}: heading needs a stable id, e.g. "## Title [#section-id]"`);
      }
      for (const id of [tag.id, ...tag.aliases]) {
        if (seen.has(id)) throw new Error(`${file.path}: section id "${id}" is used twice`);
        seen.add(id);
      }
      last.value = tag.rest;
      if (!last.value) node.children.pop();
      node.data = node.data || {};
      node.data.hProperties = { ...(node.data.hProperties || {}), id: tag.id };
      if (tag.aliases.length) node.data.hProperties['data-aliases'] = tag.aliases.join(' ');
    });
  };
}

/**
 * After remark-rehype: give each heading a "copy link" control, and an empty anchor for each old id
 * so links made before a rename still land on the section.
 */
export function rehypeHeadingExtras() {
  return (tree) => {
    visit(tree, 'element', (node) => {
      if (!/^h[23]$/.test(node.tagName) || !node.properties?.id) return;
      const id = String(node.properties.id);
      // Astro's pipeline hands the aliases on camelCased; plain remark-rehype keeps the key as written
      const aliases = String(node.properties.dataAliases ?? node.properties['data-aliases'] ?? '').split(/\s+/).filter(Boolean);
      delete node.properties.dataAliases;
      delete node.properties['data-aliases'];
      const anchors = aliases.map((a) => ({
        type: 'element',
        tagName: 'span',
        properties: { id: a, className: ['alias-anchor'], dataAliasOf: id },
        children: [],
      }));
      node.children = [
        ...anchors,
        ...node.children,
        {
          type: 'element',
          tagName: 'a',
          properties: { href: `#${id}`, className: ['heading-link'], dataCopyLink: '', ariaLabel: 'Copy link to this section' },
          children: [{ type: 'text', value: '#' }],
        },
      ];
    });
  };
}
