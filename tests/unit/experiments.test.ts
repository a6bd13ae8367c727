/**
 * Every experiment in src/engine/experiments, found by the registry (no list here): it runs to
 * `done` (converged) at its small configuration through the same host the page's worker uses,
 * reports every metric it declares, finite, and none it does not declare besides the host's own
 * (RUN_METRICS: no member diverged).
 */
import { describe, expect, it } from 'vitest';
import { RUN_METRICS, settingsOf } from '../../src/engine/experiment';
import { EXPERIMENTS } from '../../src/engine/experiments';
import { validateConfig, defaults } from '../../src/engine/fields';
import { runExperiment } from '../../src/runtime/host';

describe('the experiment registry', () => {
  it('finds the experiments and keys each by its widget id (a kebab-case name, as permalinks and wiki links use)', () => {
    // which figures exist is the pages' business: tests/e2e/figures.test.ts matches every figure on a page to one of these
    expect(Object.keys(EXPERIMENTS).length).toBeGreaterThan(0);
    for (const [id, e] of Object.entries(EXPERIMENTS)) {
      expect(e.id).toBe(id);
      expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(Object.keys(e.metrics).length, id).toBeGreaterThan(0);
    }
  });

  it('every table is valid at its defaults and at its small configuration, and leaves the seed to the frame', () => {
    for (const e of Object.values(EXPERIMENTS)) {
      const table = settingsOf(e);
      expect(Object.keys(e.fields)).not.toContain('seed');
      expect(validateConfig(table, defaults(table))).toEqual([]);
      expect(validateConfig(table, { ...defaults(table), ...e.small } as ReturnType<typeof defaults<typeof table>>)).toEqual([]);
    }
  });
});

describe.each(Object.values(EXPERIMENTS).map((e) => [e.id, e] as const))('experiment %s at its small configuration', (_id, e) => {
  it('runs to done, reporting every declared metric (finite) and nothing else but the host’s own', async () => {
    const r = await runExperiment(e, e.small);
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    const declared = [...Object.keys(e.metrics), ...Object.keys(RUN_METRICS)].sort();
    expect(Object.keys(r.metrics).sort()).toEqual(declared);
    for (const [k, v] of Object.entries(r.metrics)) expect(Number.isFinite(v), `${k} = ${v}`).toBe(true);
    expect(r.metrics.divergedMembers).toBe(0);
    expect(r.metrics.trainedMembers).toBeGreaterThan(0);
    expect(r.reports.at(-1)!.progress).toBeGreaterThan(0.99);
    const progress = r.reports.map((p) => p.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    await r.host.stop();
  });
});
