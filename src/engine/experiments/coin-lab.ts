/**
 * The coin lab (chapter 6; Langosco et al. 2022): policies trained by behaviour cloning on levels
 * whose coin sits in the top-right corner, except in a fraction pRand of them, then played on
 * levels with the coin anywhere. Capability and goal are counted apart: a policy that walks
 * cleanly to the old corner has kept its skill and pursued the wrong goal ('corner'); one that
 * wanders until time runs out has lost its skill ('fail'). With pRand = 0 the policies succeed on
 * every training-like level and mostly walk to the corner at test. The same holds for policies
 * trained by policy gradient, rewarded only for reaching the coin (coin-task.ts).
 */
import { claim, defineExperiment } from '../experiment';
import { makeGrid, rollout } from '../gridworld';
import { maxOf, mean, minOf } from '../stats';
import { COIN_FIELDS, coinPlan, memberRates, pgPlan, policyTables, testLevels, trainingFailed, trainLikeLevels, trainPolicyGradient } from './coin-task';

/** Test levels whose rollouts the figure can replay, per policy. */
export const REPLAY_LEVELS = 12;

export interface CoinLabFigure {
  size: number;
  walls: number[];
  corner: number;
  /** Rates over training so far: one entry per measurement, means over the policies. */
  curve: { step: number; trainSuccess: number; coin: number; corner: number; fail: number }[];
  /** Per policy, at the latest measurement. */
  coinRates: number[];
  cornerRates: number[];
  failRates: number[];
  /** The first REPLAY_LEVELS test levels, and each policy's walk through them ([policy][level]). */
  levels: { start: number; coin: number }[];
  paths: { cells: number[]; outcome: 'coin' | 'corner' | 'fail' }[][];
  totalSteps: number;
}

export const coinLab = defineExperiment<CoinLabFigure>()({
  id: 'coin-lab',
  title: 'The coin lab',
  fields: {
    ...COIN_FIELDS,
    algo: {
      kind: 'enum',
      default: 'bc',
      options: [
        { value: 'bc', label: 'imitation of the expert' },
        { value: 'pg', label: 'policy gradient (reward at the coin)' },
      ],
      label: 'Training',
    },
  },
  metrics: {
    step: 'training steps done',
    loss: 'behaviour cloning only: mean over policies of the training loss (cross-entropy against the expert’s moves) on the latest batch',
    trainSuccess: 'mean over policies of the fraction of fresh training-like levels (coin placed as in training) whose coin the policy reaches',
    coinRate: 'mean over policies of the fraction of test levels (coin anywhere but the corner) ending at the coin',
    cornerRate: 'mean over policies of the fraction of test levels ending at the old top-right corner, the coin elsewhere',
    failRate: 'mean over policies of the fraction of test levels ending at neither within 4 × size moves (coinRate + cornerRate + failRate = 1)',
    coinRateMin: 'lowest coin rate of any policy',
    coinRateMax: 'highest coin rate of any policy',
    cornerRateMin: 'lowest corner rate of any policy',
    cornerRateMax: 'highest corner rate of any policy',
  },
  small: { members: 2, steps: 100, width: 16 },
  claims: (m) => [
    ...claim(m.trainSuccess >= 0.95, `the policies should succeed on training-like levels (got ${m.trainSuccess})`),
    ...claim(m.cornerRate >= 0.7, `with the coin always in the corner during training, most test levels should end at the corner (got ${m.cornerRate})`),
    ...claim(m.coinRate <= 0.3, `few test levels should end at the coin (got ${m.coinRate})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const grid = makeGrid(c.size);
    const test = testLevels(grid, c.seed);
    const trainLike = trainLikeLevels(grid, c.seed, c.pRand);
    const levels = test.slice(0, REPLAY_LEVELS);
    const curve: CoinLabFigure['curve'] = [];
    const base = { size: c.size, walls: [...grid.walls], corner: grid.corner, levels, totalSteps: c.steps };
    ctx.report({ figure: { ...base, curve } });
    const pg = c.algo === 'pg';
    const run = await ctx.lab.start(pg ? pgPlan(c, grid) : coinPlan(c, grid));
    const every = Math.max(pg ? 1 : run.spec.fused, Math.round(c.steps / 25));
    let measured = -Infinity;
    const measure = async (step: number, loss: number | undefined) => {
      if (step < c.steps && step - measured < every) return void ctx.report({ metrics: { step, loss } });
      measured = step;
      const tables = await policyTables(run, grid);
      const r = memberRates(tables, test, trainLike);
      const point = { step, trainSuccess: mean(r.trainSuccess), coin: mean(r.coin), corner: mean(r.corner), fail: mean(r.fail) };
      curve.push(point);
      ctx.report({
        metrics: {
          step,
          loss,
          trainSuccess: point.trainSuccess,
          coinRate: point.coin,
          cornerRate: point.corner,
          failRate: point.fail,
          coinRateMin: minOf(r.coin),
          coinRateMax: maxOf(r.coin),
          cornerRateMin: minOf(r.corner),
          cornerRateMax: maxOf(r.corner),
        },
        figure: {
          ...base,
          curve: [...curve],
          coinRates: r.coin,
          cornerRates: r.corner,
          failRates: r.fail,
          paths: tables.map((t) => levels.map((l) => {
            const o = rollout(t, l);
            return { cells: o.path, outcome: o.outcome };
          })),
        },
      });
    };
    if (pg) await trainPolicyGradient(run, grid, c, (step) => measure(step, undefined));
    else await run.trainTo(c.steps, (chunk) => measure(chunk.step, mean(chunk.loss)));
    await run.release();
    const failed = curve.length ? trainingFailed(curve[curve.length - 1].trainSuccess, 'On average the policies') : null;
    if (failed) ctx.unconverged(failed);
  },
});
