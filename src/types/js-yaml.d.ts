/** The part of js-yaml the build uses (the package ships no types). */
declare module 'js-yaml' {
  export function load(text: string, options?: { filename?: string }): unknown;
}
