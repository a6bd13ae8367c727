/**
 * "Which functions random networks compute": the parameter-function map of Valle-Pérez, Camargo &
 * Louis (2019, "Deep learning generalizes because the parameter-function map is biased towards
 * simple functions", ICLR). Sample many networks at random — forward passes only, no training —
 * on all 128 inputs of 7 bits, threshold the output at 0 into a Boolean function (a 128-bit truth
 * table), and count how often each function comes up: the probabilities span orders of magnitude,
 * the simple functions (by the Lempel–Ziv complexity of the truth table, analysis/complexity.ts)
 * far more likely than the complex ones, the two constant functions the likeliest.
 *
 * Networks: an MLP 7 → width^depth → 1 with weights N(0, σ_w²/fan_in) and biases N(0, σ_b²),
 * drawn in JS from the seed (ZigguratNormal; the backends have no random ops) and evaluated
 * BATCH members per program call, the 128 inputs shared. Inputs are bits x ∈ {0, 1}⁷, input i
 * having x_j = bit (6 − j) of i, so the truth table lists f(0000000), f(0000001), …, f(1111111).
 * Sample s of seed k always uses the same parameters (one random stream per batch of BATCH), so a
 * larger `samples` extends a smaller run.
 *
 * Defaults. 100,000 networks (the issue's floor; far fewer than the paper samples): a 7→40→40→1 network costs 2 × 128 × 2,001 ≈ 0.5
 * MFLOP per forward pass, and in Node on one thread (onnxruntime-web WASM, ~7 GFLOP/s on these
 * batched 128×40×40 products) 1,000 networks take ≈ 72 ms to evaluate and ≈ 30 ms to draw
 * (2 million normals): 50,000 take 5.6–6.5 s of CPU in all (measured, seeds 1–3); 100,000 take
 * 11.4 s in Node on one thread, within the 20 s budget in Chromium (two WASM threads; the e2e report prints it).
 * `samples` goes to 10⁶. σ_b = 0.1: at σ_b = 0 every ReLU network outputs exactly 0 on
 * the all-zeros input (so "always 1" shows up as "1 except at 0000000"), and at σ_b = 1 the output
 * bias swamps the inputs' effect (≈ 73% of networks constant). With σ_w = 1, σ_b = 0.1 about 17%
 * of ReLU networks compute a constant function.
 */
import { lzComplexity, unpackBits } from '../analysis/complexity';
import { claim, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import type { LabRun, RunPlan } from '../lab';
import { buildModel, type Dataset, type ModelSpec } from '../spec';
import { mixSeed, ZigguratNormal } from '../random';
import { spearman } from '../stats';

export const INPUT_BITS = 7;
export const TABLE = 2 ** INPUT_BITS;
/** Networks per program call: few, large calls (the per-call overhead is then negligible). */
export const BATCH = 1000;
/** Functions sent to the figure one by one (the likeliest): the rest go as aggregated counts. */
export const TOP_FUNCTIONS = 2000;
/** Functions seen at least this often enter complexityCorrelation (rarer counts are mostly noise). */
export const MIN_COUNT = 10;
/** Full figure updates while sampling (besides the last): the aggregation costs a sort of every function seen. */
const FIGURE_UPDATES = 4;

const fields = {
  samples: { kind: 'int', default: 100_000, min: 1000, max: 1_000_000, step: 1000, label: 'Random networks', unit: 'networks' },
  width: { kind: 'int', default: 40, min: 4, max: 100, label: 'Hidden width' },
  depth: { kind: 'int', default: 2, min: 1, max: 4, label: 'Hidden layers' },
  sigmaW: { kind: 'float', default: 1, min: 0.1, max: 8, step: 0.1, label: 'σ_w (weights N(0, σ_w²/fan-in))' },
  sigmaB: { kind: 'float', default: 0.1, min: 0, max: 8, step: 0.1, label: 'σ_b (biases N(0, σ_b²))' },
  activation: {
    kind: 'enum',
    default: 'relu',
    label: 'Activation',
    options: [
      { value: 'relu', label: 'ReLU' },
      { value: 'tanh', label: 'tanh' },
    ],
  },
} satisfies FieldTable;

type Config = { width: number; depth: number; activation: string };

export function functionMapModel(c: Config): ModelSpec {
  return { kind: 'mlp', widths: [INPUT_BITS, ...Array.from({ length: c.depth }, () => c.width), 1], activation: c.activation === 'tanh' ? 'tanh' : 'relu' };
}

/** All 2⁷ inputs, row i the bits of i, most significant first. */
export function booleanInputs(): Float32Array {
  const X = new Float32Array(TABLE * INPUT_BITS);
  for (let i = 0; i < TABLE; i++) for (let j = 0; j < INPUT_BITS; j++) X[i * INPUT_BITS + j] = (i >> (INPUT_BITS - 1 - j)) & 1;
  return X;
}

/**
 * Random parameters for `count` networks into theta [BATCH × P] (rows past count left as they are):
 * each weight matrix N(0, σ_w²/fan_in), each bias N(0, σ_b²), from the stream of batch `batch`.
 */
export function sampleParams(spec: ModelSpec, theta: Float32Array, count: number, c: { sigmaW: number; sigmaB: number; seed: number }, batch: number): void {
  const model = buildModel(spec);
  const P = model.size;
  const z = new ZigguratNormal(mixSeed(c.seed, batch + 1));
  for (let e = 0; e < count; e++) {
    for (const p of model.params) {
      const std = p.isBias ? c.sigmaB : c.sigmaW / Math.sqrt(p.shape[0]);
      const at = e * P + p.offset;
      if (std === 0) theta.fill(0, at, at + p.size);
      else z.fill(theta, at, at + p.size, std);
    }
  }
}

/** A tally of truth tables: each distinct function's 4 × 32-bit table, its count and (once asked) its complexity. */
export class FunctionTally {
  private index = new Map<string, number>();
  tables = new Uint32Array(4 * 1024);
  counts = new Int32Array(1024);
  private complexity = new Float64Array(1024).fill(NaN);
  distinct = 0;
  total = 0;

  /** Count one function given as its packed table (4 words). */
  add(w0: number, w1: number, w2: number, w3: number): void {
    // 8 UTF-16 units: a short key that Map hashes quickly
    const key = String.fromCharCode(w0 & 0xffff, w0 >>> 16, w1 & 0xffff, w1 >>> 16, w2 & 0xffff, w2 >>> 16, w3 & 0xffff, w3 >>> 16);
    this.total++;
    const at = this.index.get(key);
    if (at !== undefined) {
      this.counts[at]++;
      return;
    }
    if (this.distinct === this.counts.length) this.grow();
    const i = this.distinct++;
    this.index.set(key, i);
    this.tables.set([w0, w1, w2, w3], 4 * i);
    this.counts[i] = 1;
  }

  private grow() {
    const n = 2 * this.counts.length;
    const t = new Uint32Array(4 * n);
    t.set(this.tables);
    const c = new Int32Array(n);
    c.set(this.counts);
    const k = new Float64Array(n).fill(NaN);
    k.set(this.complexity);
    [this.tables, this.counts, this.complexity] = [t, c, k];
  }

  /** The LZ complexity of function i (computed once). */
  complexityOf(i: number): number {
    if (Number.isNaN(this.complexity[i])) this.complexity[i] = lzComplexity(unpackBits(this.tables.subarray(4 * i, 4 * i + 4), TABLE));
    return this.complexity[i];
  }

  /** Samples that were one of the two constant functions. */
  constantCount(): number {
    let n = 0;
    for (let i = 0; i < this.distinct; i++) {
      const t = this.tables;
      const all0 = (t[4 * i] | t[4 * i + 1] | t[4 * i + 2] | t[4 * i + 3]) === 0;
      const all1 = (t[4 * i] & t[4 * i + 1] & t[4 * i + 2] & t[4 * i + 3]) === -1;
      if (all0 || all1) n += this.counts[i];
    }
    return n;
  }

  /** Function indices, most frequent first (ties by first seen). */
  order(): Int32Array {
    const o = Int32Array.from({ length: this.distinct }, (_, i) => i);
    return o.sort((a, b) => this.counts[b] - this.counts[a] || a - b);
  }
}

/** Count each network's thresholded outputs pred [count, 128] (output > 0 ↦ 1) into the tally. */
export function tallyOutputs(tally: FunctionTally, pred: Float32Array, count: number): void {
  for (let e = 0; e < count; e++) {
    const w = [0, 0, 0, 0];
    const base = e * TABLE;
    for (let i = 0; i < TABLE; i++) if (pred[base + i] > 0) w[i >>> 5] |= 1 << (i & 31);
    tally.add(w[0], w[1], w[2], w[3]);
  }
}

export interface FunctionMapFigure {
  /** Networks sampled so far, and how many there will be. */
  samples: number;
  target: number;
  /**
   * The likeliest functions (at most TOP_FUNCTIONS), most frequent first: count, LZ complexity
   * and the truth table, 4 words per function (bit i of the table = bit i % 32 of word ⌊i/32⌋).
   */
  topCounts: Int32Array;
  topComplexity: Float32Array;
  topTables: Uint32Array;
  /**
   * The other functions, aggregated: each (count, complexity) pair that occurs among them and how
   * many functions have it (restCount, restComplexity, restFunctions in parallel).
   */
  restCount: Int32Array;
  restComplexity: Float32Array;
  restFunctions: Int32Array;
  /** The rank–frequency curve: the count of the function at each rank (1 = likeliest), at up to ~200 log-spaced ranks and the last. */
  rankRanks: Int32Array;
  rankCounts: Int32Array;
}

/** The figure data and headline numbers of a tally: aggregated, small whatever the sample count. */
export function summarize(tally: FunctionTally, target: number): { figure: FunctionMapFigure; metrics: { samples: number; distinctFunctions: number; pConstant: number; complexityCorrelation: number } } {
  const order = tally.order();
  const K = Math.min(TOP_FUNCTIONS, order.length);
  const topCounts = new Int32Array(K);
  const topComplexity = new Float32Array(K);
  const topTables = new Uint32Array(4 * K);
  for (let r = 0; r < K; r++) {
    const i = order[r];
    topCounts[r] = tally.counts[i];
    topComplexity[r] = tally.complexityOf(i);
    topTables.set(tally.tables.subarray(4 * i, 4 * i + 4), 4 * r);
  }
  const rest = new Map<string, number>();
  for (let r = K; r < order.length; r++) {
    const i = order[r];
    const key = `${tally.counts[i]}:${tally.complexityOf(i)}`;
    rest.set(key, (rest.get(key) ?? 0) + 1);
  }
  const cells = [...rest].map(([k, n]) => {
    const [count, cx] = k.split(':').map(Number);
    return { count, cx, n };
  });
  const ranks: number[] = [];
  for (let r = 1; r <= order.length; r = Math.max(r + 1, Math.round(r * 1.05))) ranks.push(r);
  if (order.length && ranks.at(-1) !== order.length) ranks.push(order.length);
  // Spearman over the functions seen at least MIN_COUNT times: complexity against log frequency
  const cx: number[] = [];
  const logp: number[] = [];
  for (let r = 0; r < order.length && tally.counts[order[r]] >= MIN_COUNT; r++) {
    cx.push(tally.complexityOf(order[r]));
    logp.push(Math.log10(tally.counts[order[r]] / tally.total));
  }
  return {
    figure: {
      samples: tally.total,
      target,
      topCounts,
      topComplexity,
      topTables,
      restCount: Int32Array.from(cells, (c) => c.count),
      restComplexity: Float32Array.from(cells, (c) => c.cx),
      restFunctions: Int32Array.from(cells, (c) => c.n),
      rankRanks: Int32Array.from(ranks),
      rankCounts: Int32Array.from(ranks, (r) => tally.counts[order[r - 1]]),
    },
    metrics: {
      samples: tally.total,
      distinctFunctions: tally.distinct,
      pConstant: tally.total ? tally.constantCount() / tally.total : NaN,
      complexityCorrelation: cx.length >= 3 ? spearman(cx, logp) : NaN,
    },
  };
}

function samplerPlan(c: Config & { seed: number }): RunPlan {
  const model = functionMapModel(c);
  const data: Dataset = { X: booleanInputs(), Y: new Float32Array(TABLE), n: TABLE, inDim: INPUT_BITS, outDim: 1 };
  const P = buildModel(model).size;
  return {
    data,
    // the lab's run is only a vessel for the predict program: nothing trains
    spec: { model, loss: 'mse', optimizer: { kind: 'sgd' }, lr: 1, initSeeds: Array.from({ length: BATCH }, (_, i) => c.seed + i), batch: TABLE, fused: 1, steps: 1 },
    init: new Float32Array(BATCH * P),
  };
}

export const functionMap = defineExperiment<FunctionMapFigure>()({
  id: 'function-map',
  title: 'Which functions random networks compute',
  fields,
  metrics: {
    samples: 'random networks sampled (each one forward pass on all 128 inputs)',
    distinctFunctions: 'different Boolean functions (truth tables) among them',
    pConstant: 'the share of networks computing one of the two constant functions (always 0 or always 1)',
    complexityCorrelation:
      'Spearman correlation between a function’s Lempel–Ziv complexity and the log of its frequency, over the functions seen at least 10 times (negative: simpler functions are likelier)',
  },
  small: { samples: 5000, width: 16 },
  claims: (m) => [
    ...claim(m.complexityCorrelation < -0.2, `simpler functions should be clearly likelier: complexityCorrelation should be below −0.2 (got ${m.complexityCorrelation})`),
    ...claim(m.pConstant > 0.05, `the constant functions should take a sizeable share of the samples (got ${m.pConstant})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const plan = samplerPlan(c);
    const spec = plan.spec.model;
    const P = buildModel(spec).size;
    const run: LabRun = await ctx.lab.start(plan);
    const X = plan.data.X;
    const tally = new FunctionTally();
    const theta = new Float32Array(BATCH * P);
    const batches = Math.ceil(c.samples / BATCH);
    let nextFigure = 1;
    ctx.report({ figure: { samples: 0, target: c.samples } });
    for (let b = 0; b < batches; b++) {
      const count = Math.min(BATCH, c.samples - b * BATCH);
      if (count < BATCH) theta.fill(0, count * P);
      sampleParams(spec, theta, count, c, b);
      const pred = await run.predict(X, TABLE, theta);
      tallyOutputs(tally, pred, count);
      // the progress bar moves, a pause waits and a stop ends the run here, between batches
      await ctx.checkpoint((b + 1) / batches);
      const last = b === batches - 1;
      if (last || (b + 1) / batches >= nextFigure / (FIGURE_UPDATES + 1)) {
        nextFigure++;
        const s = summarize(tally, c.samples);
        ctx.report({ metrics: s.metrics, figure: s.figure });
      } else {
        ctx.report({ metrics: { samples: tally.total, distinctFunctions: tally.distinct, pConstant: tally.constantCount() / tally.total }, figure: { samples: tally.total } });
      }
    }
    await run.release();
  },
});
