/**
 * Linear mode connectivity (Frankle et al. 2020): evaluate the loss along the straight line
 * θ(α) = (1 − α)·θ_A + α·θ_B. The barrier is the largest rise above the straight interpolation of
 * the end-point losses:  B = max_α [ L(θ(α)) − ((1 − α)·L(θ_A) + α·L(θ_B)) ].
 * The figure joins the two seeds of the two-cue ensemble that disagree most on cue conflicts, and
 * one seed's checkpoint at a quarter of training to its final weights. It joins the two seeds twice:
 * as trained, and after seed B's hidden units are permuted to match seed A's (activation matching,
 * Ainsworth et al. 2023), which leaves B's function unchanged. Much of a barrier between seeds can be
 * an artefact of how the units happen to be listed (Entezari et al. 2022): after alignment, networks
 * that compute different functions can still be joined by a straight low-loss line.
 */
import { alignHiddenUnits } from '../analysis/permutation';
import { claim, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import { type Chunk, memberParams } from '../lab';
import { argBest, mean } from '../stats';
import { twoCuePlan, twoCueTrainingData } from './hundred-seeds';

/** α = (i − margin)/perUnit: exact 0 and 1, and `margin` points beyond each end. */
export function lineAlphas(perUnit = 32, margin = 8): number[] {
  return Array.from({ length: perUnit + 2 * margin + 1 }, (_, i) => (i - margin) / perUnit);
}

/** Barrier height from losses at alphas (which must include 0 and 1). */
export function barrierHeight(alphas: readonly number[], losses: ArrayLike<number>): number {
  const at = (a: number) => {
    const i = alphas.findIndex((x) => Math.abs(x - a) < 1e-9);
    if (i < 0) throw new Error(`alphas must include ${a}`);
    return losses[i];
  };
  const [l0, l1] = [at(0), at(1)];
  let b = 0;
  alphas.forEach((a, i) => {
    if (a < 0 || a > 1) return;
    b = Math.max(b, losses[i] - ((1 - a) * l0 + a * l1));
  });
  return b;
}

/** Plane coordinates for a line: (α, 0) rows, to evaluate with the grid program. */
export function lineCoords(alphas: readonly number[]): Float32Array {
  const c = new Float32Array(alphas.length * 2);
  alphas.forEach((a, i) => (c[2 * i] = a));
  return c;
}

const fields = {
  members: { kind: 'int', default: 12, min: 2, max: 100, label: 'Models' },
  lr: { kind: 'float', default: 0.1, min: 1e-4, max: 1e4, label: 'Learning rate' },
  steps: { kind: 'int', default: 600, min: 40, max: 5000, step: 10, label: 'Steps' },
} satisfies FieldTable;

export interface TwoSolutionsFigure {
  alphas: number[];
  followsX0: Float32Array;
  /** The pair joined by the lines. */
  pair: { a: number; b: number };
  /** Training loss along seed a → seed b (final weights), at `alphas`. */
  seedsLine: Float32Array;
  /**
   * Training loss along seed a → seed b with b's hidden units permuted to match a's (the same
   * function as b), at `alphas`.
   */
  alignedLine: Float32Array;
  /** Training loss along seed a's checkpoint → its final weights. */
  checkpointLine: Float32Array;
  checkpointStep: number;
}

export const twoSolutions = defineExperiment<TwoSolutionsFigure>()({
  id: 'two-solutions',
  title: 'Between two solutions',
  fields,
  metrics: {
    step: 'training steps done',
    loss: 'mean across seeds of the training loss on the latest step’s batch, at the weights before that step’s update',
    barrierSeeds: 'loss barrier on the straight line between the two seeds (final weights, as trained)',
    barrierAligned: 'loss barrier on the straight line from seed A to seed B after B’s hidden units are permuted to match A’s (B’s function unchanged)',
    barrierCheckpoints: 'loss barrier between seed A at a quarter of training and its final weights',
    seedA: 'the first seed of the pair (the one siding most with x₀ unless chosen)',
    seedB: 'the second seed of the pair (the one siding least with x₀ unless chosen)',
  },
  small: { members: 2, steps: 40 },
  trainingData: () => twoCueTrainingData(),
  claims: (m) => [
    ...claim(m.barrierSeeds > 0.005, `two seeds that disagree should be separated by a barrier (${m.barrierSeeds})`),
    ...claim(m.barrierSeeds > 3 * m.barrierCheckpoints, `checkpoints of one seed should be far better connected (${m.barrierCheckpoints} vs ${m.barrierSeeds})`),
    ...claim(m.barrierAligned < m.barrierSeeds / 10, `after aligning hidden units the barrier should mostly vanish (${m.barrierAligned} vs ${m.barrierSeeds})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const alphas = lineAlphas();
    const plan = twoCuePlan({ ...c, varyInit: true, varyOrder: true });
    const run = await ctx.lab.start(plan);
    const shape = plan.spec.model;
    if (shape.kind !== 'mlp') throw new Error('two-solutions aligns the hidden units of an MLP');
    const P = run.model.size;
    const along = async (A: Float32Array, B: Float32Array) =>
      (await run.plane('train', A, B.map((v, i) => v - A[i]), new Float32Array(P), lineCoords(alphas))).loss;
    const conflictAcc = async () => (await run.evaluate(['conflict']))[0].acc!;
    const onChunk = async (chunk: Chunk) => ctx.report({ metrics: { step: chunk.step, loss: mean(chunk.loss) }, figure: { followsX0: await conflictAcc() } });

    // a checkpoint at a named step: a quarter of training, whatever the reader's speed
    const quarter = Math.ceil(c.steps / 4 / run.spec.fused) * run.spec.fused;
    await run.trainTo(quarter, onChunk);
    const early = await run.params();
    const checkpointStep = run.stepsDone;
    await run.trainTo(c.steps, onChunk);
    const final = await run.params();
    const f = await conflictAcc();

    const measure = async (a: number, b: number) => {
      const [A, B] = [memberParams(final, a, P), memberParams(final, b, P)];
      const seedsLine = await along(A, B);
      // B's hidden units matched to A's on the training inputs (inner products of activations, as Ainsworth et al.)
      const aligned = alignHiddenUnits(shape, A, B, plan.data.X, plan.data.n).theta;
      const alignedLine = await along(A, aligned);
      const checkpointLine = await along(memberParams(early, a, P), memberParams(final, a, P));
      ctx.report({
        metrics: {
          barrierSeeds: barrierHeight(alphas, seedsLine),
          barrierAligned: barrierHeight(alphas, alignedLine),
          barrierCheckpoints: barrierHeight(alphas, checkpointLine),
          seedA: a,
          seedB: b,
        },
        figure: { alphas, pair: { a, b }, seedsLine, alignedLine, checkpointLine, checkpointStep },
      });
    };
    ctx.action<{ a: number; b: number }>('choose', async ({ a, b }) => {
      for (const s of [a, b]) if (!(Number.isInteger(s) && s >= 0 && s < run.members)) throw new RangeError(`there is no seed #${s}; pick 0–${run.members - 1}`);
      for (const s of [a, b]) if (run.diverged.includes(s)) throw new RangeError(`seed #${s} diverged; pick another`);
      await measure(a, b);
    });
    // argBest skips diverged seeds (their x₀-following is NaN)
    await measure(argBest(f), argBest(f, -1));
  },
});
