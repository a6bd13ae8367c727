/**
 * The coin gridworld of chapter 6, a browser-sized stand-in for CoinRun (Langosco et al. 2022,
 * "Goal Misgeneralization in Deep Reinforcement Learning"): a square grid with a few fixed walls,
 * an agent, and a coin. During training the coin sits in the top-right corner except in a
 * fraction of levels; at test it can be anywhere. The agent sees only where it is and where the
 * coin is (one-hot each), so with the coin always in the corner nothing in training separates
 * "go to the coin" from "go to the corner".
 *
 * Cells are numbered row-major from the top-left (cell = row · size + col); the old corner is the
 * top-right cell. Pure TypeScript: levels, the shortest-path expert, observations and rollouts of
 * a policy given as a table of moves.
 */
import type { Dataset } from './spec';
import type { Rng } from './random';

/** up, right, down, left: a move into a wall or off the grid leaves the agent where it is. */
export const MOVES = [
  [-1, 0],
  [0, 1],
  [1, 0],
  [0, -1],
] as const;
export const MOVE_NAMES = ['up', 'right', 'down', 'left'] as const;

export interface Grid {
  size: number;
  /** 1 where a wall is, per cell. */
  walls: Uint8Array;
  /** Cells without a wall, ascending. */
  free: number[];
  /** Each cell's position in `free` (-1 at a wall): the row order of policy tables and observations. */
  freeIndex: Int32Array;
  /** The top-right cell: the coin's place in (most) training levels. */
  corner: number;
}

export interface Level {
  start: number;
  coin: number;
}

export type Outcome = 'coin' | 'corner' | 'fail';

/**
 * The fixed wall layout for a grid side (5–15): a vertical wall down the middle with gaps at the
 * top and bottom, a short wall under the corner so that it is reached by a detour, and a stub at
 * the bottom left. Every free cell is reachable (tested).
 */
export function makeGrid(size: number): Grid {
  if (!(Number.isInteger(size) && size >= 5 && size <= 15)) throw new RangeError(`grid side ${size} must be a whole number from 5 to 15`);
  const walls = new Uint8Array(size * size);
  const m = Math.floor(size / 2);
  for (let r = 1; r <= size - 3; r++) walls[r * size + m] = 1;
  for (let c = m + 2; c < size; c++) walls[2 * size + c] = 1;
  for (let c = 1; c <= m - 2; c++) walls[(size - 2) * size + c] = 1;
  const free: number[] = [];
  for (let i = 0; i < size * size; i++) if (!walls[i]) free.push(i);
  const freeIndex = new Int32Array(size * size).fill(-1);
  free.forEach((cell, i) => (freeIndex[cell] = i));
  return { size, walls, free, freeIndex, corner: size - 1 };
}

/** Where a move from a cell leads. */
export function step(g: Grid, cell: number, move: number): number {
  const r = Math.floor(cell / g.size) + MOVES[move][0];
  const c = (cell % g.size) + MOVES[move][1];
  if (r < 0 || c < 0 || r >= g.size || c >= g.size) return cell;
  const next = r * g.size + c;
  return g.walls[next] ? cell : next;
}

/** Shortest-path distance from every cell to a target (Infinity for walls). */
export function distancesTo(g: Grid, target: number): Float64Array {
  const d = new Float64Array(g.size * g.size).fill(Infinity);
  d[target] = 0;
  const queue = [target];
  for (let q = 0; q < queue.length; q++) {
    const cell = queue[q];
    for (let m = 0; m < 4; m++) {
      const next = step(g, cell, m);
      if (next !== cell && d[next] === Infinity) {
        d[next] = d[cell] + 1;
        queue.push(next);
      }
    }
  }
  return d;
}

/** The expert's policy at a cell for a target: every move that shortens the way, equally weighted. */
export function expertMoves(g: Grid, dist: Float64Array, cell: number): number[] {
  const out: number[] = [];
  for (let m = 0; m < 4; m++) if (dist[step(g, cell, m)] < dist[cell]) out.push(m);
  return out;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];

/**
 * Levels: the coin in the corner, except with probability `pRand` at a free cell drawn uniformly
 * from the others (`pRand = 1`: the test distribution); the agent starts on a free cell that is
 * neither the coin's nor the corner.
 */
export function sampleLevels(g: Grid, count: number, pRand: number, rng: Rng): Level[] {
  const others = g.free.filter((c) => c !== g.corner);
  const levels: Level[] = [];
  for (let i = 0; i < count; i++) {
    const coin = rng.uniform() < pRand ? pick(rng, others) : g.corner;
    const starts = others.filter((c) => c !== coin);
    levels.push({ start: pick(rng, starts), coin });
  }
  return levels;
}

/** Observation width: one-hot agent cell, then one-hot coin cell. */
export const obsDim = (g: Grid) => 2 * g.size * g.size;

export function writeObs(g: Grid, agent: number, coin: number, out: Float32Array, at: number): void {
  const n = g.size * g.size;
  out.fill(0, at, at + 2 * n);
  out[at + agent] = 1;
  out[at + n + coin] = 1;
}

/**
 * Behaviour cloning data: every state the expert visits walking each level from its start to its
 * coin (one random shortest path), labelled with the expert's moves there as soft targets.
 */
export function expertDataset(g: Grid, levels: readonly Level[], rng: Rng): Dataset {
  const rows: { agent: number; coin: number; moves: number[] }[] = [];
  const dists = new Map<number, Float64Array>();
  for (const { start, coin } of levels) {
    let dist = dists.get(coin);
    if (!dist) dists.set(coin, (dist = distancesTo(g, coin)));
    for (let cell = start; cell !== coin; ) {
      const moves = expertMoves(g, dist, cell);
      rows.push({ agent: cell, coin, moves });
      cell = step(g, cell, pick(rng, moves));
    }
  }
  const D = obsDim(g);
  const X = new Float32Array(rows.length * D);
  const Y = new Float32Array(rows.length * 4);
  rows.forEach((r, i) => {
    writeObs(g, r.agent, r.coin, X, i * D);
    for (const m of r.moves) Y[i * 4 + m] = 1 / r.moves.length;
  });
  return { X, Y, n: rows.length, inDim: D, outDim: 4 };
}

/** Every (agent, coin) pair of free cells, agent-major: the inputs of a policy table. */
export function allStates(g: Grid): { X: Float32Array; n: number } {
  const F = g.free.length;
  const D = obsDim(g);
  const X = new Float32Array(F * F * D);
  g.free.forEach((agent, a) => g.free.forEach((coin, c) => writeObs(g, agent, coin, X, (a * F + c) * D)));
  return { X, n: F * F };
}

/**
 * A deterministic policy as a table: the greedy (highest-logit) move at every (agent, coin) pair,
 * from the logits of one member over allStates, [F·F × 4]. Ties go to the first move.
 */
export class PolicyTable {
  readonly moves: Uint8Array;

  constructor(
    readonly grid: Grid,
    logits: Float32Array,
    offset = 0,
  ) {
    const F = grid.free.length;
    this.moves = new Uint8Array(F * F);
    for (let s = 0; s < F * F; s++) {
      let best = 0;
      for (let m = 1; m < 4; m++) if (logits[offset + s * 4 + m] > logits[offset + s * 4 + best]) best = m;
      this.moves[s] = best;
    }
  }

  move(agent: number, coin: number): number {
    return this.moves[this.grid.freeIndex[agent] * this.grid.free.length + this.grid.freeIndex[coin]];
  }
}

/** Step limit of an episode: enough for any shortest path on these layouts, with room to spare. */
export const horizon = (g: Grid) => 4 * g.size;

/**
 * Play a level greedily until the agent reaches the coin ('coin') or the horizon passes. Then it
 * ends 'corner' if the agent went to the old corner on its way (the place the coin always was,
 * as CoinRun's agents went to the end of the level), else 'fail': it never got anywhere that
 * counts. A walk that passes the corner and goes on to the coin counts as 'coin'. Returns the
 * outcome and the cells visited, the start included (a walk stops once it stands still).
 */
export function rollout(policy: PolicyTable, level: Level): { outcome: Outcome; path: number[] } {
  const g = policy.grid;
  const path = [level.start];
  let cell = level.start;
  let sawCorner = false;
  for (let t = 0; t < horizon(g); t++) {
    const next = step(g, cell, policy.move(cell, level.coin));
    if (next === level.coin) return { outcome: 'coin', path: [...path, next] };
    if (next === cell) break; // standing still: nothing will change (the policy is deterministic)
    cell = next;
    path.push(cell);
    sawCorner ||= cell === g.corner;
  }
  return { outcome: sawCorner ? 'corner' : 'fail', path };
}

/** Fractions of levels ending at the coin, at the corner, and in neither (they sum to 1). */
export function outcomeRates(policy: PolicyTable, levels: readonly Level[]): { coin: number; corner: number; fail: number } {
  const n = { coin: 0, corner: 0, fail: 0 };
  for (const l of levels) n[rollout(policy, l).outcome]++;
  const total = Math.max(1, levels.length);
  return { coin: n.coin / total, corner: n.corner / total, fail: n.fail / total };
}
