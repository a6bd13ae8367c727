/**
 * The book's bibliography: content/references.yaml, read and validated once per process (build
 * time and Node tests only: never imported by browser code). Chapters cite its keys.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load } from 'js-yaml';
import { referencesFileSchema, type Reference } from '../content/schema';

export const REFERENCES_FILE = 'content/references.yaml';

/** Parse and validate the file's text; a bad entry fails with the file, the entry and the field. */
export function parseReferences(text: string, file = REFERENCES_FILE): Reference[] {
  let data: unknown;
  try {
    data = load(text, { filename: file });
  } catch (err) {
    throw new Error(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = referencesFileSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      const at = typeof i.path[0] === 'number' && Array.isArray(data) ? (data[i.path[0]] as { key?: unknown })?.key : undefined;
      return `  ${at ? `${String(at)}: ` : ''}${i.path.join('.') || '(file)'}: ${i.message}`;
    });
    throw new Error(`${file}: invalid references:\n${issues.join('\n')}`);
  }
  return parsed.data;
}

let cached: Reference[] | undefined;

/** The book's references, from the project root (where builds and tests run). */
export function bookReferences(): Reference[] {
  cached ??= parseReferences(readFileSync(resolve(process.cwd(), REFERENCES_FILE), 'utf8'));
  return cached;
}

export function referencesByKey(refs: Reference[] = bookReferences()): Map<string, Reference> {
  return new Map(refs.map((r) => [r.key, r]));
}
