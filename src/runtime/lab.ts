/**
 * The lab (src/engine/lab.ts) over onnxruntime-web: each run is a Trainer and an Evaluator. Where
 * training waits for the reader (pause, step, speed) and where progress goes is the host's
 * business (host.ts), reached through LabHost.
 */
import { topHessianEigenvalue } from '../engine/analysis/hessian';
import { sampleSgld, type SgldRun } from '../engine/analysis/sgld';
import {
  type Chunk,
  DivergedError,
  type EvalResult,
  type Lab,
  type LabRun,
  memberParams,
  type RunOptions,
  type RunPlan,
  SGLD_STEPS_PER_CALL,
  type Sharpness,
  type SgldRequest,
} from '../engine/lab';
import type { Model } from '../engine/models';
import { makeRng } from '../engine/random';
import { median } from '../engine/stats';
import { buildModel, type Dataset, type EvalSet, type RunSpec } from '../engine/spec';
import { Evaluator } from './evaluator';
import type { Backend } from './ort';
import { Trainer } from './trainer';

export interface LabHost {
  /** Waits while the reader has paused; returns how many calls to run before the next chunk ends. */
  gate(): Promise<number>;
  /** A run was built (the first one tells the page its backend and size). */
  started(run: LabRun): void;
  /** Fraction of the whole figure done (before the chunk's own measurements). */
  progressed(fraction: number): void;
  /** The chunk and its measurements are done. */
  chunkEnded(): void;
}

/**
 * "Did not converge": a surviving member whose full-batch training loss ended above
 * CONVERGENCE_FACTOR × its loss at the start ended worse than its random initialization — what a
 * step size too large for the landscape does without blowing up (the two-cue seeds at learning
 * rate 500 that do not diverge end near 62 from 0.72; the gap fan at 10 leaves seeds well above
 * their start). Training that works, even slowly or noisily, ends below where it started, and a
 * 50% rise is far outside minibatch noise. Precisely: the loss rose by more than
 * (FACTOR − 1)·|L₀| + CONVERGENCE_MARGIN — the margin so that members starting at almost zero loss
 * are not judged on noise, |L₀| so that a landscape whose loss dips below zero reads the right way
 * round. A run did not converge when any surviving member did not: the figure's statistics are
 * over every survivor, so one member left at a failed run's loss makes them a failed run's numbers.
 */
export const CONVERGENCE_FACTOR = 1.5;
export const CONVERGENCE_MARGIN = 1e-3;

/** How a run that trained to its last step ended. */
export interface RunVerdict {
  members: number;
  diverged: number;
  /** Surviving members that ended far above their starting loss (see CONVERGENCE_FACTOR). */
  unconverged: number;
  /** Median over the members that did not converge of their full-batch training loss at the start and at the end. */
  startLoss: number;
  finalLoss: number;
  converged: boolean;
  /** The learning rate(s), as the reader set them. */
  lr: string;
}

class OrtRun implements LabRun {
  readonly members: number;
  private released = false;
  /** Full-batch training loss per member at the start (measured before the first step). */
  private startLoss: Float32Array | null = null;
  /** Set once the run has trained to its last step. */
  verdict: RunVerdict | null = null;

  constructor(
    readonly model: Model,
    private readonly plan: RunPlan,
    private readonly trainer: Trainer,
    private readonly evaluator: Evaluator,
    private readonly host: LabHost,
    private readonly share: [number, number],
  ) {
    this.members = trainer.members;
  }

  get spec(): RunSpec {
    return this.plan.spec;
  }

  get stepsDone(): number {
    return this.trainer.stepsDone;
  }

  get diverged(): readonly number[] {
    return this.trainer.diverged;
  }

  private get lrText(): string {
    const lr = this.spec.lr;
    return Array.isArray(lr) ? [...new Set(lr)].join(', ') : String(lr);
  }

  private checkAlive() {
    const t = this.trainer;
    if (!t.isDiverged) return;
    const who = t.members === 1 ? 'The run' : `All ${t.members} runs`;
    throw new DivergedError(
      t.stepsDone,
      t.diverged,
      `${who} diverged by step ${t.stepsDone} (loss became non-finite or grew past a million times its starting value) at learning rate ${this.lrText}. Lower the learning rate and reset.`,
    );
  }

  /** Full-batch training loss per member at the current parameters (unmasked). */
  private async trainLoss(): Promise<Float32Array> {
    return (await this.evaluator.evaluateOn(this.set('train'), await this.trainer.params())).loss;
  }

  async trainTo(step: number, onChunk?: (c: Chunk) => void | Promise<void>): Promise<Chunk | null> {
    const t = this.trainer;
    const K = this.spec.fused;
    const target = Math.min(step, this.spec.steps);
    if (!this.spec.surrogate && !this.startLoss && t.stepsDone === 0 && target > 0) {
      // the reference for divergence (a multiple of it) and for the convergence verdict
      this.startLoss = await this.trainLoss();
      t.setStartingLoss(this.startLoss);
      this.checkAlive();
    }
    let last: Chunk | null = null;
    while (t.stepsDone < target) {
      const calls = Math.min(await this.host.gate(), Math.ceil((target - t.stepsDone) / K));
      last = await t.advance(calls);
      this.checkAlive();
      if (t.done && !this.verdict) await this.judge();
      const [from, to] = this.share;
      this.host.progressed(from + ((to - from) * t.stepsDone) / this.spec.steps);
      if (last) await onChunk?.(last);
      this.host.chunkEnded();
    }
    return last;
  }

  /** At the last step: how many surviving members ended far above their starting loss. */
  private async judge() {
    const start = this.startLoss;
    if (!start) return;
    const end = await this.trainLoss();
    const gone = new Set(this.diverged);
    const s: number[] = [];
    const f: number[] = [];
    let unconverged = 0;
    for (let e = 0; e < this.members; e++) {
      if (gone.has(e) || !Number.isFinite(end[e])) continue;
      // a rise of more than half of |L₀| (some landscapes, like overlapping wells, go below zero)
      if (end[e] - start[e] <= (CONVERGENCE_FACTOR - 1) * Math.abs(start[e]) + CONVERGENCE_MARGIN) continue;
      s.push(start[e]);
      f.push(end[e]);
      unconverged++;
    }
    this.verdict = {
      members: this.members,
      diverged: gone.size,
      unconverged,
      startLoss: median(s),
      finalLoss: median(f),
      converged: unconverged === 0,
      lr: this.lrText,
    };
  }

  /** NaN in the rows (of `width` numbers per member) of diverged members. */
  private masked<T extends Float32Array | null>(values: T, width: number): T {
    if (values) for (const e of this.diverged) values.fill(NaN, e * width, (e + 1) * width);
    return values;
  }

  async params(): Promise<Float32Array> {
    return this.masked(await this.trainer.params(), this.model.size);
  }

  /** Data given by setData, which training reads instead of the plan's. */
  private replaced: Dataset | null = null;

  private get data(): Dataset {
    return this.replaced ?? this.plan.data;
  }

  setData(data: Dataset): void {
    this.trainer.setData(data);
    this.replaced = data;
  }

  private set(name: string): EvalSet {
    if (name === 'train') return { name, data: this.data, loss: this.spec.loss };
    const s = this.plan.evals?.find((e) => e.name === name);
    if (!s) throw new RangeError(`no dataset named "${name}" (this run has: train${(this.plan.evals ?? []).map((e) => `, ${e.name}`).join('')})`);
    return s;
  }

  async evaluate(sets?: string[], theta?: Float32Array): Promise<EvalResult[]> {
    const at = theta ?? (await this.params());
    const out: EvalResult[] = [];
    for (const name of sets ?? (this.plan.evals ?? []).map((e) => e.name)) {
      const r = await this.evaluator.evaluateOn(this.set(name), at);
      out.push({ ...r, loss: this.masked(r.loss, 1), acc: this.masked(r.acc, 1) });
    }
    return out;
  }

  async predict(X: Float32Array, n: number, theta?: Float32Array): Promise<Float32Array> {
    const pred = await this.evaluator.predict(theta ?? (await this.params()), X, n);
    return this.masked(pred, pred.length / this.members);
  }

  plane(set: string, theta0: Float32Array, d1: Float32Array, d2: Float32Array, coords: Float32Array): Promise<EvalResult> {
    return this.evaluator.plane(this.set(set), theta0, d1, d2, coords);
  }

  gradients(set: string, points: Float32Array[]): Promise<Float32Array[]> {
    return this.evaluator.gradients(this.set(set), points);
  }

  async sharpness(member: number, opts: { iters: number; seed: number; init?: Float32Array; theta?: Float32Array }): Promise<Sharpness> {
    if (!(member >= 0 && member < this.members)) throw new RangeError(`no member ${member} (this run has ${this.members})`);
    if (!opts.theta && this.diverged.includes(member)) return { value: NaN, vector: new Float32Array(this.model.size).fill(NaN) };
    const theta = opts.theta ?? memberParams(await this.params(), member, this.model.size);
    const r = await topHessianEigenvalue((pts) => this.gradients('train', pts), theta, makeRng(opts.seed), { iters: opts.iters, init: opts.init });
    return { value: r.value, vector: r.vector };
  }

  async sgld(req: SgldRequest): Promise<SgldRun> {
    const set = this.set(req.set ?? 'train');
    const P = this.model.size;
    const given = req.anchor ?? (await this.params());
    const E = req.chains ?? given.length / P;
    if (!(Number.isInteger(E) && E >= 1)) throw new RangeError(`SGLD needs a whole number of chains (got ${E})`);
    let anchor = given;
    if (given.length === P && E > 1) {
      anchor = new Float32Array(E * P);
      for (let e = 0; e < E; e++) anchor.set(given, e * P);
    }
    if (anchor.length !== E * P) throw new RangeError(`the SGLD anchor holds ${given.length} numbers: give ${P} (one w*) or ${E} chains × ${P}`);
    if (!(req.batch >= 1 && req.batch <= set.data.n)) throw new RangeError(`SGLD batch size must be between 1 and ${set.data.n}`);
    const steps = req.burnin + req.draws;
    const [from, to] = req.share ?? this.share;
    let left = (await this.host.gate()) * SGLD_STEPS_PER_CALL;
    return sampleSgld(
      (theta, idx) => this.evaluator.batchGradients(set, theta, idx, req.batch),
      anchor,
      { ...req, chains: E },
      {
        seed: req.seed,
        n: set.data.n,
        onStep: async (step, traces) => {
          if (--left > 0 && step < steps) return;
          this.host.progressed(from + ((to - from) * step) / steps);
          await req.onChunk?.(step, traces.map((t) => t.slice(0, step)));
          this.host.chunkEnded();
          if (step < steps) left = (await this.host.gate()) * SGLD_STEPS_PER_CALL;
        },
      },
    );
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.trainer.release();
    await this.evaluator.release();
  }
}

/** What every run of a figure came to so far: the frame's diverged-member line and its verdict. */
export interface LabSummary {
  /** Members of every run started (a figure of several runs adds them up). */
  members: number;
  diverged: number;
  /** Runs that trained to their last step and did not converge. */
  unconverged: RunVerdict[];
}

export class OrtLab implements Lab {
  private runs: OrtRun[] = [];
  /** Every run started, released or not. */
  private started: OrtRun[] = [];

  constructor(
    readonly backend: Backend,
    private readonly host: LabHost,
  ) {}

  async start(plan: RunPlan, opts: RunOptions = {}): Promise<LabRun> {
    const trainer = await Trainer.create(plan.spec, plan.data, { backend: this.backend, init: plan.init });
    const model = buildModel(plan.spec.model);
    let evaluator: Evaluator;
    try {
      evaluator = await Evaluator.create(model, trainer.members, plan.evals ?? [], this.backend);
    } catch (e) {
      await trainer.release();
      throw e;
    }
    const run = new OrtRun(model, plan, trainer, evaluator, this.host, opts.share ?? [0, 1]);
    this.runs.push(run);
    this.started.push(run);
    this.host.started(run);
    return run;
  }

  summary(): LabSummary {
    let members = 0;
    let diverged = 0;
    for (const r of this.started) {
      members += r.members;
      diverged += r.diverged.length;
    }
    return { members, diverged, unconverged: this.started.flatMap((r) => (r.verdict && !r.verdict.converged ? [r.verdict] : [])) };
  }

  /** Free every run's programs (a lost GPU may refuse; what is left is dropped regardless). */
  async release(): Promise<void> {
    const runs = this.runs;
    this.runs = [];
    for (const r of runs) await r.release().catch(() => undefined);
  }
}
