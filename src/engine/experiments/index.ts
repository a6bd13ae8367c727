/**
 * Every experiment, by widget id: the worker hosts them by name, the generic tests run each one,
 * and a test checks exercises' metrics against them. Each module in this folder that exports an
 * experiment (defineExperiment) is found here; nothing to register by hand.
 */
import type { AnyExperiment } from '../experiment';

const modules = import.meta.glob<Record<string, unknown>>(['./*.ts', '!./index.ts'], { eager: true });

function isExperiment(v: unknown): v is AnyExperiment {
  const e = v as AnyExperiment;
  return !!e && typeof e === 'object' && typeof e.id === 'string' && typeof e.run === 'function' && !!e.fields && !!e.metrics;
}

export const EXPERIMENTS: Record<string, AnyExperiment> = {};
for (const m of Object.values(modules)) {
  for (const v of Object.values(m)) {
    if (!isExperiment(v)) continue;
    if (EXPERIMENTS[v.id] && EXPERIMENTS[v.id] !== v) throw new Error(`two experiments are named "${v.id}"`);
    EXPERIMENTS[v.id] = v;
  }
}
