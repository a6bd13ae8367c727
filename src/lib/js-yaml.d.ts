/** The one js-yaml function the build uses (the package ships no types; @types/js-yaml is not installed). */
declare module 'js-yaml' {
  export function load(text: string, options?: { filename?: string }): unknown;
}
