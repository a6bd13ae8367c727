/**
 * Evaluation programs for a running ensemble: loss/accuracy per member on named datasets, and raw
 * predictions at arbitrary inputs (compiled once per input count, then cached).
 */
import type { Model } from '../engine/models';
import { evalGraph, predictGraph } from '../engine/programs';
import { type Backend, floatTensor, Program, readFloats } from './ort';
import type { EvalResult, EvalSet } from './protocol';

export class Evaluator {
  private evals: { set: EvalSet; program: Program }[] = [];
  private predictors = new Map<number, Program>();

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

  async release(): Promise<void> {
    for (const { program } of this.evals) await program.release();
    for (const p of this.predictors.values()) await p.release();
  }
}
