/**
 * "How high is path dependence?": the hundred-seeds experiment under several settings of what the
 * seeds share, each reported as the spread of cue-conflict behaviour across seeds.
 */
import { HUNDRED_SEEDS_DEFAULTS, type HundredSeedsConfig } from './hundred-seeds';

export interface KnobCondition {
  id: string;
  label: string;
  over: Partial<HundredSeedsConfig>;
}

export function knobConditions(base: HundredSeedsConfig = HUNDRED_SEEDS_DEFAULTS): KnobCondition[] {
  return [
    { id: 'baseline', label: 'different init, different batch order', over: {} },
    { id: 'same-init', label: 'same init, different batch order', over: { varyInit: false } },
    { id: 'same-order', label: 'different init, same batch order', over: { varyOrder: false } },
    { id: 'high-lr', label: `learning rate ×5 (${base.lr * 5})`, over: { lr: base.lr * 5 } },
    { id: 'more-data', label: `4× the training data (${base.n * 4} examples)`, over: { n: base.n * 4 } },
  ];
}

/** Spread statistics of per-seed conflict behaviour: range and standard deviation. */
export function behaviourSpread(followsX0: ArrayLike<number>) {
  const v = Array.from(followsX0);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { range: Math.max(...v) - Math.min(...v), sd, mean };
}
