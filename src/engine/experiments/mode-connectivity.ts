/**
 * Linear mode connectivity (Frankle et al. 2020): evaluate the loss along the straight line
 * θ(α) = (1 − α)·θ_A + α·θ_B. The barrier is the largest rise above the straight interpolation of
 * the end-point losses:  B = max_α [ L(θ(α)) − ((1 − α)·L(θ_A) + α·L(θ_B)) ].
 */
/** α = (i − margin)/perUnit: exact 0 and 1, and `margin` points beyond each end. */
export function lineAlphas(perUnit = 32, margin = 8): number[] {
  return Array.from({ length: perUnit + 2 * margin + 1 }, (_, i) => (i - margin) / perUnit);
}

/** Barrier height from losses at alphas (which must include 0 and 1). */
export function barrierHeight(alphas: readonly number[], losses: ArrayLike<number>): number {
  const at = (a: number) => {
    const i = alphas.findIndex((x) => Math.abs(x - a) < 1e-9);
    if (i < 0) throw new Error(`alphas must include ${a}`);
    return losses[i];
  };
  const [l0, l1] = [at(0), at(1)];
  let b = 0;
  alphas.forEach((a, i) => {
    if (a < 0 || a > 1) return;
    b = Math.max(b, losses[i] - ((1 - a) * l0 + a * l1));
  });
  return b;
}

/** Plane coordinates for a line: (α, 0) rows, to evaluate with the grid program. */
export function lineCoords(alphas: readonly number[]): Float32Array {
  const c = new Float32Array(alphas.length * 2);
  alphas.forEach((a, i) => (c[2 * i] = a));
  return c;
}
