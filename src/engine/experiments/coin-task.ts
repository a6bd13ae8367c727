/**
 * The coin task shared by chapter 6's figures: a policy network trained by behaviour cloning of
 * the shortest-path expert on levels whose coin sits in the top-right corner except in a fraction
 * `pRand` of them (gridworld.ts), then read out as a table of greedy moves over every state and
 * played on levels with the coin anywhere. Langosco et al. (2022) trained CoinRun agents the same
 * way with reinforcement learning: the agents kept their skill at test and went to the end of the
 * level, where the coin had always been.
 */
import { allStates, expertDataset, type Grid, type Level, makeGrid, outcomeRates, PolicyTable, sampleLevels } from '../gridworld';
import type { FieldTable } from '../fields';
import type { LabRun, RunPlan } from '../lab';
import { makeRng, mixSeed } from '../random';

/** Training levels (the expert's walks through them are the data) and test levels per figure. */
export const TRAIN_LEVELS = 1000;
export const TEST_LEVELS = 300;

export const COIN_FIELDS = {
  size: { kind: 'int', default: 7, min: 5, max: 11, label: 'Grid side (cells)' },
  pRand: { kind: 'float', default: 0, min: 0, max: 1, step: 0.05, label: 'Training levels with the coin placed at random (fraction)' },
  members: { kind: 'int', default: 8, min: 1, max: 32, label: 'Policies (seeds)' },
  steps: { kind: 'int', default: 1500, min: 50, max: 10000, step: 50, label: 'Training steps' },
  width: { kind: 'int', default: 64, min: 8, max: 256, label: 'Hidden units per layer' },
  lr: { kind: 'float', default: 0.003, min: 1e-5, max: 1, label: 'Learning rate (Adam)' },
} satisfies FieldTable;

export interface CoinTaskConfig {
  size: number;
  pRand: number;
  members: number;
  steps: number;
  width: number;
  lr: number;
  seed: number;
}

/** Training levels are drawn from the seed (and pRand); member i trains from seed + i on them. */
export function coinPlan(c: CoinTaskConfig, grid: Grid = makeGrid(c.size)): RunPlan & { levels: Level[] } {
  const rng = makeRng(mixSeed(c.seed, 61));
  const levels = sampleLevels(grid, TRAIN_LEVELS, c.pRand, rng);
  const data = expertDataset(grid, levels, rng);
  return {
    levels,
    spec: {
      model: { kind: 'mlp', widths: [data.inDim, c.width, c.width, 4], activation: 'relu' },
      loss: 'softmax-ce',
      optimizer: { kind: 'adam' },
      lr: c.lr,
      initSeeds: Array.from({ length: c.members }, (_, i) => c.seed + i),
      batch: Math.min(64, data.n),
      fused: 10,
      steps: c.steps,
    },
    data,
  };
}

/** Test levels: the coin at any free cell but the corner; the same for every pRand of a seed. */
export function testLevels(grid: Grid, seed: number): Level[] {
  return sampleLevels(grid, TEST_LEVELS, 1, makeRng(mixSeed(seed, 67)));
}

/** Levels from the training distribution, fresh (not the ones trained on). */
export function trainLikeLevels(grid: Grid, seed: number, pRand: number): Level[] {
  return sampleLevels(grid, TEST_LEVELS, pRand, makeRng(mixSeed(seed, 71)));
}

/**
 * Each member's greedy policy, from one forward pass over every state; members that diverged
 * (their predictions read NaN) are left out.
 */
export async function policyTables(run: LabRun, grid: Grid): Promise<PolicyTable[]> {
  const { X, n } = allStates(grid);
  const logits = await run.predict(X, n);
  const gone = new Set(run.diverged);
  return Array.from({ length: run.members }, (_, e) => e)
    .filter((e) => !gone.has(e))
    .map((e) => new PolicyTable(grid, logits, e * n * 4));
}

export interface MemberRates {
  trainSuccess: number[];
  coin: number[];
  corner: number[];
  fail: number[];
}

/** Per member: success on training-like levels, and the three outcomes on test levels. */
export function memberRates(tables: readonly PolicyTable[], test: readonly Level[], trainLike: readonly Level[]): MemberRates {
  const r: MemberRates = { trainSuccess: [], coin: [], corner: [], fail: [] };
  for (const t of tables) {
    const o = outcomeRates(t, test);
    r.trainSuccess.push(outcomeRates(t, trainLike).coin);
    r.coin.push(o.coin);
    r.corner.push(o.corner);
    r.fail.push(o.fail);
  }
  return r;
}
