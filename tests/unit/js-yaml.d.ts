/** js-yaml comes with Astro (its frontmatter parser) but without types here; the tests use only `load`. */
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
