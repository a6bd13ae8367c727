/** bench/README.md's tables are generated from bench/results.json, never typed by hand. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTables, reportIsCurrent } from '../../bench/report.mjs';

describe('benchmark report', () => {
  it('the README tables are what the newest results.json generates', () => {
    expect(reportIsCurrent()).toBe(true);
  });

  it('renders every configuration of the run with its paired ratio and the targets', () => {
    const data = JSON.parse(readFileSync(new URL('../../bench/results.json', import.meta.url), 'utf8'));
    const md = renderTables(data);
    for (const r of data.results) expect(md).toContain(r.config === 'grid-64x64' ? 'landscape grid' : r.config === 'ensemble-E32' ? 'ensemble' : 'MLP 2-64-64-1');
    for (const t of data.targets) expect(md).toContain(t.name);
    expect(md).toContain(data.run.commit);
  });
});
