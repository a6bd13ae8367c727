/**
 * The grokking task, shared by chapter 5's figures (grokking, fourier-circuit, llc-monitor): modular
 * addition a + b mod p (Power et al. 2022; Nanda et al. 2023), the input one-hot(a) ⊕ one-hot(b)
 * (2p numbers), the answer one of p classes (softmax cross-entropy). All p² pairs are split once by
 * the seed: a fraction `trainFraction` is the training set, the rest the 'test' eval set. The
 * network is an MLP [2p, width, p] (no biases) trained full-batch with AdamW (β₂ = 0.98), measured on a
 * log-spaced schedule of steps: train/test accuracy and loss and the weight norm ‖θ‖₂, keeping
 * parameter checkpoints where asked.
 *
 * No experiment is declared here (the registry finds experiments by module): the figures import it.
 */
import type { TrainingData } from '../experiment';
import type { ConfigOf, FieldTable } from '../fields';
import type { Lab, LabRun, RunPlan } from '../lab';
import { buildModel, type Dataset, type ModelSpec } from '../spec';
import { makeRng, permutation } from '../random';
import type { Activation } from '../models';

/**
 * The settings every grokking figure shares (the seed comes from the frame). trainFraction is
 * bounded so both sets are non-empty at every p of the range: at p = 7 (49 pairs) 0.1 keeps 4 pairs
 * for training and 0.9 keeps 5 for the test (splitPairs guards again).
 */
export const GROKKING_FIELDS = {
  p: { kind: 'int', default: 23, min: 7, max: 61, label: 'Modulus p' },
  trainFraction: { kind: 'float', default: 0.5, min: 0.1, max: 0.9, step: 0.05, label: 'Fraction of the p² pairs trained on' },
  weightDecay: { kind: 'float', default: 1, min: 0, max: 10, step: 0.1, label: 'Weight decay' },
  width: { kind: 'int', default: 256, min: 8, max: 512, label: 'Hidden units' },
  activation: {
    kind: 'enum',
    default: 'quadratic',
    label: 'Activation',
    options: [
      { value: 'quadratic', label: 'quadratic (x²)' },
      { value: 'relu', label: 'ReLU' },
      { value: 'tanh', label: 'tanh' },
    ],
  },
  lr: { kind: 'float', default: 3e-3, min: 1e-5, max: 1, label: 'Learning rate' },
  steps: { kind: 'int', default: 3000, min: 100, max: 20000, step: 100, label: 'Training steps' },
} satisfies FieldTable;

/*
 * The defaults, as measured in Node (one WASM thread), seeds 1–4: training accuracy ≥ 0.99 at step
 * 50–60, test accuracy ≥ 0.95 at 910–1110 (weight decay 1); weight decay 3 at ~570–620, 0.3 at
 * 2610 (seed 1) or past 3000 (seed 2, 0.85 there), 0 never (test accuracy ≈ 0.03 at 3000, the
 * weight norm growing to 63 where decay holds it near 44). A whole run: 3–6 s. Width 128 groks as
 * cleanly (memorized at ~80, test ≥ 0.95 at 1000–1220) in half the time; 256 is SCIENCE.md's and
 * memorizes within ~50 steps.
 */

/** Metrics every grokking figure reports alike (grokking, fourier-circuit), with what they mean. */
export const GROKKING_STEP_METRICS = {
  testAccFinal: 'accuracy on the held-out pairs at the last step',
  stepTrain99: 'first measured step with training accuracy ≥ 0.99 (memorization); −1 if never',
  stepTest95: 'first measured step with held-out accuracy ≥ 0.95 (generalization); −1 if never',
} as const;

/** The small configuration of every grokking figure, for a software WebGPU adapter and the generic tests. */
export const GROKKING_SMALL = { p: 11, width: 32, steps: 200 } as const;

export type GrokkingFields = typeof GROKKING_FIELDS;
/** A grokking run's settings: the shared table's values and the frame's seed. */
export type GrokkingConfig = ConfigOf<GrokkingFields> & { seed: number };

/** AdamW's β₂ for this task (Nanda et al. 2023 use 0.98: the second moment follows the slow drift of weight decay). */
export const GROK_BETA2 = 0.98;
/** Steps fused in one program call; every measurement lands on a multiple of it. */
export const GROK_FUSED = 10;

/** The task's data: the split pairs and both datasets. Pair index i = a·p + b. */
export interface ModularAdditionTask {
  p: number;
  /** Pair indices (a·p + b) trained on, and held out. */
  trainPairs: Int32Array;
  testPairs: Int32Array;
  /** 1 where pair a·p + b is a training pair, 0 where it is a test pair [p²]. */
  isTrain: Uint8Array;
  train: Dataset;
  test: Dataset;
}

/** How many of the p² pairs train, clamped so both sets keep at least one pair. */
export function trainCount(p: number, trainFraction: number): number {
  const n = p * p;
  const f = Number.isFinite(trainFraction) ? trainFraction : 0.5;
  return Math.min(n - 1, Math.max(1, Math.round(f * n)));
}

function pairsData(p: number, pairs: Int32Array): Dataset {
  const n = pairs.length;
  const X = new Float32Array(n * 2 * p);
  const Y = new Float32Array(n * p);
  for (let i = 0; i < n; i++) {
    const a = Math.floor(pairs[i] / p);
    const b = pairs[i] % p;
    X[i * 2 * p + a] = 1;
    X[i * 2 * p + p + b] = 1;
    Y[i * p + ((a + b) % p)] = 1;
  }
  return { X, Y, n, inDim: 2 * p, outDim: p };
}

/** Modular addition mod p with a seeded split of all p² pairs (the same split for the same seed, p and fraction). */
export function modularAddition(p: number, trainFraction: number, seed: number): ModularAdditionTask {
  if (!Number.isInteger(p) || p < 2) throw new RangeError(`modulus p must be a whole number ≥ 2 (got ${p})`);
  const order = permutation(makeRng(seed).fork(53), p * p);
  const nTrain = trainCount(p, trainFraction);
  const trainPairs = Int32Array.from(order.subarray(0, nTrain)).sort();
  const testPairs = Int32Array.from(order.subarray(nTrain)).sort();
  const isTrain = new Uint8Array(p * p);
  for (const i of trainPairs) isTrain[i] = 1;
  return { p, trainPairs, testPairs, isTrain, train: pairsData(p, trainPairs), test: pairsData(p, testPairs) };
}

/**
 * The network of a grokking run: an MLP [2p, width, p] without biases, as Gromov (2023) — the
 * hidden unit reads (u_a + v_b)², the embeddings' sum squared, nothing else. Measured in Node at
 * p = 23, 50% train, width 128, lr 10⁻², weight decay 1, seed 1: with biases the test accuracy was
 * still 0.92 at step 2000 (0.59 at lr 3·10⁻³), without them it passed 0.95 at step 750 (1110 at
 * 3·10⁻³); a smaller init (initScale 0.5) changed little either way, so the default init stays.
 */
export function grokkingModel(c: Pick<GrokkingConfig, 'p' | 'width' | 'activation'>): ModelSpec {
  return { kind: 'mlp', widths: [2 * c.p, c.width, c.p], activation: c.activation as Activation, bias: false };
}

/** One member (seeded by config.seed), full-batch AdamW on the task's training pairs, 'test' the held-out pairs. */
export function grokkingPlan(c: GrokkingConfig, task: ModularAdditionTask = modularAddition(c.p, c.trainFraction, c.seed)): RunPlan {
  return {
    data: task.train,
    evals: [{ name: 'test', data: task.test, loss: 'softmax-ce' }],
    spec: {
      model: grokkingModel(c),
      loss: 'softmax-ce',
      optimizer: { kind: 'adamw', beta1: 0.9, beta2: GROK_BETA2, weightDecay: c.weightDecay },
      lr: c.lr,
      initSeeds: [c.seed],
      batch: task.train.n,
      fused: GROK_FUSED,
      steps: roundUp(c.steps, GROK_FUSED),
    },
  };
}

const roundUp = (v: number, k: number) => Math.max(k, Math.ceil(v / k) * k);

/**
 * The steps measured: every `fused` steps up to 100 (memorization happens within tens of steps),
 * then about 24 per decade (log-spaced, on multiples of `fused`), and the last step.
 */
export function measureSteps(steps: number, fused = GROK_FUSED): number[] {
  const last = roundUp(steps, fused);
  const out = new Set<number>();
  for (let s = fused; s <= Math.min(100, last); s += fused) out.add(s);
  for (let e = 2; ; e += 1 / 24) {
    const s = roundUp(Math.round(10 ** e), fused);
    if (s >= last) break;
    out.add(s);
  }
  out.add(last);
  return [...out].sort((a, b) => a - b);
}

/** What is measured at one step (one member). */
export interface GrokMeasurement {
  step: number;
  trainAcc: number;
  testAcc: number;
  trainLoss: number;
  testLoss: number;
  /** ‖θ‖₂ over every parameter, biases included. */
  weightNorm: number;
}

/** Every measurement so far, as columns (what the figures draw). */
export interface GrokTrace {
  steps: number[];
  trainAcc: number[];
  testAcc: number[];
  trainLoss: number[];
  testLoss: number[];
  weightNorm: number[];
}

/** The parameters of the run's one member [P] at a measured step. */
export interface GrokCheckpoint {
  step: number;
  params: Float32Array;
}

export interface TrainGrokkingOptions {
  /** The task (default: modularAddition from the config). */
  task?: ModularAdditionTask;
  /** Keep the parameters at these steps (each rounded up to a measured step), or at every measurement ('all'). Default none. */
  checkpoints?: number[] | 'all';
  /** The progress bar's share for this run. */
  share?: [number, number];
  /** After each measurement: the trace so far (copies), this measurement and its checkpoint if one was kept. */
  onMeasure?: (trace: GrokTrace, m: GrokMeasurement, checkpoint: GrokCheckpoint | null) => void | Promise<void>;
}

export interface GrokkingResult {
  task: ModularAdditionTask;
  /** The run, trained to its last step (the caller releases it, or the host does at the end). */
  run: LabRun;
  trace: GrokTrace;
  checkpoints: GrokCheckpoint[];
}

export const emptyTrace = (): GrokTrace => ({ steps: [], trainAcc: [], testAcc: [], trainLoss: [], testLoss: [], weightNorm: [] });

export function copyTrace(t: GrokTrace): GrokTrace {
  return { steps: [...t.steps], trainAcc: [...t.trainAcc], testAcc: [...t.testAcc], trainLoss: [...t.trainLoss], testLoss: [...t.testLoss], weightNorm: [...t.weightNorm] };
}

export function l2norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** Train a grokking run to config.steps, measuring on measureSteps' schedule and keeping the checkpoints asked for. */
export async function trainGrokking(lab: Lab, c: GrokkingConfig, opts: TrainGrokkingOptions = {}): Promise<GrokkingResult> {
  const task = opts.task ?? modularAddition(c.p, c.trainFraction, c.seed);
  const plan = grokkingPlan(c, task);
  const run = await lab.start(plan, opts.share ? { share: opts.share } : undefined);
  const schedule = measureSteps(plan.spec.steps);
  const keep = new Set<number>();
  if (opts.checkpoints === 'all') for (const s of schedule) keep.add(s);
  else for (const want of opts.checkpoints ?? []) {
    const s = schedule.find((t) => t >= want);
    if (s !== undefined) keep.add(s);
  }
  const trace = emptyTrace();
  const checkpoints: GrokCheckpoint[] = [];
  for (const step of schedule) {
    await run.trainTo(step);
    const [train, test] = await run.evaluate(['train', 'test']);
    const params = await run.params();
    const m: GrokMeasurement = {
      step,
      trainAcc: train.acc?.[0] ?? NaN,
      testAcc: test.acc?.[0] ?? NaN,
      trainLoss: train.loss[0],
      testLoss: test.loss[0],
      weightNorm: l2norm(params),
    };
    trace.steps.push(step);
    trace.trainAcc.push(m.trainAcc);
    trace.testAcc.push(m.testAcc);
    trace.trainLoss.push(m.trainLoss);
    trace.testLoss.push(m.testLoss);
    trace.weightNorm.push(m.weightNorm);
    const checkpoint = keep.has(step) ? { step, params } : null;
    if (checkpoint) checkpoints.push(checkpoint);
    await opts.onMeasure?.(copyTrace(trace), m, checkpoint);
  }
  return { task, run, trace, checkpoints };
}

/** The first measured step whose value is ≥ threshold, or −1 if none is. */
export function firstStepAtLeast(steps: readonly number[], values: readonly number[], threshold: number): number {
  for (let i = 0; i < steps.length; i++) if (values[i] >= threshold) return steps[i];
  return -1;
}

/** Where memorization is read: the first step with train accuracy ≥ 0.99. */
export const TRAIN_THRESHOLD = 0.99;
/** Where generalization is read: the first step with test accuracy ≥ 0.95. */
export const TEST_THRESHOLD = 0.95;

/**
 * The first layer's weights as the embeddings of a and b: W0 is [2p, width], row a the embedding
 * of residue a (input one-hot(a)), row p + b that of b. Returns each as [p × width] row-major.
 */
export function embeddings(params: Float32Array, c: Pick<GrokkingConfig, 'p' | 'width' | 'activation'>): { a: Float32Array; b: Float32Array } {
  const model = buildModel(grokkingModel(c));
  const W0 = model.params.find((q) => q.name === 'W0');
  if (!W0) throw new Error('grokking model has no first layer W0');
  const block = c.p * c.width;
  return { a: params.slice(W0.offset, W0.offset + block), b: params.slice(W0.offset + block, W0.offset + 2 * block) };
}

/** The split as a figure's training data: every pair (a, b) a point, coloured by the set it is in. */
export function splitTrainingData(c: Pick<GrokkingConfig, 'p' | 'trainFraction' | 'seed'>): Extract<TrainingData, { kind: 'classes' }> {
  const task = modularAddition(c.p, c.trainFraction, c.seed);
  const n = c.p * c.p;
  const points = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    points[2 * i] = Math.floor(i / c.p);
    points[2 * i + 1] = i % c.p;
    labels[i] = task.isTrain[i] ? 0 : 1;
  }
  return {
    kind: 'classes',
    points,
    labels,
    classes: ['trained on', 'held out (test)'],
    xTitle: 'a',
    yTitle: 'b',
    note: `All ${n} pairs (a, b) of residues mod ${c.p}; the network learns a + b mod ${c.p} from the ${task.trainPairs.length} it is trained on and is tested on the other ${task.testPairs.length}.`,
  };
}
