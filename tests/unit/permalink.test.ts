/** The permalink decoder against links a reader, a wiki or an attacker could write. */
import { describe, expect, it } from 'vitest';
import { settingsOf } from '../../src/engine/experiment';
import { EXPERIMENTS } from '../../src/engine/experiments';
import { validateConfig } from '../../src/engine/fields';
import { decodeConfig } from '../../src/lib/permalink';

describe('permalinks against hostile links', () => {
  const hostileNames = ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', '', '.', 'seed.seed', 'ñ', '💥'];
  const hostileValues = ['1', '5', '', ' ', 'NaN', 'Infinity', '-Infinity', '0x10', '0b1', '0o7', '1e400', '-0', '１２', '٣', 'x'.repeat(5000), '%00', '{}', '[]', 'null', 'undefined', 'true'];

  it('decodes every experiment\'s settings only from the table\'s own keys, with a message for what was refused', () => {
    for (const exp of Object.values(EXPERIMENTS)) {
      const table = settingsOf(exp);
      const names = [...Object.keys(table), ...hostileNames];
      let n = 0;
      for (const name of names) {
        for (const value of hostileValues) {
          // the hostile pair beside ordinary ones, and repeated keys
          const q = new URLSearchParams();
          q.append(`${exp.id}.${name}`, value);
          q.append(`${exp.id}.seed`, '3');
          q.append(`${exp.id}.${name}`, value);
          const d = decodeConfig(exp.id, table, `?${q}`);
          expect(Object.keys(d.config).sort()).toEqual(Object.keys(table).sort());
          expect(validateConfig(table, d.config)).toEqual([]);
          expect(Object.getPrototypeOf(d.config)).toBe(Object.prototype);
          for (const e of d.errors) expect(e.length).toBeLessThan(300);
          const accepted = Object.hasOwn(table, name) && d.errors.length === 0;
          if (!accepted) expect(d.errors.length).toBeGreaterThan(0);
          n++;
        }
      }
      expect(n).toBeGreaterThan(100);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses number notations a reader would not type (hex, binary, octal) and out-of-range infinities', () => {
    const table = { lr: { kind: 'float', default: 0.1, min: 0, max: 100, label: 'Learning rate' } } as const;
    for (const v of ['0x10', '0b1', '0o7', 'Infinity', '1e400', 'NaN']) expect(decodeConfig('w', table, `?w.lr=${v}`).config.lr).toBe(0.1);
    for (const [v, want] of [['2', 2], ['.5', 0.5], ['1e-3', 0.001], ['+3.', 3]] as const) expect(decodeConfig('w', table, `?w.lr=${v}`).config.lr).toBe(want);
  });
});
