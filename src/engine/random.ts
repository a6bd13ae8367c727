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

/**
 * Fast standard normals for bulk sampling (hundreds of millions of random network weights): the
 * ziggurat method of Marsaglia & Tsang (2000, "The Ziggurat Method for Generating Random
 * Variables", 128 layers), exact up to float rounding, on a 32-bit xorshift-multiply source
 * (mulberry32) seeded through mixSeed. Most draws take one 32-bit integer, a table look-up
 * and a multiply.
 */
export class ZigguratNormal {
  private state: number;

  constructor(seed: number) {
    this.state = mixSeed(seed, 0x21661) | 0;
  }

  /** A uniformly random signed 32-bit integer. */
  private int32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return t ^ (t >>> 14);
  }

  /** Uniform in (0, 1). */
  private uniform(): number {
    return ((this.int32() >>> 0) + 0.5) / 4294967296;
  }

  normal(): number {
    const hz = this.int32();
    const iz = hz & 127;
    if (Math.abs(hz) < ZIG.k[iz]) return hz * ZIG.w[iz];
    return this.tail(hz, iz);
  }

  /** Fill out[from, to) with normals of standard deviation std. */
  fill(out: Float32Array, from: number, to: number, std: number): void {
    const { k, w } = ZIG;
    // the source inlined (the same sequence as int32()): this loop draws most of a figure's normals
    let s = this.state;
    for (let i = from; i < to; i++) {
      s = (s + 0x6d2b79f5) | 0;
      let t = Math.imul(s ^ (s >>> 15), s | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const hz = t ^ (t >>> 14);
      const iz = hz & 127;
      if ((hz < 0 ? -hz : hz) < k[iz]) out[i] = std * hz * w[iz];
      else {
        this.state = s;
        out[i] = std * this.tail(hz, iz);
        s = this.state;
      }
    }
    this.state = s;
  }

  private tail(hz: number, iz: number): number {
    const { k, w, f } = ZIG;
    for (;;) {
      const x = hz * w[iz];
      if (iz === 0) {
        // the base strip: a draw from the tail beyond R (Marsaglia 1964)
        let t: number;
        let y: number;
        do {
          t = -Math.log(this.uniform()) / ZIG_R;
          y = -Math.log(this.uniform());
        } while (y + y < t * t);
        return hz > 0 ? ZIG_R + t : -ZIG_R - t;
      }
      if (f[iz] + this.uniform() * (f[iz - 1] - f[iz]) < Math.exp(-0.5 * x * x)) return x;
      hz = this.int32();
      iz = hz & 127;
      if (Math.abs(hz) < k[iz]) return hz * w[iz];
    }
  }
}

const ZIG_R = 3.442619855899;
/** Marsaglia & Tsang's tables for 128 layers of the normal density (their zigset). */
const ZIG = (() => {
  const m1 = 2147483648;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const k = new Float64Array(128);
  const w = new Float64Array(128);
  const f = new Float64Array(128);
  const q = vn / Math.exp(-0.5 * dn * dn);
  k[0] = (dn / q) * m1;
  k[1] = 0;
  w[0] = q / m1;
  w[127] = dn / m1;
  f[0] = 1;
  f[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    k[i + 1] = (dn / tn) * m1;
    tn = dn;
    f[i] = Math.exp(-0.5 * dn * dn);
    w[i] = dn / m1;
  }
  return { k, w, f };
})();
