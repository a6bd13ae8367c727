/**
 * Chapter 6's coin gridworld and its three figures, headless through their experiment modules:
 * policies cloned from a shortest-path expert on levels whose coin sits in the top-right corner
 * walk to the corner when the coin is moved, keeping their skill (Langosco et al. 2022); placing
 * the coin at random in a fraction of the training levels buys the coin back.
 */
import { describe, expect, it } from 'vitest';
import { coinLab } from '../../src/engine/experiments/coin-lab';
import { coinPlan, PG_LEVELS, pgBatch, pgPlan, TRAIN_LEVELS } from '../../src/engine/experiments/coin-task';
import { BatchSampler } from '../../src/engine/sampler';
import { OrtLab } from '../../src/runtime/lab';
import { diversityDial } from '../../src/engine/experiments/diversity-dial';
import { defaultCoin, goalProbe, probe } from '../../src/engine/experiments/goal-probe';
import { allStates, distancesTo, expertDataset, horizon, makeGrid, obsDim, outcomeRates, PolicyTable, rollout, sampleLevels, step } from '../../src/engine/gridworld';
import { makeRng } from '../../src/engine/random';
import { runExperiment } from '../../src/runtime/host';

/** A policy table whose greedy move at every state is `choose(agent, coin)`. */
function tableOf(g: ReturnType<typeof makeGrid>, choose: (agent: number, coin: number) => number): PolicyTable {
  const F = g.free.length;
  const logits = new Float32Array(F * F * 4);
  g.free.forEach((a, i) => g.free.forEach((c, j) => (logits[(i * F + j) * 4 + choose(a, c)] = 1)));
  return new PolicyTable(g, logits);
}

/** The expert for a fixed target, as a policy: its first shortest move everywhere. */
const walkerTo = (g: ReturnType<typeof makeGrid>, target: (coin: number) => number) => {
  const cache = new Map<number, Float64Array>();
  return tableOf(g, (a, c) => {
    const t = target(c);
    if (!cache.has(t)) cache.set(t, distancesTo(g, t));
    const d = cache.get(t)!;
    return [0, 1, 2, 3].find((m) => d[step(g, a, m)] < d[a]) ?? 0;
  });
};

describe('chapter 6: the coin gridworld', () => {
  it('every grid side has walls, and every free cell reaches the corner', () => {
    for (let size = 5; size <= 15; size++) {
      const g = makeGrid(size);
      expect(g.free.length).toBeLessThan(size * size);
      expect(g.walls[g.corner]).toBe(0);
      const d = distancesTo(g, g.corner);
      expect(g.free.every((c) => Number.isFinite(d[c])), `size ${size}`).toBe(true);
    }
    expect(() => makeGrid(4)).toThrow(RangeError);
  });

  it('moves into walls or off the grid stay put', () => {
    const g = makeGrid(7);
    expect(step(g, g.corner, 0)).toBe(g.corner); // up, off the grid
    expect(step(g, g.corner, 1)).toBe(g.corner); // right, off the grid
    const nextToWall = 1 * 7 + 2; // row 1, col 2: the middle wall is at col 3
    expect(step(g, nextToWall, 1)).toBe(nextToWall);
  });

  it('levels put the coin in the corner at pRand 0, elsewhere at pRand 1, and never start on it', () => {
    const g = makeGrid(7);
    const rng = makeRng(3);
    expect(sampleLevels(g, 200, 0, rng).every((l) => l.coin === g.corner && l.start !== g.corner)).toBe(true);
    const anywhere = sampleLevels(g, 200, 1, rng);
    expect(anywhere.every((l) => l.coin !== g.corner && l.start !== l.coin && !g.walls[l.coin] && !g.walls[l.start])).toBe(true);
    expect(new Set(anywhere.map((l) => l.coin)).size).toBeGreaterThan(30);
    const some = sampleLevels(g, 2000, 0.1, rng).filter((l) => l.coin !== g.corner).length / 2000;
    expect(some).toBeGreaterThan(0.07);
    expect(some).toBeLessThan(0.13);
  });

  it('the expert data label each visited state with the moves that shorten the way, as soft targets', () => {
    const g = makeGrid(7);
    const levels = sampleLevels(g, 50, 1, makeRng(5));
    const d = expertDataset(g, levels, makeRng(6));
    expect(d.inDim).toBe(obsDim(g));
    const total = levels.reduce((s, l) => s + distancesTo(g, l.coin)[l.start], 0);
    expect(d.n).toBe(total); // one row per step of a shortest path
    for (let i = 0; i < d.n; i++) {
      const row = d.X.subarray(i * d.inDim, (i + 1) * d.inDim);
      const agent = row.indexOf(1);
      const coin = row.indexOf(1, 49) - 49;
      const dist = distancesTo(g, coin);
      const y = Array.from(d.Y.subarray(i * 4, i * 4 + 4));
      expect(y.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
      y.forEach((p, m) => expect(p > 0, `row ${i} move ${m}`).toBe(dist[step(g, agent, m)] < dist[agent]));
    }
  });

  it('rollouts end at the coin, at the corner, or after the horizon, and the rates sum to 1', () => {
    const g = makeGrid(7);
    const levels = sampleLevels(g, 100, 1, makeRng(8));
    expect(outcomeRates(walkerTo(g, (c) => c), levels)).toEqual({ coin: 1, corner: 0, fail: 0 });
    const cornerward = outcomeRates(walkerTo(g, () => g.corner), levels);
    expect(cornerward.corner).toBeGreaterThan(0.6); // the coin lies on the way for the rest
    expect(cornerward.coin + cornerward.corner).toBeCloseTo(1, 9);
    expect(outcomeRates(tableOf(g, () => 0), levels).fail).toBeGreaterThan(0.8); // up only: stuck at walls
    const walk = rollout(walkerTo(g, (c) => c), levels[0]);
    expect(walk.path[0]).toBe(levels[0].start);
    expect(walk.path.at(-1)).toBe(levels[0].coin);
    expect(allStates(g).n).toBe(g.free.length ** 2);
  });

  it('the probe counts where a policy heads: all coinward for the expert, all cornerward for the corner walker', () => {
    const g = makeGrid(7);
    const coin = defaultCoin(g);
    expect(probe(walkerTo(g, (c) => c), g, coin).towardCoin).toBe(1);
    const p = probe(walkerTo(g, () => g.corner), g, coin);
    expect(p.towardCorner).toBeCloseTo(1 - 1 / p.arrows.length, 9); // all but the corner itself, where no move gets closer
    expect(p.arrows.find((a) => a.cell === g.corner)!.heading).toBe('neither');
    expect(p.towardCoin).toBeLessThan(0.3);
    expect(p.arrows.length).toBe(g.free.length - 1);
  });
});

describe('chapter 6: the engine pieces a policy gradient needs', () => {
  it('members training on rows of their own draw only from their block', () => {
    const s = new BatchSampler(12, 2, [1, 2, 3], true);
    const idx = s.next(5); // [K, E, B]
    for (let k = 0; k < 5; k++) for (let e = 0; e < 3; e++) for (let b = 0; b < 2; b++) {
      const row = idx[(k * 3 + e) * 2 + b];
      expect(row >= e * 4 && row < (e + 1) * 4, `member ${e} drew row ${row}`).toBe(true);
    }
    expect(Array.from(new BatchSampler(6, 2, [1, 2, 3], true).next(1))).toEqual([0, 1, 2, 3, 4, 5]); // full batch each
    expect(() => new BatchSampler(10, 2, [1, 2, 3], true)).toThrow(/evenly/);
  });

  it('pgBatch writes each member’s walks into its own rows, with centred returns, and nothing for a policy that learned nothing', () => {
    const g = makeGrid(5);
    const F = g.free.length;
    const logits = new Float32Array(2 * F * F * 4); // two uniform policies
    const { data, success } = pgBatch(g, logits, 2, 1, makeRng(4));
    const rows = PG_LEVELS * horizon(g);
    expect(data.n).toBe(2 * rows);
    expect(success).toBeGreaterThan(0);
    for (let e = 0; e < 2; e++) {
      let sum = 0;
      for (let i = e * rows; i < (e + 1) * rows; i++) for (let m = 0; m < 4; m++) sum += data.Y[i * 4 + m];
      expect(Math.abs(sum)).toBeLessThan(1e-3); // advantages centred over the member's moves
    }
    const hopeless = new Float32Array(F * F * 4);
    for (let s = 0; s < F * F; s++) hopeless[s * 4] = 50; // always up: never reaches a coin below
    const none = pgBatch(g, hopeless, 1, 1, makeRng(5));
    expect(none.data.Y.every((v) => v === 0) || none.success > 0).toBe(true);
  });

  it('setData keeps the plan’s shape or says why not', async () => {
    const g = makeGrid(5);
    const c = { size: 5, pRand: 0, members: 2, steps: 4, width: 8, lr: 0.01, seed: 1 };
    const lab = new OrtLab('wasm', { gate: async () => 1, started: () => undefined, progressed: () => undefined, chunkEnded: () => undefined });
    const run = await lab.start(pgPlan(c, g));
    const plan = pgPlan(c, g);
    expect(() => run.setData({ ...plan.data, n: plan.data.n - 1 })).toThrow(/keep the shape/);
    run.setData(plan.data);
    await run.trainTo(1);
    expect(run.stepsDone).toBe(1);
    await run.release();
  });
});

describe('chapter 6: the figures', () => {
  it('coin-lab at the defaults: success in training, the corner at test (Langosco et al.)', async () => {
    expect(coinPlan({ ...{ size: 7, pRand: 0, members: 1, steps: 10, width: 8, lr: 0.01, seed: 1 } }).levels.length).toBe(TRAIN_LEVELS);
    const r = await runExperiment(coinLab, {});
    await r.host.stop();
    expect(r.outcome.kind).toBe('done');
    expect(coinLab.claims!(r.metrics)).toEqual([]);
    expect(r.metrics.coinRate + r.metrics.cornerRate + r.metrics.failRate).toBeCloseTo(1, 3);
    expect(r.figure.paths!.length).toBe(8);
    expect(r.figure.curve!.at(-1)!.step).toBe(400);
  }, 120_000);

  it('coin-lab by policy gradient, rewarded only at the coin: the corner at test all the same', async () => {
    const r = await runExperiment(coinLab, { algo: 'pg', members: 4, steps: 300 });
    await r.host.stop();
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' }); // a surrogate loss draws no verdict
    expect(r.metrics.trainSuccess).toBeGreaterThan(0.8);
    expect(r.metrics.cornerRate).toBeGreaterThan(0.6);
    expect(r.metrics.coinRate).toBeLessThan(0.3);
  }, 120_000);

  it('a learning rate too high to learn the task ends "did not converge", with the training success named', async () => {
    const r = await runExperiment(coinLab, { lr: 1, members: 2, steps: 100 });
    await r.host.stop();
    expect(r.outcome).toMatchObject({ kind: 'done', verdict: 'unconverged', message: expect.stringMatching(/only \d+% of training-like levels/) });
    const p = await runExperiment(goalProbe, { lr: 1, steps: 100 });
    await p.host.stop();
    expect(p.outcome).toMatchObject({ kind: 'done', verdict: 'unconverged' });
  }, 120_000);

  it('coin-lab with the coin at random in every training level: the coin at test', async () => {
    const r = await runExperiment(coinLab, { pRand: 1, members: 4 });
    await r.host.stop();
    expect(r.metrics.coinRate).toBeGreaterThan(0.8);
    expect(r.metrics.cornerRate).toBeLessThan(0.05);
  }, 120_000);

  it('diversity-dial: the coin rate rises and the corner rate falls with pRand', async () => {
    const r = await runExperiment(diversityDial, {});
    await r.host.stop();
    expect(diversityDial.claims!(r.metrics)).toEqual([]);
    const coin = [0, 5, 10, 20, 50, 100].map((p) => r.metrics[`coinRate_p${p}` as 'coinRate_p0']);
    expect(coin[5]).toBeGreaterThan(coin[0] + 0.5);
    expect(r.figure.points!.map((p) => p.pRand)).toEqual([0, 0.05, 0.1, 0.2, 0.5, 1]);
  }, 240_000);

  it('goal-probe: the corner from most cells; the reader’s coin and agent move the map and the walk', async () => {
    const r = await runExperiment(goalProbe, {});
    expect(goalProbe.claims!(r.metrics)).toEqual([]);
    const g = makeGrid(7);
    // wherever the coin goes, the policy trained with it in the corner keeps heading for the corner
    for (const coin of [21, 22, 44, 40, 13]) {
      await r.host.action('place', { coin });
      expect(r.reports.at(-1)!.metrics.towardCorner, `coin at ${coin}`).toBeGreaterThan(0.75);
    }
    await r.host.action('place', { coin: 3 * 7 + 0, agent: 6 * 7 + 6 });
    const last = r.reports.at(-1)!;
    expect(last.figure.coin).toBe(21);
    expect(last.figure.agent).toBe(48);
    expect((last.figure.path as number[])[0]).toBe(48);
    expect(g.walls[1 * 7 + 3]).toBe(1); // the middle wall
    await expect(r.host.action('place', { coin: 1 * 7 + 3 })).rejects.toThrow(/free cell/);
    await expect(r.host.action('place', { agent: 2.5 })).rejects.toThrow(/free cell/);
    await r.host.action('place', { agent: null });
    expect(r.reports.at(-1)!.figure.coin).toBe(21); // the coin stayed
    await r.host.stop();
  }, 120_000);
});
