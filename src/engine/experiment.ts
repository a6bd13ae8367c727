/**
 * An experiment is one pure module: its settings (a field table), the metrics it reports and what
 * they mean, the shape of its figure data, and its whole protocol — train, measure at named steps,
 * evaluate — written against the lab (lab.ts). The page's worker and the Node tests run the same
 * protocol through src/runtime/host.ts; a widget only renders its reports and sends its actions.
 */
import { type ConfigOf, type FieldTable, withSeed, type WithSeed } from './fields';
import type { Lab } from './lab';

export type ConfigFor<F extends FieldTable> = ConfigOf<WithSeed<F>>;

export interface Report<M extends string, Fig> {
  /** Headline numbers (merged into the figure's metrics; rounded to 4 decimals). */
  metrics?: Partial<Record<M, number>>;
  /** Figure data (merged field by field into what the view draws). */
  figure?: Partial<Fig>;
}

export interface Context<F extends FieldTable, M extends string, Fig> {
  readonly config: ConfigFor<F>;
  readonly lab: Lab;
  report(r: Report<M, Fig>): void;
  /**
   * Offer an action the reader can take on this run while it trains or once it is done (pick a
   * seed, re-slice); it runs between training chunks, never beside them. Its reports reach the
   * figure like the protocol's, and its promise settles the reader's request.
   */
  action<A>(name: string, handler: (args: A) => Promise<void>): void;
  /**
   * The run ended but what it measures cannot be trusted (every SGLD chain failed its checks, say):
   * the figure ends "Did not converge" with this message, never a plain "Done".
   */
  unconverged(message: string): void;
  /**
   * Between pieces of work that do not train (a long series of forward passes): sets the figure's
   * progress bar to `fraction` (0–1, never backwards), waits while the reader has paused, and
   * throws StoppedError once the reader stopped — what trainTo does between training chunks.
   */
  checkpoint(fraction: number): Promise<void>;
}

export interface Experiment<F extends FieldTable = FieldTable, M extends string = string, Fig = object> {
  /** The widget id: permalinks, `data-widget`, exercises and wiki links use it. */
  id: string;
  title: string;
  /** Settings, without the seed (every figure has one, from the frame). */
  fields: F;
  /** Every metric the figure reports, with what it means. */
  metrics: Record<M, string>;
  /** Metrics that measure the machine (timings), not the science: never compared between runs. */
  volatile?: readonly NoInfer<M>[];
  /** A configuration small enough for a software WebGPU adapter and for the generic tests. */
  small: Partial<ConfigFor<F>>;
  /**
   * The published effect as checks on final metrics: one message per claim the numbers break
   * (empty when the figure shows what the prose says). Only meaningful at the defaults.
   */
  claims?(m: Record<M, number>): string[];
  /**
   * The data the figure trains on, for the reader to look at (from the same generator and seed as
   * the run). Absent where there is none (a figure that descends a fixed function).
   */
  trainingData?(config: ConfigFor<F>): TrainingData;
  run(ctx: Context<F, M, Fig>): Promise<void>;
}

/** Training data as a figure shows it: labelled points in a plane, or samples of a curve. */
export type TrainingData =
  | { kind: 'classes'; points: Float32Array; labels: Int32Array | Float32Array; classes: string[]; xTitle: string; yTitle: string; note: string }
  | { kind: 'curve'; xs: Float32Array; ys: Float32Array; xTitle: string; yTitle: string; note: string };

/** A dataset's first two input coordinates and its class labels, as `classes` training data. */
export function classPoints(d: { X: Float32Array; Y: Float32Array; n: number; inDim: number; outDim: number }): { points: Float32Array; labels: Int32Array } {
  const points = new Float32Array(2 * d.n);
  const labels = new Int32Array(d.n);
  for (let i = 0; i < d.n; i++) {
    points[2 * i] = d.X[i * d.inDim];
    points[2 * i + 1] = d.X[i * d.inDim + 1];
    if (d.outDim === 1) labels[i] = d.Y[i] > 0.5 ? 1 : 0;
    else for (let k = 1; k < d.outDim; k++) if (d.Y[i * d.outDim + k] > d.Y[i * d.outDim + labels[i]]) labels[i] = k;
  }
  return { points, labels };
}

/**
 * Metrics the host adds to every experiment's reports (experiments do not declare them): how many
 * ensemble members diverged and were left out of the statistics, out of how many trained. The
 * figure's frame says so under the figure whenever some diverged.
 */
export const RUN_METRICS = {
  divergedMembers: 'ensemble members whose loss became non-finite or exploded: left out of every statistic (0 normally)',
  trainedMembers: 'ensemble members in the runs started so far, over all of the figure’s runs',
} as const;
export type RunMetric = keyof typeof RUN_METRICS;

export type AnyExperiment = Experiment<FieldTable, string, object>;
export type MetricOf<E> = E extends Experiment<FieldTable, infer M, object> ? M : never;

/**
 * Declare an experiment: `defineExperiment<FigureData>()({ … })` types its protocol's context from
 * its tables (settings and metrics inferred, figure data named).
 */
export function defineExperiment<Fig extends object>() {
  return <F extends FieldTable, M extends string>(e: Experiment<F, M, Fig>): Experiment<F, M, Fig> => e;
}

/** The settings table a figure's permalink and controls use: the seed, then the experiment's own. */
export function settingsOf<F extends FieldTable>(e: Experiment<F, string, object>): WithSeed<F> {
  return withSeed(e.fields);
}

/** Headline numbers carry 4 decimals: enough to read, stable to compare in data-metrics. */
export const roundMetric = (v: number) => Math.round(v * 1e4) / 1e4;

/** A check for `claims`: the message when `ok` is false. */
export function claim(ok: boolean, message: string): string[] {
  return ok ? [] : [message];
}
