/** The page-event contract between predict exercises and figures: which settings match, which a guard conceals. */
import { describe, expect, it } from 'vitest';
import { exercisesBySection } from '../../src/lib/chapters';
import { describeSettings, guardCovers, settingsMatch } from '../../src/lib/widget-events';

describe('exercise settings', () => {
  it('a run matches when every stated setting agrees', () => {
    expect(settingsMatch({ seed: 4242, members: 30, lr: 0.1 }, { members: 30, seed: 4242 })).toBe(true);
    expect(settingsMatch({ seed: 1, members: 30 }, { members: 30, seed: 4242 })).toBe(false);
    expect(settingsMatch({ seed: 4242, members: 100 }, { members: 30, seed: 4242 })).toBe(false);
  });
  it('a guard covers the stated settings at any seed, or the seed when that is all it states', () => {
    expect(guardCovers({ seed: 1, members: 30 }, { members: 30, seed: 4242 })).toBe(true);
    expect(guardCovers({ seed: 1, members: 100 }, { members: 30, seed: 4242 })).toBe(false);
    expect(guardCovers({ seed: 7, lr: 0.2 }, { seed: 7 })).toBe(true);
    expect(guardCovers({ seed: 1, lr: 0.2 }, { seed: 7 })).toBe(false);
  });
  it('describes settings with the figure’s labels', () => {
    expect(describeSettings({ members: 30, varyInit: false }, { members: 'Models' })).toBe('Models 30, varyInit off');
  });
});

describe('exercises by section', () => {
  it('files each exercise under the closest heading above it', () => {
    const body = ['<Exercise id="intro" kind="choice">', '## One [#one]', 'text', '<Exercise id="a" kind="choice">', '### Two [#two]', '<Exercise id="b" kind="numeric">', '<Exercise id="c" kind="numeric">'].join('\n');
    expect(exercisesBySection(body)).toEqual({ '': ['intro'], one: ['a'], two: ['b', 'c'] });
  });
});
