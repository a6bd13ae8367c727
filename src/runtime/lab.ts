/**
 * The lab (src/engine/lab.ts) over onnxruntime-web: each run is a Trainer and an Evaluator. Where
 * training waits for the reader (pause, step, speed) and where progress goes is the host's
 * business (host.ts), reached through LabHost.
 */
import { topHessianEigenvalue } from '../engine/analysis/hessian';
import { type Chunk, DivergedError, type EvalResult, type Lab, type LabRun, memberParams, type RunOptions, type RunPlan, type Sharpness } from '../engine/lab';
import type { Model } from '../engine/models';
import { makeRng } from '../engine/random';
import { buildModel, type EvalSet, type RunSpec } from '../engine/spec';
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

class OrtRun implements LabRun {
  readonly members: number;
  private released = false;

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

  async trainTo(step: number, onChunk?: (c: Chunk) => void | Promise<void>): Promise<Chunk | null> {
    const t = this.trainer;
    const K = this.spec.fused;
    const target = Math.min(step, this.spec.steps);
    let last: Chunk | null = null;
    while (t.stepsDone < target) {
      const calls = Math.min(await this.host.gate(), Math.ceil((target - t.stepsDone) / K));
      last = await t.advance(calls);
      if (t.isDiverged) {
        const lr = this.spec.lr;
        throw new DivergedError(
          t.stepsDone,
          t.diverged,
          `${t.diverged.length} of ${t.members} runs diverged by step ${t.stepsDone} (loss became non-finite or above 1e8) at learning rate ${Array.isArray(lr) ? lr.join(', ') : lr}. Lower the learning rate and reset.`,
        );
      }
      const [from, to] = this.share;
      this.host.progressed(from + ((to - from) * t.stepsDone) / this.spec.steps);
      if (last) await onChunk?.(last);
      this.host.chunkEnded();
    }
    return last;
  }

  params(): Promise<Float32Array> {
    return this.trainer.params();
  }

  private set(name: string): EvalSet {
    if (name === 'train') return { name, data: this.plan.data, loss: this.spec.loss };
    const s = this.plan.evals?.find((e) => e.name === name);
    if (!s) throw new RangeError(`no dataset named "${name}" (this run has: train${(this.plan.evals ?? []).map((e) => `, ${e.name}`).join('')})`);
    return s;
  }

  async evaluate(sets?: string[], theta?: Float32Array): Promise<EvalResult[]> {
    const at = theta ?? (await this.params());
    const out: EvalResult[] = [];
    for (const name of sets ?? (this.plan.evals ?? []).map((e) => e.name)) out.push(await this.evaluator.evaluateOn(this.set(name), at));
    return out;
  }

  async predict(X: Float32Array, n: number, theta?: Float32Array): Promise<Float32Array> {
    return this.evaluator.predict(theta ?? (await this.params()), X, n);
  }

  plane(set: string, theta0: Float32Array, d1: Float32Array, d2: Float32Array, coords: Float32Array): Promise<EvalResult> {
    return this.evaluator.plane(this.set(set), theta0, d1, d2, coords);
  }

  gradients(set: string, points: Float32Array[]): Promise<Float32Array[]> {
    return this.evaluator.gradients(this.set(set), points);
  }

  async sharpness(member: number, opts: { iters: number; seed: number; init?: Float32Array; theta?: Float32Array }): Promise<Sharpness> {
    if (!(member >= 0 && member < this.members)) throw new RangeError(`no member ${member} (this run has ${this.members})`);
    const theta = opts.theta ?? memberParams(await this.params(), member, this.model.size);
    const r = await topHessianEigenvalue((pts) => this.gradients('train', pts), theta, makeRng(opts.seed), { iters: opts.iters, init: opts.init });
    return { value: r.value, vector: r.vector };
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.trainer.release();
    await this.evaluator.release();
  }
}

export class OrtLab implements Lab {
  private runs: OrtRun[] = [];

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
    this.host.started(run);
    return run;
  }

  /** Free every run's programs (a lost GPU may refuse; what is left is dropped regardless). */
  async release(): Promise<void> {
    const runs = this.runs;
    this.runs = [];
    for (const r of runs) await r.release().catch(() => undefined);
  }
}
