/**
 * "A hundred seeds at once": the reader's own version of McCoy, Min & Linzen (2020). N small MLPs
 * train on the same two-cue data and differ only in initialization and/or batch order. Each is
 * then tested in distribution and on cue-conflict inputs, where x₀ and x₁ point opposite ways;
 * the fraction of conflict inputs on which a model sides with x₀ shows which cue it learned.
 */
import { twoCue } from '../datasets';
import type { Dataset, EvalSet, RunSpec } from '../spec';

export interface HundredSeedsConfig {
  /** Number of models (ensemble members). */
  members: number;
  /** First seed; member i uses seed + i. */
  seed: number;
  /** Vary initialization across members (else all share the first seed's init). */
  varyInit: boolean;
  /** Vary batch order across members (else all share one order). */
  varyOrder: boolean;
  lr: number;
  steps: number;
  hidden: number;
  /** Training examples. */
  n: number;
}

export const HUNDRED_SEEDS_DEFAULTS: HundredSeedsConfig = {
  members: 100,
  seed: 1,
  varyInit: true,
  varyOrder: true,
  lr: 0.1,
  steps: 600,
  hidden: 16,
  n: 256,
};

const NOISE_DIMS = 2;
/** The dataset is fixed (seed 2020) so that only the members' seeds differ between runs. */
const DATA_SEED = 2020;

export function hundredSeedsExperiment(c: HundredSeedsConfig): {
  spec: RunSpec;
  data: Dataset;
  test: Dataset;
  conflict: Dataset;
  /** Both test sets, as the evaluations a run reports: 'test' (in distribution) and 'conflict'. */
  evals: EvalSet[];
} {
  const seeds = Array.from({ length: c.members }, (_, i) => c.seed + i);
  const spec: RunSpec = {
    model: { kind: 'mlp', widths: [2 + NOISE_DIMS, c.hidden, 1], activation: 'relu' },
    loss: 'bce',
    optimizer: { kind: 'sgd' },
    lr: c.lr,
    initSeeds: c.varyInit ? seeds : seeds.map(() => c.seed),
    orderSeeds: c.varyOrder ? seeds : seeds.map(() => c.seed),
    sharedOrder: !c.varyOrder,
    batch: 16,
    fused: 10,
    steps: c.steps,
  };
  const test = twoCue({ n: 512, seed: DATA_SEED + 1, noiseDims: NOISE_DIMS });
  const conflict = twoCue({ n: 512, seed: DATA_SEED + 2, noiseDims: NOISE_DIMS, conflict: true });
  return {
    spec,
    data: twoCue({ n: c.n, seed: DATA_SEED, noiseDims: NOISE_DIMS }),
    test,
    conflict,
    evals: [
      { name: 'test', data: test, loss: 'bce' },
      { name: 'conflict', data: conflict, loss: 'bce' },
    ],
  };
}

/** Headline numbers from per-member accuracies: min/max in distribution and on conflicts. */
export function spreadSummary(testAcc: ArrayLike<number>, followsX0: ArrayLike<number>) {
  const a = Array.from(testAcc);
  const f = Array.from(followsX0);
  return {
    accMin: Math.min(...a),
    accMax: Math.max(...a),
    x0Min: Math.min(...f),
    x0Max: Math.max(...f),
  };
}
