/** What a reader (or a wiki editor) needs to say which build of the book they read: version, date, commit. */
import pkg from '../../package.json';
import { git } from './git';

export interface BuildInfo {
  version: string;
  /** YYYY-MM-DD, UTC. */
  date: string;
  /** Short commit hash; null when built without git (a tarball, no git binary). */
  commit: string | null;
}

export function buildInfo(now = new Date(), commit = git(['rev-parse', '--short', 'HEAD'])): BuildInfo {
  return { version: pkg.version, date: now.toISOString().slice(0, 10), commit: commit && /^[0-9a-f]{4,40}$/.test(commit) ? commit : null };
}

/** Computed once per build, so every page says the same. */
export const BUILD_INFO = buildInfo();
