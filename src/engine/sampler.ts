/**
 * Batch order. Each member walks its own sequence of shuffled epochs, seeded by its order seed,
 * so "same data, different batch order" is one seed per member. Full batch (B = N) keeps the
 * identity order: plain gradient descent.
 */
import { makeRng, permutation, type Rng } from './random';

export class BatchSampler {
  private readonly rngs: Rng[];
  private readonly perms: Int32Array[];
  private readonly cursor: number[];

  constructor(
    readonly n: number,
    readonly batch: number,
    readonly orderSeeds: readonly number[],
  ) {
    if (!(batch >= 1 && batch <= n)) throw new Error(`batch size ${batch} must be between 1 and ${n}`);
    this.rngs = orderSeeds.map((s) => makeRng(s).fork(2));
    this.perms = this.rngs.map(() => new Int32Array(0));
    this.cursor = orderSeeds.map(() => n);
  }

  get members(): number {
    return this.orderSeeds.length;
  }

  private nextRow(e: number, out: Int32Array, at: number): void {
    if (this.batch === this.n) {
      for (let i = 0; i < this.n; i++) out[at + i] = i;
      return;
    }
    for (let i = 0; i < this.batch; i++) {
      if (this.cursor[e] >= this.n) {
        this.perms[e] = permutation(this.rngs[e], this.n);
        this.cursor[e] = 0;
      }
      out[at + i] = this.perms[e][this.cursor[e]++];
    }
  }

  /** Indices for K steps, [K, E, B] (member-wise orders). */
  next(K: number): Int32Array {
    const E = this.members;
    const out = new Int32Array(K * E * this.batch);
    for (let k = 0; k < K; k++) for (let e = 0; e < E; e++) this.nextRow(e, out, (k * E + e) * this.batch);
    return out;
  }

  /** Indices for K steps shared by all members, [K, B] (the first member's order). */
  nextShared(K: number): Int32Array {
    const out = new Int32Array(K * this.batch);
    for (let k = 0; k < K; k++) this.nextRow(0, out, k * this.batch);
    return out;
  }
}
