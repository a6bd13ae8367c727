/**
 * "Which knobs raise path dependence?": the hundred-seeds experiment under several settings of
 * what the seeds share, each reported as the spread of cue-conflict behaviour across seeds.
 */
import { claim, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import { maxOf, mean, minOf, std } from '../stats';
import { type TwoCueSettings, twoCuePlan, twoCueTrainingData } from './hundred-seeds';

const BASE_LR = 0.1;
const BASE_N = 256;

export interface KnobCondition {
  /** Also the metric that carries this condition's spread. */
  id: 'baseline' | 'sameInit' | 'sameOrder' | 'highLr' | 'moreData';
  label: string;
  over: Partial<TwoCueSettings>;
}

export const KNOB_CONDITIONS: KnobCondition[] = [
  { id: 'baseline', label: 'different init, different batch order', over: {} },
  { id: 'sameInit', label: 'same init, different batch order', over: { varyInit: false } },
  { id: 'sameOrder', label: 'different init, same batch order', over: { varyOrder: false } },
  { id: 'highLr', label: `learning rate ×5 (${BASE_LR * 5})`, over: { lr: BASE_LR * 5 } },
  { id: 'moreData', label: `4× the training data (${BASE_N * 4} examples)`, over: { n: BASE_N * 4 } },
];

/** Spread statistics of per-seed conflict behaviour: range and standard deviation. */
export function behaviourSpread(followsX0: ArrayLike<number>) {
  return { range: maxOf(followsX0) - minOf(followsX0), sd: std(followsX0), mean: mean(followsX0) };
}

export interface KnobRow {
  id: string;
  label: string;
  /** Max − min across seeds of the fraction of conflicts decided by x₀. */
  range: number | null;
  sd: number | null;
  /** The worst seed's in-distribution accuracy. */
  accMin: number | null;
}

const fields = {
  members: { kind: 'int', default: 50, min: 2, max: 300, label: 'Models per condition' },
  steps: { kind: 'int', default: 600, min: 20, max: 5000, step: 10, label: 'Steps' },
} satisfies FieldTable;

export const pathKnobs = defineExperiment<{ rows: KnobRow[] }>()({
  id: 'path-knobs',
  title: 'Which knobs raise path dependence?',
  fields,
  metrics: {
    condition: 'index of the condition training now (0–4)',
    baseline: 'spread (max − min) of x₀-following across seeds: different init and batch order',
    sameInit: 'spread with one shared initialization',
    sameOrder: 'spread with one shared batch order',
    highLr: 'spread at five times the learning rate',
    moreData: 'spread with four times the training data',
  },
  small: { members: 2, steps: 20 },
  trainingData: () => twoCueTrainingData(BASE_N),
  claims: (m) => [
    ...claim(m.baseline > 0.5, `seeds should disagree widely on conflicts (spread ${m.baseline})`),
    ...claim(m.sameInit < 0.1 * m.baseline, `sharing the initialization should remove the spread (${m.sameInit} vs ${m.baseline})`),
    ...claim(m.sameOrder > 0.5 * m.baseline, `sharing the batch order should leave most of it (${m.sameOrder} vs ${m.baseline})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const rows: KnobRow[] = KNOB_CONDITIONS.map((k) => ({ id: k.id, label: k.label, range: null, sd: null, accMin: null }));
    ctx.report({ figure: { rows: [...rows] } });
    for (const [i, k] of KNOB_CONDITIONS.entries()) {
      ctx.report({ metrics: { condition: i } });
      const run = await ctx.lab.start(twoCuePlan({ lr: BASE_LR, n: BASE_N, varyInit: true, varyOrder: true, ...c, ...k.over }), {
        share: [i / KNOB_CONDITIONS.length, (i + 1) / KNOB_CONDITIONS.length],
      });
      await run.trainTo(c.steps);
      const [test, conflict] = await run.evaluate(['test', 'conflict']);
      await run.release();
      const s = behaviourSpread(conflict.acc!);
      rows[i] = { ...rows[i], range: s.range, sd: s.sd, accMin: minOf(test.acc!) };
      ctx.report({ metrics: { [k.id]: s.range }, figure: { rows: [...rows] } });
    }
  },
});
