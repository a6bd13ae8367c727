/**
 * The lab: what an experiment's protocol may ask of the runtime. Pure types — src/runtime/lab.ts
 * implements them over onnxruntime-web, in the page's worker and in Node alike, so a protocol
 * written against this interface gives the same numbers in the book and in its tests.
 */
import type { SgldConfig, SgldRun } from './analysis/sgld';
import type { Model } from './models';
import type { Dataset, EvalSet, RunSpec } from './spec';

export interface RunPlan {
  spec: RunSpec;
  data: Dataset;
  /** Sets every member can be evaluated on by name ('train' is always the training data). */
  evals?: EvalSet[];
  /** Start from these parameters [E × P] instead of the spec's seeded initialization. */
  init?: Float32Array;
}

export interface RunOptions {
  /**
   * The part of the figure's progress bar this run fills, [from, to] in 0–1 (a figure that trains
   * several runs one after another gives each a share). Default: the whole bar.
   */
  share?: [number, number];
}

export interface EvalResult {
  name: string;
  /** Per member. */
  loss: Float32Array;
  /** Per member; null for losses without an accuracy (regression). */
  acc: Float32Array | null;
}

export interface Chunk {
  /** Steps done so far. */
  step: number;
  /**
   * Training loss per member on the chunk's last step's batch, at the parameters *before* that
   * step's update (the loss the step took its gradient of): after `step` steps the parameters have
   * moved on by one update. NaN for diverged members. Measure at the current parameters with `evaluate`.
   */
  loss: Float32Array;
}

export interface Sharpness {
  /** Top eigenvalue of the Hessian of the full-batch training loss. */
  value: number;
  /** Its eigenvector (a warm start for the next measurement). */
  vector: Float32Array;
}

/** SGLD chains on a run (LabRun.sgld): one chain per member. */
export interface SgldRequest extends Omit<SgldConfig, 'chains'> {
  /**
   * Where the chains start and are localized: one w* [P] that every chain starts from, or one per
   * chain [chains × P]. Default: the members' current parameters, one chain per member.
   */
  anchor?: Float32Array;
  /** How many chains (default: one per row of the anchor, or one per member). */
  chains?: number;
  /** Seeds the chains' noise and minibatch orders. */
  seed: number;
  /** The set whose loss is sampled (default 'train'). */
  set?: string;
  /** The part of the progress bar the chains fill (default: the run's share). */
  share?: [number, number];
  /** After each chunk of steps: the steps done and every chain's trace so far (for a live figure). */
  onChunk?: (step: number, traces: Float32Array[]) => void | Promise<void>;
}

/** Steps of SGLD per "call" the host's speed setting counts (LabHost.gate). */
export const SGLD_STEPS_PER_CALL = 50;

export interface LabRun {
  readonly model: Model;
  readonly members: number;
  readonly spec: RunSpec;
  readonly stepsDone: number;
  /**
   * Members that diverged so far (ascending): their loss became non-finite or grew past a million
   * times its starting value. A diverged member is left behind — its losses, parameters,
   * evaluations and predictions read NaN from then on — while the others train on; the shared
   * statistics (stats.ts) skip NaN, so they are over the surviving members.
   */
  readonly diverged: readonly number[];
  /**
   * Train until `step` steps are done (at most the spec's total). The host picks how many calls go
   * between two `onChunk`s (the reader's speed setting, or one call when stepping), waits there
   * while the reader has paused, and never trains past `step`: measurements at named steps land
   * at exactly those steps. Throws DivergedError once every member has diverged.
   */
  trainTo(step: number, onChunk?: (c: Chunk) => void | Promise<void>): Promise<Chunk | null>;
  /** All members' parameters [E × P] (a diverged member's row NaN). */
  params(): Promise<Float32Array>;
  /**
   * Train on new data of the plan's shape from the next step on (fresh rollouts for a policy
   * gradient; with spec.memberRows each member's own block); the 'train' set follows.
   */
  setData(data: Dataset): void;
  /** Loss and accuracy per member on the named sets (all of the plan's eval sets by default); NaN for diverged members. */
  evaluate(sets?: string[], theta?: Float32Array): Promise<EvalResult[]>;
  /** Outputs [E, n, out] of every member at n inputs X [n, in] (a diverged member's NaN). */
  predict(X: Float32Array, n: number, theta?: Float32Array): Promise<Float32Array>;
  /** Loss (and accuracy) on a named set at θ₀ + a·d₁ + b·d₂ for the (a, b) rows of coords [G, 2]. */
  plane(set: string, theta0: Float32Array, d1: Float32Array, d2: Float32Array, coords: Float32Array): Promise<EvalResult>;
  /** Full-batch gradients of a named set's loss at parameter points (each of length P). */
  gradients(set: string, points: Float32Array[]): Promise<Float32Array[]>;
  /** Top Hessian eigenvalue of one member's training loss (power iteration; at `theta` if given; NaN for a diverged member). */
  sharpness(member: number, opts: { iters: number; seed: number; init?: Float32Array; theta?: Float32Array }): Promise<Sharpness>;
  /**
   * Run SGLD chains from the anchor for burnin + draws steps, all chains in one program call per
   * step (analysis/sgld.ts:
   * the update, the noise from the seed, minibatches from the set). Returns each chain's minibatch
   * loss at every step, for the LLC estimator (analysis/llc.ts). Pauses and reports progress like
   * training; a member's parameters are not changed.
   */
  sgld(req: SgldRequest): Promise<SgldRun>;
  /** Free this run's programs (the host frees whatever is left when the experiment ends). */
  release(): Promise<void>;
}

export interface Lab {
  /** Build a run (compiles its programs; trains nothing yet). Throws RangeError for a plan that cannot run. */
  start(plan: RunPlan, opts?: RunOptions): Promise<LabRun>;
}

/**
 * Every member of a run diverged (LabRun.diverged): nothing is left to measure, and the figure ends
 * in its `diverged` state with this message. Some members diverging is not an error.
 */
export class DivergedError extends Error {
  constructor(
    readonly step: number,
    readonly members: number[],
    message: string,
  ) {
    super(message);
    this.name = 'DivergedError';
  }
}

/** The reader stopped (or reset) the run; protocols let it propagate. */
export class StoppedError extends Error {
  constructor() {
    super('the run was stopped');
    this.name = 'StoppedError';
  }
}

/** One member's slice of parameters laid out [E × P]. */
export function memberParams(theta: Float32Array, e: number, P: number): Float32Array {
  return theta.slice(e * P, (e + 1) * P);
}
