/**
 * Volume scaling and the grid posterior (analysis/volume.ts) on losses whose learning coefficient
 * is known in closed form (Watanabe 2009): λ = 1 for a regular quadratic in two dimensions,
 * 1/4 + 1/2 = 3/4 for w₁⁴ + w₂², 1/2 for (w₁w₂ − 1)² (a hyperbola of minima).
 */
import { describe, expect, it } from 'vitest';
import { fitLine, temperedPosterior, volumeScaling } from '../../src/engine/analysis/volume';

function grid(side: number, box: number, f: (a: number, b: number) => number) {
  const h = (2 * box) / (side - 1);
  const loss = new Float64Array(side * side);
  for (let r = 0; r < side; r++) for (let q = 0; q < side; q++) loss[r * side + q] = f(-box + q * h, box - r * h);
  return { loss, cellArea: h * h };
}

describe('volume scaling', () => {
  it('fits a line exactly', () => {
    const f = fitLine([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(f.slope).toBeCloseTo(2, 12);
    expect(f.intercept).toBeCloseTo(1, 12);
    expect(fitLine([1, 1], [0, 2]).slope).toBeNaN();
  });

  it('a regular quadratic: λ = 1, and the area is π·ε', () => {
    const { loss, cellArea } = grid(201, 3, (a, b) => (a - 0.3) ** 2 + (b + 0.2) ** 2);
    const v = volumeScaling(loss, cellArea);
    expect(v.exponent).toBeCloseTo(1, 1);
    expect(Math.abs(v.exponent - 1)).toBeLessThan(0.03);
    expect(10 ** v.intercept).toBeCloseTo(Math.PI, 0);
    expect(v.fitFrom).toBeGreaterThan(0);
    expect(v.fitTo).toBeGreaterThan(v.fitFrom);
  });

  it('w₁⁴ + w₂²: λ = 3/4', () => {
    const { loss, cellArea } = grid(301, 2, (a, b) => a ** 4 + b ** 2);
    expect(Math.abs(volumeScaling(loss, cellArea).exponent - 0.75)).toBeLessThan(0.04);
  });

  it('a hyperbola of minima (w₁w₂ − 1)²: λ = 1/2', () => {
    const { loss, cellArea } = grid(201, 3, (a, b) => (a * b - 1) ** 2);
    expect(Math.abs(volumeScaling(loss, cellArea).exponent - 0.5)).toBeLessThan(0.04);
  });

  it('the curve it draws is finite and increasing', () => {
    const { loss, cellArea } = grid(101, 3, (a, b) => (a * b - 1) ** 2);
    const v = volumeScaling(loss, cellArea);
    expect(v.logEps.length).toBe(40);
    expect(v.logArea.every(Number.isFinite)).toBe(true);
    for (let i = 1; i < v.logArea.length; i++) expect(v.logArea[i]).toBeGreaterThanOrEqual(v.logArea[i - 1]);
  });
});

describe('the tempered posterior on a grid', () => {
  it('sums to 1, peaks at the minimum, and narrows as n grows', () => {
    const { loss } = grid(101, 3, (a, b) => a * a + b * b);
    const wide = temperedPosterior(loss, 1);
    const narrow = temperedPosterior(loss, 100);
    for (const p of [wide, narrow]) {
      expect(Math.abs(p.normalization - 1)).toBeLessThan(1e-6);
      expect(p.density.indexOf(Math.max(...p.density))).toBe(50 * 101 + 50);
    }
    expect(Math.max(...narrow.density)).toBeGreaterThan(Math.max(...wide.density));
  });

  it('a Gaussian posterior exp(−n·r²) covers an effective area 2π/n', () => {
    const side = 301;
    const { loss, cellArea } = grid(side, 3, (a, b) => a * a + b * b);
    for (const n of [3, 30]) expect(temperedPosterior(loss, n).effectiveCells * cellArea).toBeCloseTo((2 * Math.PI) / n, 2);
  });

  it('a huge n underflows nothing but the far grid', () => {
    const { loss } = grid(51, 3, (a, b) => 1e3 + a * a + b * b);
    const p = temperedPosterior(loss, 1e6);
    expect(Math.abs(p.normalization - 1)).toBeLessThan(1e-6);
    expect(p.density.every(Number.isFinite)).toBe(true);
  });
});
