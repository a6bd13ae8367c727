/**
 * Figure numbers. Every live figure in a chapter (an MDX component with a `client:` directive) is
 * numbered in reading order, "Figure <chapter>.<k>", the chapter being the file's numeric prefix;
 * the component receives it as its `figure` prop. The figure's anchor is its widget id, the
 * component's name in kebab case (HundredSeeds → #hundred-seeds). Prose refers to a figure with
 * an empty link, `[](#hundred-seeds)`, which becomes "Figure 1.1"; a reference to a figure the
 * chapter does not have fails the build.
 */
import { visit } from 'unist-util-visit';

export const widgetIdOf = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

export function chapterNumberOf(path) {
  const m = /(?:^|[/\\])(\d+)-[^/\\]*$/.exec(path ?? '');
  return m ? Number(m[1]) : null;
}

export function remarkFigureNumbers() {
  return (tree, file) => {
    const chapter = chapterNumberOf(file.path);
    if (chapter === null) return;
    const numbers = new Map();
    visit(tree, 'mdxJsxFlowElement', (node) => {
      if (!node.name || !node.attributes?.some((a) => a.type === 'mdxJsxAttribute' && a.name.startsWith('client:'))) return;
      const label = `${chapter}.${numbers.size + 1}`;
      const id = widgetIdOf(node.name);
      if (numbers.has(id)) throw new Error(`${file.path}: figure ${node.name} appears twice`);
      numbers.set(id, label);
      node.attributes.push({ type: 'mdxJsxAttribute', name: 'figure', value: label });
    });
    // a figure's anchor is its widget id: a section with the same id would make both links ambiguous
    visit(tree, 'heading', (node) => {
      const id = node.data?.hProperties?.id;
      if (id && numbers.has(id)) throw new Error(`${file.path}: section id "${id}" is also a figure's id; rename the section`);
    });
    visit(tree, 'link', (node) => {
      if (node.children.length || !node.url.startsWith('#')) return;
      const id = node.url.slice(1);
      const label = numbers.get(id);
      if (!label) throw new Error(`${file.path}: a reference to figure "#${id}", which this chapter does not have (figures: ${[...numbers.keys()].join(', ')})`);
      node.children = [{ type: 'text', value: `Figure ${label}` }];
    });
    file.data.figures = Object.fromEntries(numbers);
  };
}
