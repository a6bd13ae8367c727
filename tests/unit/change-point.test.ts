import { describe, expect, it } from 'vitest';
import { halfChangePoint } from '../../src/engine/analysis/change-point';

describe('halfChangePoint: the first step past the extreme where half the change to the end is covered', () => {
  const steps = [10, 20, 50, 100, 200, 500, 1000, 2000];
  it('a rising sigmoid: the step where it passes halfway between its trough and its end', () => {
    const acc = [0.01, 0.0, 0.02, 0.1, 0.3, 0.6, 0.95, 1];
    expect(halfChangePoint(steps, acc)).toEqual({ step: 500, index: 5, fromStep: 20, from: 0, to: 1 });
  });
  it('a rise then a fall (an LLC peaking at memorization): measured from the peak, not from the start', () => {
    const llc = [40, 60, 68, 55, 40, 20, 5, 3];
    const cp = halfChangePoint(steps, llc)!;
    expect(cp.fromStep).toBe(50);
    expect(cp.step).toBe(500); // half of 68 → 3 is 35.5: 40 at 200 is not yet below it, 20 at 500 is
  });
  it('skips non-finite readings; a flat or too small change has no change point', () => {
    expect(halfChangePoint(steps, [1, NaN, 1, 0.9, 0.5, NaN, 0.1, 0])!.step).toBe(200);
    expect(halfChangePoint(steps, steps.map(() => 2))).toBeNull();
    expect(halfChangePoint(steps, [0, 0.01, 0.02, 0.03, 0.02, 0.01, 0.03, 0.04], 0.1)).toBeNull();
    expect(halfChangePoint([1], [1])).toBeNull();
  });
});
