/**
 * The coin task shared by chapter 6's figures: a policy network trained by behaviour cloning of
 * the shortest-path expert on levels whose coin sits in the top-right corner except in a fraction
 * `pRand` of them (gridworld.ts), then read out as a table of greedy moves over every state and
 * played on levels with the coin anywhere. Langosco et al. (2022) trained CoinRun agents the same
 * way with reinforcement learning: the agents kept their skill at test and went to the end of the
 * level, where the coin had always been.
 */
import { allStates, expertDataset, type Grid, horizon, type Level, makeGrid, obsDim, outcomeRates, PolicyTable, sampleLevels, step, writeObs } from '../gridworld';
import type { FieldTable } from '../fields';
import type { LabRun, RunPlan } from '../lab';
import { makeRng, mixSeed, type Rng } from '../random';
import type { Dataset } from '../spec';

/** Training levels (the expert's walks through them are the data) and test levels per figure. */
export const TRAIN_LEVELS = 1000;
export const TEST_LEVELS = 300;

export const COIN_FIELDS = {
  size: { kind: 'int', default: 7, min: 5, max: 11, label: 'Grid side (cells)' },
  pRand: { kind: 'float', default: 0, min: 0, max: 1, step: 0.05, label: 'Training levels with the coin placed at random (fraction)' },
  members: { kind: 'int', default: 8, min: 1, max: 32, label: 'Policies (seeds)' },
  steps: { kind: 'int', default: 400, min: 50, max: 5000, step: 50, label: 'Training steps (updates)' },
  width: { kind: 'int', default: 64, min: 8, max: 256, label: 'Hidden units per layer' },
  lr: { kind: 'float', default: 0.01, min: 1e-5, max: 1, label: 'Learning rate (Adam)' },
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

/**
 * Policies that cannot do the training task have no goal to misgeneralize: below this success on
 * training-like levels a figure ends "Did not converge" instead of reading coin and corner rates.
 */
export const MIN_TRAIN_SUCCESS = 0.5;

export function trainingFailed(trainSuccess: number, what: string): string | null {
  if (trainSuccess >= MIN_TRAIN_SUCCESS) return null;
  return `${what} reached the coin on only ${Math.round(trainSuccess * 100)}% of training-like levels, so training failed and the test rates say nothing about which goal was learned. Lower the learning rate or train longer.`;
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

/**
 * Policy gradient (REINFORCE, Williams 1992) as the second way to train: each update, every policy
 * plays PG_LEVELS fresh training levels, sampling its moves from its softmax; a walk that reaches
 * the coin after T moves earns PG_DISCOUNT^T, shared back to each of its moves as the return still
 * to come; the returns of a policy's moves, centred and scaled over the update, weight the
 * log-probabilities of the moves taken ('policy-gradient' loss). One Adam step per update; each
 * policy trains on its own rows (RunSpec.memberRows). Langosco et al. trained CoinRun's agents
 * with reinforcement learning (PPO); this is the plainest member of that family.
 */
export const PG_LEVELS = 16;
export const PG_DISCOUNT = 0.95;

export function pgPlan(c: CoinTaskConfig, grid: Grid = makeGrid(c.size)): RunPlan {
  const rows = PG_LEVELS * horizon(grid);
  const D = obsDim(grid);
  const n = rows * c.members;
  return {
    spec: {
      model: { kind: 'mlp', widths: [D, c.width, c.width, 4], activation: 'relu' },
      loss: 'policy-gradient',
      optimizer: { kind: 'adam' },
      lr: c.lr,
      initSeeds: Array.from({ length: c.members }, (_, i) => c.seed + i),
      memberRows: true,
      surrogate: true,
      batch: rows,
      fused: 1,
      steps: c.steps,
    },
    data: { X: new Float32Array(n * D), Y: new Float32Array(n * 4), n, inDim: D, outDim: 4 },
  };
}

/** One update's rollouts, written as each member's rows of a policy-gradient dataset. */
export function pgBatch(grid: Grid, logits: Float32Array, members: number, pRand: number, rng: Rng): { data: Dataset; success: number } {
  const F = grid.free.length;
  const index = grid.freeIndex;
  const rows = PG_LEVELS * horizon(grid);
  const D = obsDim(grid);
  const X = new Float32Array(members * rows * D);
  const Y = new Float32Array(members * rows * 4);
  let wins = 0;
  for (let e = 0; e < members; e++) {
    const moves: { agent: number; coin: number; move: number; ret: number }[] = [];
    for (const level of sampleLevels(grid, PG_LEVELS, pRand, rng)) {
      const walk: { agent: number; move: number }[] = [];
      let cell = level.start;
      let won = false;
      for (let t = 0; t < horizon(grid) && !won; t++) {
        const at = (e * F * F + index[cell] * F + index[level.coin]) * 4;
        const move = sampleSoftmax(logits, at, rng);
        walk.push({ agent: cell, move });
        cell = step(grid, cell, move);
        won = cell === level.coin;
      }
      if (won) wins++;
      walk.forEach((w, t) => moves.push({ agent: w.agent, coin: level.coin, move: w.move, ret: won ? PG_DISCOUNT ** (walk.length - 1 - t) : 0 }));
    }
    let mean = 0;
    for (const m of moves) mean += m.ret / moves.length;
    let sd = 0;
    for (const m of moves) sd += (m.ret - mean) ** 2 / moves.length;
    sd = Math.sqrt(sd);
    if (sd < 1e-6) continue; // no walk differed from another: nothing to learn from this update
    moves.forEach((m, i) => {
      const row = e * rows + i;
      writeObs(grid, m.agent, m.coin, X, row * D);
      Y[row * 4 + m.move] = (m.ret - mean) / sd;
    });
  }
  return { data: { X, Y, n: members * rows, inDim: D, outDim: 4 }, success: wins / (members * PG_LEVELS) };
}

function sampleSoftmax(logits: Float32Array, at: number, rng: Rng): number {
  let max = -Infinity;
  for (let m = 0; m < 4; m++) max = Math.max(max, logits[at + m]);
  const p = [0, 1, 2, 3].map((m) => Math.exp(logits[at + m] - max));
  let u = rng.uniform() * (p[0] + p[1] + p[2] + p[3]);
  for (let m = 0; m < 3; m++) if ((u -= p[m]) < 0) return m;
  return 3;
}

/**
 * Train by policy gradient to `c.steps` updates; `onUpdate` runs after each (with the fraction of
 * this update's walks that reached the coin) and may measure.
 */
export async function trainPolicyGradient(run: LabRun, grid: Grid, c: CoinTaskConfig, onUpdate: (step: number, success: number) => Promise<void>): Promise<void> {
  const { X, n } = allStates(grid);
  const rng = makeRng(mixSeed(c.seed, 73));
  while (run.stepsDone < c.steps) {
    const logits = await run.predict(X, n);
    const batch = pgBatch(grid, logits, run.members, c.pRand, rng);
    run.setData(batch.data);
    await run.trainTo(run.stepsDone + 1);
    await onUpdate(run.stepsDone, batch.success);
  }
}
