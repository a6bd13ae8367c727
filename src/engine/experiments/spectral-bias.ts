/**
 * Spectral bias (Rahaman et al. 2019, "On the spectral bias of neural networks"): an MLP fitting a
 * sum of sines learns the low frequencies first. The target is
 *
 *   f(x) = Σ_{k=1..K} A_k sin(2πk x + φ_k),   x on a uniform grid of N points over [0, 1),
 *
 * with random phases φ_k from the seed. At checkpoints the network's output on the same grid is
 * Fourier transformed; |F̂(k)| = (2/N)|Σₙ f̂(xₙ) e^{−2πikn/N}| is exactly A_k for the target, so
 * |F̂(k)|/A_k is how much of frequency k has been learned (1 = all of it). A frequency counts as
 * learned at the first checkpoint where that ratio reaches ½.
 */
import { claim, type ConfigFor, defineExperiment, type TrainingData } from '../experiment';
import type { FieldTable } from '../fields';
import type { RunPlan } from '../lab';
import { makeRng } from '../random';
import { buildModel, type Dataset, type ModelSpec } from '../spec';
import { mean, spearman } from '../stats';

/** Grid points over [0, 1): the training set and the DFT's samples (Nyquist N/2 ≫ the highest K). */
export const GRID_N = 128;
/** A frequency is learned once its normalized amplitude reaches this. */
export const LEARNED_AT = 0.5;
/** Checkpoints over the run (the heatmap's columns). */
export const CHECKPOINTS = 60;

export const AMPLITUDE_PRESETS = ['equal', 'decaying', 'rising'] as const;
export type AmplitudePreset = (typeof AMPLITUDE_PRESETS)[number];

/** The target amplitude of each frequency k = 1…K: all 1, falling from 1 to 1/K, or rising from 1/K to 1. */
export function amplitudes(preset: string, K: number): number[] {
  return Array.from({ length: K }, (_, i) => {
    const k = i + 1;
    if (preset === 'decaying') return (K + 1 - k) / K;
    if (preset === 'rising') return k / K;
    return 1;
  });
}

export function sumOfSines(c: { maxFrequency: number; amplitudes: string; seed: number }): Dataset & { A: number[]; phases: number[] } {
  const K = c.maxFrequency;
  const A = amplitudes(c.amplitudes, K);
  const rng = makeRng(c.seed).fork(9);
  const phases = A.map(() => 2 * Math.PI * rng.uniform());
  const X = new Float32Array(GRID_N);
  const Y = new Float32Array(GRID_N);
  for (let n = 0; n < GRID_N; n++) {
    const t = n / GRID_N;
    X[n] = 2 * t - 1;
    let y = 0;
    for (let k = 1; k <= K; k++) y += A[k - 1] * Math.sin(2 * Math.PI * k * t + phases[k - 1]);
    Y[n] = y;
  }
  return { X, Y, n: GRID_N, inDim: 1, outDim: 1, A, phases };
}

/** F̂(k) = (2/N) Σₙ fₙ e^{−2πikn/N} for k = 1…K, of samples f on the uniform grid xₙ = n/N, as [re, im]. */
export function dft(f: ArrayLike<number>, K: number): [number, number][] {
  const N = f.length;
  return Array.from({ length: K }, (_, i) => {
    const k = i + 1;
    let re = 0, im = 0;
    for (let n = 0; n < N; n++) {
      re += f[n] * Math.cos((2 * Math.PI * k * n) / N);
      im -= f[n] * Math.sin((2 * Math.PI * k * n) / N);
    }
    return [(2 / N) * re, (2 / N) * im];
  });
}

/**
 * How much of each target frequency the fit has learned: the fit's Fourier coefficient projected on
 * the target's, Re(F̂(k)·conj(T̂(k)))/|T̂(k)|² — 1 when the fit carries A_k at the right phase, ≈ 0
 * at initialization. (The plain ratio |F̂(k)|/A_k would count a small target's init noise, at any
 * phase, as learned.)
 */
export function learnedAmplitudes(fit: ArrayLike<number>, target: ArrayLike<number>, K: number): number[] {
  const F = dft(fit, K);
  return dft(target, K).map(([tr, ti], i) => (F[i][0] * tr + F[i][1] * ti) / (tr * tr + ti * ti));
}

/**
 * Spearman's ρ between frequency and the step at which it was first learned, over the frequencies
 * learned (firstLearned ≥ 0); 0 when fewer than two were, or all at once (no order to measure).
 */
export function learnOrder(firstLearned: number[]): number {
  const ks = firstLearned.map((_, i) => i + 1).filter((_, i) => firstLearned[i] >= 0);
  const rho = spearman(ks, firstLearned.filter((s) => s >= 0));
  return Number.isFinite(rho) ? rho : 0;
}

const fields = {
  maxFrequency: { kind: 'int', default: 10, min: 2, max: 20, label: 'Highest frequency K' },
  amplitudes: {
    kind: 'enum',
    default: 'equal',
    label: 'Amplitudes',
    options: [
      { value: 'equal', label: 'equal (all 1)' },
      { value: 'decaying', label: 'decaying (1 down to 1/K)' },
      { value: 'rising', label: 'rising (1/K up to 1)' },
    ],
  },
  width: { kind: 'int', default: 64, min: 8, max: 256, label: 'Hidden units per layer' },
  depth: { kind: 'int', default: 4, min: 1, max: 6, label: 'Hidden layers' },
  steps: { kind: 'int', default: 1200, min: 60, max: 20000, step: 60, label: 'Steps' },
  lr: { kind: 'float', default: 0.002, min: 1e-5, max: 0.1, label: 'Learning rate (Adam)' },
} satisfies FieldTable;

/** A run's settings, as the field table types them (the seed included). */
export type SpectralConfig = ConfigFor<typeof fields>;

/**
 * PyTorch's default initialization of a dense layer: weights and biases U(−1/√fan_in, 1/√fan_in).
 * The biases matter here: with the book's zero biases every first-layer ReLU of a 1-D input would
 * bend at x = 0, and the network would first have to spread its kinks before it could bend anywhere
 * else; with these, the first layer's kinks −b/w start spread over the input range.
 */
export function torchInit(spec: ModelSpec, seed: number): Float32Array {
  const model = buildModel(spec);
  const rng = makeRng(seed).fork(10);
  const theta = new Float32Array(model.size);
  let lastFanIn = 1;
  for (const p of model.params) {
    // W is [fan_in, fan_out]; its layer's bias follows it and shares its fan_in
    const fanIn = p.isBias ? lastFanIn : p.shape[0];
    if (!p.isBias) lastFanIn = fanIn;
    const bound = 1 / Math.sqrt(fanIn);
    for (let i = 0; i < p.size; i++) theta[p.offset + i] = bound * (2 * rng.uniform() - 1);
  }
  return theta;
}

export function spectralPlan(c: SpectralConfig): RunPlan {
  const { X, Y, n, inDim, outDim } = sumOfSines(c);
  const model: ModelSpec = { kind: 'mlp', widths: [1, ...Array.from({ length: c.depth }, () => c.width), 1], activation: 'relu' };
  return {
    data: { X, Y, n, inDim, outDim },
    init: torchInit(model, c.seed),
    spec: {
      model,
      loss: 'mse',
      optimizer: { kind: 'adam' },
      lr: c.lr,
      initSeeds: [c.seed],
      batch: GRID_N,
      fused: 10,
      steps: c.steps,
    },
  };
}

export interface SpectralFigure {
  /** Frequencies 1…K and their target amplitudes. */
  amplitudes: number[];
  /** Steps of the checkpoints measured so far. */
  checkpoints: number[];
  /** Normalized learned amplitude |F̂(k)|/A_k, one row of K per checkpoint. */
  learned: number[][];
  /** Step at which each frequency was first learned (−1: not yet). */
  firstLearned: number[];
  /** The grid, the target on it, and the network's output at the latest checkpoint. */
  xs: Float32Array;
  target: Float32Array;
  fit: Float32Array;
}

export const spectralBias = defineExperiment<SpectralFigure>()({
  id: 'spectral-bias',
  title: 'Spectral bias: low frequencies first',
  fields,
  metrics: {
    step: 'training steps done',
    loss: 'training loss (mean squared error over the grid) at the step before the latest update',
    learnOrderSpearman: 'Spearman’s rank correlation between frequency and the step it was first learned (|F̂(k)| ≥ ½A_k), over the frequencies learned so far; 1 = learned strictly from low to high; 0 when fewer than two are learned',
    firstLearnedLow: 'step at which frequency 1 was first learned (−1: not yet)',
    firstLearnedHigh: 'step at which the highest frequency K was first learned (−1: not yet)',
    frequenciesLearned: 'how many of the K frequencies have been learned so far',
  },
  small: { steps: 60, width: 16, depth: 2 },
  trainingData: (c) => {
    const d = sumOfSines(c);
    return {
      kind: 'curve',
      xs: d.X,
      ys: d.Y,
      xTitle: 'x',
      yTitle: 'target f(x)',
      note: `The ${GRID_N} training points: a sum of sines of frequencies 1–${c.maxFrequency} (${c.amplitudes} amplitudes, phases from the seed), evenly spaced over [0, 1).`,
    } satisfies TrainingData;
  },
  claims: (m) => [
    ...claim(m.learnOrderSpearman >= 0.9, `frequencies should be learned in order, low to high (Spearman ${m.learnOrderSpearman})`),
    ...claim(m.firstLearnedLow >= 0 && m.firstLearnedHigh >= 0, `both the lowest and the highest frequency should be learned within the run (${m.firstLearnedLow}, ${m.firstLearnedHigh})`),
    ...claim(m.firstLearnedHigh > m.firstLearnedLow, `the highest frequency should be learned after the lowest (${m.firstLearnedHigh} vs ${m.firstLearnedLow})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const K = c.maxFrequency;
    const target = sumOfSines(c);
    const plan = spectralPlan(c);
    const run = await ctx.lab.start(plan);
    const every = Math.max(1, Math.round(c.steps / CHECKPOINTS));
    const checkpoints: number[] = [];
    const learned: number[][] = [];
    const firstLearned = new Array<number>(K).fill(-1);
    let start: Float32Array | null = null;
    const measure = async (step: number, loss?: number) => {
      const fit = (await run.predict(target.X, GRID_N)).slice(0, GRID_N);
      start ??= fit;
      const ratio = learnedAmplitudes(fit.map((v, i) => v - start![i]), target.Y, K);
      checkpoints.push(step);
      learned.push(ratio);
      ratio.forEach((r, i) => {
        if (firstLearned[i] < 0 && r >= LEARNED_AT) firstLearned[i] = step;
      });
      ctx.report({
        metrics: {
          step,
          ...(loss !== undefined && Number.isFinite(loss) ? { loss } : {}),
          learnOrderSpearman: learnOrder(firstLearned),
          firstLearnedLow: firstLearned[0],
          firstLearnedHigh: firstLearned[K - 1],
          frequenciesLearned: firstLearned.filter((s) => s >= 0).length,
        },
        figure: { amplitudes: target.A, checkpoints: [...checkpoints], learned: learned.map((r) => [...r]), firstLearned: [...firstLearned], fit },
      });
    };
    ctx.report({ figure: { xs: target.X, target: target.Y, amplitudes: target.A } });
    await measure(0);
    for (let s = every; s <= c.steps; s = Math.min(c.steps, s + every)) {
      const chunk = await run.trainTo(s);
      await measure(s, chunk ? mean(chunk.loss) : undefined);
      if (s === c.steps) break;
    }
  },
});
