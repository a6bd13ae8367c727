/**
 * Evaluation programs for a running ensemble: loss/accuracy per member on named datasets, raw
 * predictions at arbitrary inputs, landscape planes and gradients (each compiled once per shape,
 * then cached). On WebGPU they are replayed from recorded command lists (array-program.ts).
 */
import type { Graph } from '../engine/graph';
import type { Model } from '../engine/models';
import { evalGraph, gradientGraph, gridGraph, predictGraph } from '../engine/programs';
import { ArrayProgram } from './array-program';
import type { Backend } from './ort';
import type { EvalResult } from '../engine/lab';
import type { EvalSet } from '../engine/spec';

export interface EvaluatorOptions {
  /** On WebGPU, replay programs from recorded command lists where possible; default true. */
  capture?: boolean;
}

export class Evaluator {
  private evals: { set: EvalSet; program: ArrayProgram }[] = [];
  private programs = new Map<string, ArrayProgram>();

  private constructor(
    private readonly model: Model,
    private readonly members: number,
    private readonly backend: Backend,
    private readonly opts: EvaluatorOptions,
  ) {}

  static async create(model: Model, members: number, sets: EvalSet[], backend: Backend, opts: EvaluatorOptions = {}): Promise<Evaluator> {
    const ev = new Evaluator(model, members, backend, opts);
    for (const set of sets) {
      const program = await ArrayProgram.create(evalGraph({ model, loss: set.loss, members, data: { n: set.data.n } }), backend, opts);
      ev.evals.push({ set, program });
    }
    return ev;
  }

  /** Whether every program compiled so far is replayed (WebGPU, captured). */
  get replayed(): boolean {
    return [...this.evals.map((e) => e.program), ...this.programs.values()].every((p) => p.replayed);
  }

  private async program(key: string, graph: () => Graph): Promise<ArrayProgram> {
    let p = this.programs.get(key);
    if (!p) {
      p = await ArrayProgram.create(graph(), this.backend, this.opts);
      this.programs.set(key, p);
    }
    return p;
  }

  /** Loss and accuracy per member on every set given at creation. */
  async evaluate(theta: Float32Array): Promise<EvalResult[]> {
    const results: EvalResult[] = [];
    for (const { set, program } of this.evals) results.push(await this.run(set, program, theta));
    return results;
  }

  /** Loss and accuracy per member on any set (its program compiled on first use). */
  async evaluateOn(set: EvalSet, theta: Float32Array): Promise<EvalResult> {
    const known = this.evals.find((e) => e.set === set);
    const program =
      known?.program ??
      (await this.program(`eval:${set.name}:${set.data.n}:${set.loss}`, () => evalGraph({ model: this.model, loss: set.loss, members: this.members, data: { n: set.data.n } })));
    return this.run(set, program, theta);
  }

  private async run(set: EvalSet, program: ArrayProgram, theta: Float32Array): Promise<EvalResult> {
    const out = await program.call({ theta, X: set.data.X, Y: set.data.Y });
    return { name: set.name, loss: Float32Array.from(out.loss), acc: out.acc ? Float32Array.from(out.acc) : null };
  }

  /** Model outputs [E, n, out] at n inputs X [n, in]. */
  async predict(theta: Float32Array, X: Float32Array, n: number): Promise<Float32Array> {
    const program = await this.program(`predict:${n}`, () => predictGraph({ model: this.model, members: this.members, n }));
    return Float32Array.from((await program.call({ theta, X })).pred);
  }

  /**
   * Loss (and accuracy) at points θ₀ + a·d₁ + b·d₂ of a plane through one member's parameters,
   * (a, b) the rows of coords [G, 2]: landscape slices, and lines between solutions (d₂ = 0).
   */
  async plane(set: EvalSet, theta0: Float32Array, d1: Float32Array, d2: Float32Array, coords: Float32Array): Promise<EvalResult> {
    const G = coords.length / 2;
    const P = this.model.size;
    const program = await this.program(`plane:${set.name}:${set.data.n}:${G}`, () =>
      gridGraph({ model: this.model, loss: set.loss, points: G, data: { n: set.data.n } }),
    );
    const dirs = new Float32Array(2 * P);
    dirs.set(d1, 0);
    dirs.set(d2, P);
    const out = await program.call({ theta0, dirs, coords, X: set.data.X, Y: set.data.Y });
    return { name: set.name, loss: Float32Array.from(out.loss), acc: out.acc ? Float32Array.from(out.acc) : null };
  }

  /** Full-batch gradients of the loss on a dataset at several parameter points (each of length P). */
  async gradients(set: EvalSet, points: Float32Array[]): Promise<Float32Array[]> {
    const E = points.length;
    const P = this.model.size;
    const n = set.data.n;
    const program = await this.program(`gradient:${set.name}:${n}:${E}`, () =>
      gradientGraph({ model: this.model, loss: set.loss, members: E, batch: n, data: { n } }),
    );
    const theta = new Float32Array(E * P);
    points.forEach((p, e) => theta.set(p, e * P));
    const idx = new Int32Array(E * n);
    for (let e = 0; e < E; e++) for (let i = 0; i < n; i++) idx[e * n + i] = i;
    const g = (await program.call({ theta, X: set.data.X, Y: set.data.Y, idx })).grad;
    return points.map((_, e) => Float32Array.from(g.subarray(e * P, (e + 1) * P)));
  }

  /**
   * Minibatch loss [E] and gradient [E × P] at E parameter points θ [E × P] (any E, not only the
   * run's members), point e on the rows idx[e·B … (e+1)·B) of the set (SGLD's oracle: analysis/sgld.ts).
   */
  async batchGradients(set: EvalSet, theta: Float32Array, idx: Int32Array, batch: number): Promise<{ loss: Float32Array; grad: Float32Array }> {
    const n = set.data.n;
    const E = theta.length / this.model.size;
    const program = await this.program(`batch-gradient:${set.name}:${n}:${batch}:${E}`, () =>
      gradientGraph({ model: this.model, loss: set.loss, members: E, batch, data: { n } }),
    );
    const out = await program.call({ theta, X: set.data.X, Y: set.data.Y, idx });
    return { loss: Float32Array.from(out.loss), grad: Float32Array.from(out.grad) };
  }

  async release(): Promise<void> {
    for (const { program } of this.evals) await program.release();
    for (const p of this.programs.values()) await p.release();
  }
}
