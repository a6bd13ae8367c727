/**
 * The algorithm that emerged (Nanda et al. 2023; Gromov 2023): the grokking run of grokking.ts,
 * with the first layer's weights read at every measurement. Row a of W0 is the embedding of the
 * residue a (its input one-hot(a)), row p + b that of b: as functions of the residue r = 0…p−1,
 * hidden unit j's weights u_j(r), v_j(r) have a discrete Fourier transform over ℤ_p. A network
 * that adds mod p with the trigonometric algorithm (cos ω(a + b) = cos ωa cos ωb − sin ωa sin ωb,
 * ω = 2πk/p) reads each residue through cos and sin of a few ωr, and Gromov shows a
 * quadratic-activation MLP finds such a solution, each unit on a single frequency.
 *
 * Energy: the squared norm. For unit j and frequency k = 1…(p−1)/2, its energy along
 * cos(2πkr/p) and sin(2πkr/p) together, a's and b's embeddings together:
 * E_jk = (2/p)·(|û_j(k)|² + |v̂_j(k)|²), so that Σ_k E_jk + E_j0 = ‖u_j‖² + ‖v_j‖² (Parseval, p odd).
 * The constant part k = 0 (the same weight for every residue: nothing about which residue it is)
 * is left out of every share; its own share of the total is reported as `constantShareFinal`.
 *
 * What was measured (p = 23, width 256, seeds 1–2): the Fourier share — the energy in each unit's
 * own strongest frequency, over all units' energy — is 0.29 at memorization (step 50–60; random
 * weights read ~0.22) and 0.92 at step 3000; 90% of a unit's energy sits in 1.1–1.2 frequencies
 * on average (keyFrequencies). The network as a whole, though, spreads its energy evenly over 10
 * of the 11 frequencies (frequenciesUsed; the top 3 hold 0.28 throughout): unlike the few key
 * frequencies Nanda et al. found in a transformer, this MLP's units share out every frequency,
 * as the max-margin solution of such a network does (Morwani et al. 2023, "Feature emergence via
 * margin maximization"). Without weight decay the share only reaches ~0.4 and the units stay
 * spread over ~7 frequencies each.
 */
import { claim, defineExperiment } from '../experiment';
import {
  embeddings,
  firstStepAtLeast,
  GROKKING_FIELDS,
  GROKKING_SMALL,
  GROKKING_STEP_METRICS,
  type GrokkingConfig,
  type GrokTrace,
  splitTrainingData,
  TEST_THRESHOLD,
  TRAIN_THRESHOLD,
  trainGrokking,
} from './grokking-task';

/** How many of the whole network's strongest frequencies `topShareFinal` counts (of (p − 1)/2 = 11 at p = 23). */
export const TOP_FREQUENCIES = 3;
/** keyFrequencies and frequenciesUsed: how many frequencies, strongest first, it takes to carry this share of the energy. */
export const KEY_SHARE = 0.9;

/**
 * The energy of p × width embeddings (row-major, row r the residue r) per frequency k = 0…(p−1)/2,
 * added into `out` (length ⌊p/2⌋ + 1): E_0 = (1/p)·Σ_j (Σ_r w_jr)², E_k = (2/p)·Σ_j |Σ_r w_jr e^{−2πikr/p}|².
 */
export function addSpectrum(emb: Float32Array, p: number, width: number, out: Float64Array): Float64Array {
  const K = Math.floor(p / 2);
  const cos = new Float64Array(p);
  const sin = new Float64Array(p);
  for (let k = 0; k <= K; k++) {
    for (let r = 0; r < p; r++) {
      cos[r] = Math.cos((2 * Math.PI * k * r) / p);
      sin[r] = Math.sin((2 * Math.PI * k * r) / p);
    }
    let e = 0;
    for (let j = 0; j < width; j++) {
      let re = 0;
      let im = 0;
      for (let r = 0; r < p; r++) {
        const w = emb[r * width + j];
        re += w * cos[r];
        im += w * sin[r];
      }
      e += re * re + im * im;
    }
    // k and p − k are the same real frequency; p even has a Nyquist term counted once
    out[k] += ((k === 0 || 2 * k === p ? 1 : 2) / p) * e;
  }
  return out;
}

/**
 * Each hidden unit's spectrum: unit j's energy per frequency k = 0…⌊p/2⌋ over both its
 * embeddings (u_j from the a rows, v_j from the b rows), [width × (⌊p/2⌋ + 1)] row-major.
 */
export function unitSpectra(params: Float32Array, c: Pick<GrokkingConfig, 'p' | 'width' | 'activation'>): Float64Array {
  const { a, b } = embeddings(params, c);
  const K1 = Math.floor(c.p / 2) + 1;
  const out = new Float64Array(c.width * K1);
  const col = new Float32Array(c.p);
  for (let j = 0; j < c.width; j++) {
    const spec = out.subarray(j * K1, (j + 1) * K1);
    for (const emb of [a, b]) {
      for (let r = 0; r < c.p; r++) col[r] = emb[r * c.width + j];
      addSpectrum(col, c.p, 1, spec);
    }
  }
  return out;
}

/** Per-unit summaries of unitSpectra, each unit weighted by its non-constant energy. */
export function unitSummary(spectra: Float64Array, width: number): { concentration: number; keyPerUnit: number } {
  const K1 = spectra.length / width;
  let best = 0;
  let key = 0;
  let total = 0;
  for (let j = 0; j < width; j++) {
    const shares = Array.from(spectra.subarray(j * K1 + 1, (j + 1) * K1));
    const e = shares.reduce((s, v) => s + v, 0);
    if (!(e > 0)) continue;
    best += Math.max(...shares);
    key += e * keyFrequencyCount(shares.map((v) => v / e));
    total += e;
  }
  return { concentration: total > 0 ? best / total : NaN, keyPerUnit: total > 0 ? key / total : NaN };
}

/** The spectrum of a checkpoint: both embeddings' energy per frequency k = 0…⌊p/2⌋. */
export function embeddingSpectrum(params: Float32Array, c: Pick<GrokkingConfig, 'p' | 'width' | 'activation'>): Float64Array {
  const { a, b } = embeddings(params, c);
  const out = new Float64Array(Math.floor(c.p / 2) + 1);
  addSpectrum(a, c.p, c.width, out);
  addSpectrum(b, c.p, c.width, out);
  return out;
}

/** Shares of the non-constant energy per frequency k = 1…⌊p/2⌋ (index k − 1). */
export function frequencyShares(spectrum: ArrayLike<number>): number[] {
  const rest = Array.from(spectrum).slice(1);
  const total = rest.reduce((s, v) => s + v, 0);
  return rest.map((v) => (total > 0 ? v / total : NaN));
}

/** The share carried by the `top` strongest frequencies. */
export function topShare(shares: number[], top = TOP_FREQUENCIES): number {
  return [...shares].sort((x, y) => y - x).slice(0, top).reduce((s, v) => s + v, 0);
}

/** How many frequencies, strongest first, carry `share` of the non-constant energy. */
export function keyFrequencyCount(shares: number[], share = KEY_SHARE): number {
  const sorted = [...shares].sort((x, y) => y - x);
  let s = 0;
  for (let i = 0; i < sorted.length; i++) {
    s += sorted[i];
    if (s >= share - 1e-12) return i + 1;
  }
  return sorted.length;
}

/** How many hidden units the figure shows frequency by frequency (the first ones: units are exchangeable). */
export const UNITS_SHOWN = 48;

export interface FourierCircuitFigure extends GrokTrace {
  /** The frequencies of the spectra, k = 1…⌊p/2⌋. */
  frequencies: number[];
  /** Per checkpoint (one per measurement, the steps of `steps`): each frequency's share of the whole network's non-constant embedding energy. */
  shares: number[][];
  /** Per checkpoint: the constant part's (k = 0) share of the whole embedding energy. */
  constantShare: number[];
  /** Per checkpoint: the share of the TOP_FREQUENCIES strongest frequencies of the whole network's spectrum. */
  topShare: number[];
  /** Per checkpoint: the Fourier share, each unit's energy in its own strongest frequency (fourierShare*). */
  unitShare: number[];
  /** Per checkpoint: each shown unit's shares per frequency, [units × frequencies] row-major (each row sums to 1). */
  units: number[][];
  /** How many units `units` holds per checkpoint. */
  unitsShown: number;
  /** Index (into steps) of the memorization checkpoint, train accuracy ≥ 0.99 first; −1 until then. */
  memorizedAt: number;
  stepTrain99: number;
  stepTest95: number;
  /** How many frequencies carry 90% of the whole network's non-constant energy, at the latest checkpoint. */
  frequenciesUsed: number;
}

export const fourierCircuit = defineExperiment<FourierCircuitFigure>()({
  id: 'fourier-circuit',
  title: 'The algorithm that emerged',
  fields: GROKKING_FIELDS,
  metrics: {
    keyFrequencies: `how many frequencies, strongest first, carry ${KEY_SHARE * 100}% of a hidden unit’s embedding energy (squared norm of its first-layer weights over the residues, constant part left out), averaged over units weighted by their energy, at the last step`,
    fourierShareEarly: 'the Fourier share at the memorization checkpoint (training accuracy ≥ 0.99 first; the first checkpoint if never): the share of the embedding energy (constant part left out) that lies in each hidden unit’s own strongest frequency, over all units',
    fourierShareFinal: 'the Fourier share at the last step',
    frequenciesUsed: `how many frequencies, strongest first, carry ${KEY_SHARE * 100}% of the whole network’s embedding energy (all units together, constant part left out) at the last step`,
    topShareFinal: `share of the whole network’s embedding energy in its ${TOP_FREQUENCIES} strongest frequencies at the last step`,
    constantShareFinal: 'share of the embeddings’ whole energy in the constant part (frequency 0) at the last step',
    ...GROKKING_STEP_METRICS,
  },
  small: GROKKING_SMALL,
  trainingData: (c) => splitTrainingData(c),
  claims: (m) => [
    ...claim(m.stepTrain99 >= 0 && m.stepTest95 > m.stepTrain99, `the run should memorize (step ${m.stepTrain99}) and then generalize (step ${m.stepTest95})`),
    ...claim(m.fourierShareFinal >= 2 * m.fourierShareEarly, `the Fourier share should rise sharply from memorization (${m.fourierShareEarly}) to the end (${m.fourierShareFinal})`),
    ...claim(m.keyFrequencies <= 2, `each unit should end on one or two frequencies (${m.keyFrequencies} carry ${KEY_SHARE * 100}% of a unit’s energy)`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const K = Math.floor(c.p / 2);
    const frequencies = Array.from({ length: K }, (_, i) => i + 1);
    const unitsShown = Math.min(UNITS_SHOWN, c.width);
    const fig = { shares: [] as number[][], constantShare: [] as number[], topShare: [] as number[], unitShare: [] as number[], units: [] as number[][] };
    let memorizedAt = -1;
    const result = await trainGrokking(ctx.lab, c, {
      checkpoints: 'all',
      onMeasure: (trace, mm, checkpoint) => {
        const per = unitSpectra(checkpoint!.params, c);
        const spectrum = new Float64Array(K + 1);
        for (let j = 0; j < c.width; j++) for (let k = 0; k <= K; k++) spectrum[k] += per[j * (K + 1) + k];
        const total = spectrum.reduce((s, v) => s + v, 0);
        const sh = frequencyShares(spectrum);
        const unit = unitSummary(per, c.width);
        const rows: number[] = [];
        for (let j = 0; j < unitsShown; j++) {
          const row = Array.from(per.subarray(j * (K + 1) + 1, (j + 1) * (K + 1)));
          const e = row.reduce((s, v) => s + v, 0);
          for (const v of row) rows.push(e > 0 ? v / e : 0);
        }
        fig.shares.push(sh);
        fig.constantShare.push(total > 0 ? spectrum[0] / total : NaN);
        fig.topShare.push(topShare(sh));
        fig.unitShare.push(unit.concentration);
        fig.units.push(rows);
        const stepTrain99 = firstStepAtLeast(trace.steps, trace.trainAcc, TRAIN_THRESHOLD);
        const stepTest95 = firstStepAtLeast(trace.steps, trace.testAcc, TEST_THRESHOLD);
        if (memorizedAt < 0 && stepTrain99 >= 0) memorizedAt = trace.steps.length - 1;
        const frequenciesUsed = keyFrequencyCount(sh);
        ctx.report({
          metrics: {
            keyFrequencies: unit.keyPerUnit,
            fourierShareEarly: fig.unitShare[Math.max(0, memorizedAt)],
            fourierShareFinal: unit.concentration,
            frequenciesUsed,
            topShareFinal: fig.topShare.at(-1)!,
            constantShareFinal: fig.constantShare.at(-1)!,
            testAccFinal: mm.testAcc,
            stepTrain99,
            stepTest95,
          },
          figure: {
            ...trace,
            frequencies,
            shares: [...fig.shares],
            constantShare: [...fig.constantShare],
            topShare: [...fig.topShare],
            unitShare: [...fig.unitShare],
            units: [...fig.units],
            unitsShown,
            memorizedAt,
            stepTrain99,
            stepTest95,
            frequenciesUsed,
          },
        });
      },
    });
    // the spectra are all the figure needs: let the parameters go
    result.checkpoints.length = 0;
    await result.run.release();
  },
});
