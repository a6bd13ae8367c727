/**
 * The Bayesian free energy in Watanabe's asymptotic form and where two solutions trade places.
 *
 * Singular learning theory (Watanabe 2009, "Algebraic Geometry and Statistical Learning Theory";
 * 2018, "Mathematical Theory of Bayesian Statistics"): the free energy of n samples near a solution
 * with per-sample loss L and learning coefficient λ is F(n) ≈ n·L + λ·log n (dropping the
 * (m − 1)·log log n term and O(1)). The posterior prefers the solution with the lower F, so a
 * solution that fits worse (L₂ > L₁) but is simpler (λ₂ < λ₁) wins at small n and loses once the
 * linear term overtakes the logarithmic one: a Bayesian phase transition at the n* where
 *
 *   n·L₁ + λ₁·log n = n·L₂ + λ₂·log n   ⇔   n / log n = (λ₁ − λ₂) / (L₂ − L₁).
 *
 * Lau et al. (2023) estimate λ locally (llc.ts); the figure holds L and λ fixed in n, which is the
 * idealization this form makes.
 */

/** F(n) = n·L + λ·log n. */
export function freeEnergy(n: number, loss: number, lambda: number): number {
  return n * loss + lambda * Math.log(n);
}

/**
 * The n > e at which the two free energies cross: the root of n/log n = (λ₁ − λ₂)/(L₂ − L₁).
 * n/log n is increasing past n = e (its minimum, value e), so the root is unique there; it exists
 * when the better fit is the more complex solution (L₁ < L₂, λ₁ > λ₂) and the ratio exceeds e.
 * Below n = e the asymptotic form means nothing, so a ratio ≤ e reads as "preferred from the
 * start": the crossing is reported at e. Otherwise (no trade-off: one solution is better in both
 * L and λ, or they tie) there is no crossing and the answer is NaN.
 */
export function crossingN(l1: number, lambda1: number, l2: number, lambda2: number): number {
  const dL = l2 - l1;
  const dLambda = lambda1 - lambda2;
  if (!(dL > 0 && dLambda > 0) || !Number.isFinite(dL / dLambda)) return NaN;
  const logR = Math.log(dLambda) - Math.log(dL);
  if (logR <= 1) return Math.E;
  // in u = log n: g(u) = u − log u − log R = 0, increasing for u > 1; g(1) < 0 and
  // g(2·log R + 2) = log R + 2 − log(2·log R + 2) > 0, so bisection between them finds it
  let lo = 1;
  let hi = 2 * logR + 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (mid - Math.log(mid) - logR < 0) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}
