/**
 * Batch order. Each member walks its own sequence of shuffled epochs, seeded by its order seed,
 * so "same data, different batch order" is one seed per member. Full batch (B = N) keeps the
 * identity order: plain gradient descent. With `ownRows`, member e draws only from its own block
 * of n/E rows (RunSpec.memberRows).
 */
import { makeRng, permutation, type Rng } from './random';

export class BatchSampler {
  private readonly rngs: Rng[];
  private readonly perms: Int32Array[];
  private readonly cursor: number[];

  /** Rows each member draws from, and where member e's start (e · rows when ownRows, else 0). */
  private readonly rows: number;
  private readonly ownRows: boolean;

  constructor(
    readonly n: number,
    readonly batch: number,
    readonly orderSeeds: readonly number[],
    ownRows = false,
  ) {
    this.ownRows = ownRows;
    this.rows = ownRows ? n / orderSeeds.length : n;
    if (!Number.isInteger(this.rows)) throw new Error(`${n} rows cannot be split evenly between ${orderSeeds.length} members`);
    if (!(batch >= 1 && batch <= this.rows)) throw new Error(`batch size ${batch} must be between 1 and ${this.rows}`);
    this.rngs = orderSeeds.map((s) => makeRng(s).fork(2));
    this.perms = this.rngs.map(() => new Int32Array(0));
    this.cursor = orderSeeds.map(() => this.rows);
  }

  get members(): number {
    return this.orderSeeds.length;
  }

  private nextRow(e: number, out: Int32Array, at: number): void {
    const first = this.ownRows ? e * this.rows : 0;
    if (this.batch === this.rows) {
      for (let i = 0; i < this.rows; i++) out[at + i] = first + i;
      return;
    }
    for (let i = 0; i < this.batch; i++) {
      if (this.cursor[e] >= this.rows) {
        this.perms[e] = permutation(this.rngs[e], this.rows);
        this.cursor[e] = 0;
      }
      out[at + i] = first + this.perms[e][this.cursor[e]++];
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
