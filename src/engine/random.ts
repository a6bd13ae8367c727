/**
 * Seeded randomness. Every random choice in the book flows from an explicit seed through these
 * generators (d3-random's linear congruential source), never from Math.random, so any run can be
 * replayed from its permalink.
 */
import { randomLcg, randomNormal } from 'd3-random';

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** A derived, independent stream (for a member, a batch order, a noise source). */
  fork(salt: number): Rng;
}

/** Mix a seed with a salt into a new 32-bit seed (splitmix-style avalanche). */
export function mixSeed(seed: number, salt: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(salt | 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function makeRng(seed: number): Rng {
  const source = randomLcg(mixSeed(seed, 0x5eed) / 2 ** 32);
  const gauss = randomNormal.source(source)(0, 1);
  return {
    uniform: source,
    normal: gauss,
    int: (n) => Math.min(n - 1, Math.floor(source() * n)),
    fork: (salt) => makeRng(mixSeed(seed, salt + 1)),
  };
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
export function permutation(rng: Rng, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
