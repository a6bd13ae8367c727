/**
 * Git at build time, where there may be none: no git binary, a tarball without .git, or a shallow
 * clone. Every call answers null instead of failing the build.
 */
import { execFileSync } from 'node:child_process';

export function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

/** A file's commits, newest first, as `hash<TAB>date<TAB>subject` lines (empty without git). */
export function fileHistory(path: string): string {
  // every page of a build asks for every chapter's history: ask git once per file
  let h = histories.get(path);
  if (h === undefined) histories.set(path, (h = git(['log', '--format=%h%x09%ad%x09%s', '--date=short', '--', path]) ?? ''));
  return h;
}
const histories = new Map<string, string>();
