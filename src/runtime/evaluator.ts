/**
 * Evaluation programs for a running ensemble: loss/accuracy per member on named datasets, and raw
 * predictions at arbitrary inputs (compiled once per input count, then cached).
 */
import type { Model } from '../engine/models';
import { evalGraph, gradientGraph, gridGraph, predictGraph } from '../engine/programs';
import { type Backend, floatTensor, intTensor, Program, readFloats } from './ort';
import type { EvalResult, EvalSet } from './protocol';

export class Evaluator {
  private evals: { set: EvalSet; program: Program }[] = [];
  private predictors = new Map<number, Program>();
  private planes = new Map<string, Program>();
  private gradientPrograms = new Map<string, Program>();

  private constructor(
    private readonly model: Model,
    private readonly members: number,
    private readonly backend: Backend,
  ) {}

  static async create(model: Model, members: number, sets: EvalSet[], backend: Backend): Promise<Evaluator> {
    const ev = new Evaluator(model, members, backend);
    for (const set of sets) {
      const program = await Program.create(evalGraph({ model, loss: set.loss, members, data: { n: set.data.n } }), backend);
      ev.evals.push({ set, program });
    }
    return ev;
  }

  async evaluate(theta: Float32Array): Promise<EvalResult[]> {
    const th = floatTensor(theta, [this.members, this.model.size]);
    const results: EvalResult[] = [];
    for (const { set, program } of this.evals) {
      const out = await program.run({
        theta: th,
        X: floatTensor(set.data.X, [set.data.n, set.data.inDim]),
        Y: floatTensor(set.data.Y, [set.data.n, set.data.outDim]),
      });
      results.push({
        name: set.name,
        loss: Float32Array.from(await readFloats(out.loss)),
        acc: out.acc ? Float32Array.from(await readFloats(out.acc)) : null,
      });
    }
    return results;
  }

  /** Model outputs [E, n, out] at n inputs X [n, in]. */
  async predict(theta: Float32Array, X: Float32Array, n: number): Promise<Float32Array> {
    let program = this.predictors.get(n);
    if (!program) {
      program = await Program.create(predictGraph({ model: this.model, members: this.members, n }), this.backend);
      this.predictors.set(n, program);
    }
    const out = await program.run({
      theta: floatTensor(theta, [this.members, this.model.size]),
      X: floatTensor(X, [n, this.model.inDim]),
    });
    return Float32Array.from(await readFloats(out.pred));
  }

  /**
   * Loss (and accuracy) at points θ₀ + a·d₁ + b·d₂ of a plane through one member's parameters,
   * (a, b) the rows of coords [G, 2]: landscape slices, and lines between solutions (d₂ = 0).
   */
  async plane(set: EvalSet, theta0: Float32Array, d1: Float32Array, d2: Float32Array, coords: Float32Array): Promise<EvalResult> {
    const G = coords.length / 2;
    const P = this.model.size;
    const key = `${set.name}:${set.data.n}:${G}`;
    let program = this.planes.get(key);
    if (!program) {
      program = await Program.create(gridGraph({ model: this.model, loss: set.loss, points: G, data: { n: set.data.n } }), this.backend);
      this.planes.set(key, program);
    }
    const dirs = new Float32Array(2 * P);
    dirs.set(d1, 0);
    dirs.set(d2, P);
    const out = await program.run({
      theta0: floatTensor(theta0, [1, P]),
      dirs: floatTensor(dirs, [2, P]),
      coords: floatTensor(coords, [G, 2]),
      X: floatTensor(set.data.X, [set.data.n, set.data.inDim]),
      Y: floatTensor(set.data.Y, [set.data.n, set.data.outDim]),
    });
    return {
      name: set.name,
      loss: Float32Array.from(await readFloats(out.loss)),
      acc: out.acc ? Float32Array.from(await readFloats(out.acc)) : null,
    };
  }

  /** Full-batch gradients of the loss on a dataset at several parameter points (each of length P). */
  async gradients(set: EvalSet, points: Float32Array[]): Promise<Float32Array[]> {
    const E = points.length;
    const P = this.model.size;
    const n = set.data.n;
    const key = `${set.name}:${n}:${E}`;
    let program = this.gradientPrograms.get(key);
    if (!program) {
      program = await Program.create(gradientGraph({ model: this.model, loss: set.loss, members: E, batch: n, data: { n } }), this.backend);
      this.gradientPrograms.set(key, program);
    }
    const theta = new Float32Array(E * P);
    points.forEach((p, e) => theta.set(p, e * P));
    const idx = new Int32Array(E * n);
    for (let e = 0; e < E; e++) for (let i = 0; i < n; i++) idx[e * n + i] = i;
    const out = await program.run({
      theta: floatTensor(theta, [E, P]),
      X: floatTensor(set.data.X, [n, set.data.inDim]),
      Y: floatTensor(set.data.Y, [n, set.data.outDim]),
      idx: intTensor(idx, [E, n]),
    });
    const g = await readFloats(out.grad);
    return points.map((_, e) => Float32Array.from(g.subarray(e * P, (e + 1) * P)));
  }

  async release(): Promise<void> {
    for (const { program } of this.evals) await program.release();
    for (const p of [...this.predictors.values(), ...this.planes.values(), ...this.gradientPrograms.values()]) await p.release();
  }
}
