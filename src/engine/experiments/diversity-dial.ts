/**
 * The diversity dial (chapter 6): the mitigation Langosco et al. (2022) tried in CoinRun — place
 * the coin at random in a fraction of the training levels. The coin lab's training, repeated at
 * pRand = 0, 0.05, 0.1, 0.2, 0.5 and 1 (one ensemble of seeds per value, one after another), each
 * policy played on the same test levels: the coin rate and the corner rate against pRand, with
 * their spread over seeds.
 */
import { claim, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import { makeGrid } from '../gridworld';
import { mean } from '../stats';
import { COIN_FIELDS, coinPlan, memberRates, policyTables, testLevels, trainingFailed, trainLikeLevels } from './coin-task';

/** The dial's settings, as metric suffixes name them (pRand in percent). */
export const DIAL = [0, 0.05, 0.1, 0.2, 0.5, 1] as const;
type Pct = '0' | '5' | '10' | '20' | '50' | '100';
const pct = (p: number) => String(Math.round(p * 100)) as Pct;

const { pRand: _pRand, ...rest } = COIN_FIELDS;
const fields = { ...rest, members: { ...COIN_FIELDS.members, default: 4, max: 16, label: 'Policies (seeds) per setting' } } satisfies FieldTable;

export interface DiversityDialFigure {
  /** One entry per pRand trained so far: each policy's rates on the test levels. */
  points: { pRand: number; coin: number[]; corner: number[]; fail: number[]; trainSuccess: number[] }[];
}

const rate = (kind: 'coinRate' | 'cornerRate', what: string) =>
  Object.fromEntries(DIAL.map((p) => [`${kind}_p${pct(p)}`, `mean over seeds of the fraction of test levels ending ${what}, trained with pRand = ${p}`])) as Record<`${typeof kind}_p${Pct}`, string>;

export const diversityDial = defineExperiment<DiversityDialFigure>()({
  id: 'diversity-dial',
  title: 'The diversity dial',
  fields,
  metrics: { ...rate('coinRate', 'at the coin'), ...rate('cornerRate', 'at the old corner') },
  small: { members: 1, steps: 100, width: 16 },
  claims: (m) => [
    ...claim(m.cornerRate_p0 >= 0.7, `with no randomized levels most test levels should end at the corner (got ${m.cornerRate_p0})`),
    ...claim(m.coinRate_p100 >= 0.8, `trained with the coin anywhere, most test levels should end at the coin (got ${m.coinRate_p100})`),
    ...claim(m.coinRate_p20 >= m.coinRate_p0 + 0.3, `a fifth of randomized levels should raise the coin rate well above none (${m.coinRate_p0} → ${m.coinRate_p20})`),
    ...claim(m.cornerRate_p20 <= 0.2, `a fifth of randomized levels should mostly end the walks to the corner (got ${m.cornerRate_p20})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const grid = makeGrid(c.size);
    const test = testLevels(grid, c.seed);
    const points: DiversityDialFigure['points'] = [];
    for (const [i, pRand] of DIAL.entries()) {
      const run = await ctx.lab.start(coinPlan({ ...c, pRand }, grid), { share: [i / DIAL.length, (i + 1) / DIAL.length] });
      await run.trainTo(c.steps);
      const r = memberRates(await policyTables(run, grid), test, trainLikeLevels(grid, c.seed, pRand));
      await run.release();
      points.push({ pRand, coin: r.coin, corner: r.corner, fail: r.fail, trainSuccess: r.trainSuccess });
      const failed = trainingFailed(mean(r.trainSuccess), `Trained with pRand = ${pRand}, the policies on average`);
      if (failed) ctx.unconverged(failed);
      ctx.report({
        metrics: { [`coinRate_p${pct(pRand)}`]: mean(r.coin), [`cornerRate_p${pct(pRand)}`]: mean(r.corner) } as Record<`coinRate_p${Pct}` | `cornerRate_p${Pct}`, number>,
        figure: { points: [...points] },
      });
    }
  },
});
