/**
 * Stochastic-gradient Langevin dynamics (Welling & Teh 2011, "Bayesian learning via stochastic
 * gradient Langevin dynamics", ICML), localized at an anchor w* as in the local learning
 * coefficient estimator of Lau et al. (2023, "The local learning coefficient: a singularity-aware
 * complexity measure") and the devinterp library. Each chain takes, per step,
 *
 *   Δw = −(ε/2)·(nβ·∇L_B(w) + γ·(w − w*)) + ξ,   ξ ~ N(0, ε·I)
 *
 * with L_B the loss on a minibatch B, nβ the inverse temperature times the dataset size, and γ the
 * localization: the chain samples (approximately) the localized tempered posterior
 * ∝ exp(−nβ·L_n(w) − (γ/2)·‖w − w*‖²).
 *
 * Pure: the gradient comes from an oracle (the lab's gradient program in the page, a plain
 * TypeScript gradient in tests), and the noise from the seeded RNG here — WebGPU has no random
 * ops, and noise drawn in JS replays exactly from the seed on every backend. The chains are an
 * ensemble axis: one oracle call computes every chain's gradient.
 */
import { makeRng, type Rng } from '../random';
import { BatchSampler } from '../sampler';

/** SGLD's hyperparameters, named as in devinterp. */
export interface SgldConfig {
  /** Step size ε (devinterp's `lr`). */
  epsilon: number;
  /** Localization strength γ (devinterp's `localization`). */
  gamma: number;
  /** Inverse temperature times dataset size, nβ (devinterp's `nbeta`); n / log n is β = 1/log n. */
  nbeta: number;
  /** Independent chains (ensemble members), all starting at the anchor. */
  chains: number;
  /** Draws kept per chain, after the burn-in. */
  draws: number;
  /** Steps per chain discarded before the kept draws. */
  burnin: number;
  /** Minibatch size (the dataset size for full-batch Langevin dynamics). */
  batch: number;
  /**
   * Multiplier of the noise's standard deviation (devinterp's `noise_level`): 1 is SGLD; 0 leaves
   * the deterministic drift, gradient descent with step size ε·nβ/2 (a test of the update).
   */
  noiseLevel?: number;
}

/**
 * Defaults calibrated on models whose λ is known (src/engine/experiments/llc-calibration.ts; tests in
 * tests/unit/chapter4.test.ts): linear regression, normal crossing and deep linear networks with
 * O(1) loss curvature, n = 1000 and nβ = n/log n ≈ 145. ε = 10⁻³ keeps the step's bias small:
 * on a quadratic of curvature h, Langevin steps inflate the posterior's variance by
 * 1/(1 − ε·nβ·h/4), about +7% for the MSE's h = 2 (3·10⁻³ read d/2 28% high). The singular
 * models' flat valleys mix slowly — γ = 1 relaxes along them at rate εγ/2 per step — hence 1000
 * burn-in steps and 4000 draws; a larger γ mixes faster but biases λ̂ down (Lau et al. 2023).
 * Scale ε with 1/nβ for a sharper loss or a larger nβ. nβ has no default here: it is n/log n for
 * the data at hand (defaultNbeta in llc.ts).
 */
export const SGLD_DEFAULTS = { epsilon: 1e-3, gamma: 1, chains: 4, draws: 4000, burnin: 1000 } as const satisfies Partial<SgldConfig>;

/**
 * The gradient oracle: at chain parameters θ [E × P] and minibatch indices [E × B] (chain e's batch
 * in row e), the minibatch loss [E] at θ and its gradient [E × P].
 */
export type GradientOracle = (theta: Float32Array, idx: Int32Array) => Promise<{ loss: Float32Array; grad: Float32Array }>;

export interface SgldRun {
  /**
   * Per chain, the minibatch loss at every step (burn-in first, then the kept draws): at w_t, the
   * parameters before step t's update (draw 0 is at the anchor), as devinterp records it.
   */
  traces: Float32Array[];
  /** Where the chains ended [E × P]. */
  theta: Float32Array;
}

/** The SGLD noise stream of chain e of a run seeded `seed` (independent per chain). */
export function chainRng(seed: number, chain: number): Rng {
  return makeRng(seed).fork(1000 + chain);
}

/**
 * One SGLD step for every chain, in place: θ ← θ − (ε/2)(nβ·g + γ(θ − θ*)) + √ε·z, with z the
 * standard normal draws given (one per parameter; zero noise makes it gradient descent with step
 * size ε·nβ/2 plus a pull γε/2 toward the anchor).
 */
export function sgldStep(theta: Float32Array, grad: Float32Array, anchor: Float32Array, noise: Float32Array, c: Pick<SgldConfig, 'epsilon' | 'gamma' | 'nbeta'>): void {
  const half = c.epsilon / 2;
  const scale = Math.sqrt(c.epsilon);
  for (let i = 0; i < theta.length; i++) {
    theta[i] += -half * (c.nbeta * grad[i] + c.gamma * (theta[i] - anchor[i])) + scale * noise[i];
  }
}

export interface SampleOptions {
  /** The run's seed: chain noise and minibatch orders derive from it. */
  seed: number;
  /** Examples in the dataset the oracle indexes. */
  n: number;
  /** After each step (for progress, pausing, live traces): steps done, and the traces (filled up to `step`). */
  onStep?: (step: number, traces: Float32Array[]) => void | Promise<void>;
}

/**
 * Run `chains` SGLD chains from the anchor [E × P] (one row per chain, usually the same w* in
 * every row) for burnin + draws steps. Chain e's noise comes from chainRng(seed, e) and its
 * minibatches from its own shuffled epochs (sampler.ts).
 */
export async function sampleSgld(oracle: GradientOracle, anchor: Float32Array, c: SgldConfig, o: SampleOptions): Promise<SgldRun> {
  const E = c.chains;
  const P = anchor.length / E;
  if (!Number.isInteger(P) || P < 1) throw new RangeError(`the anchor holds ${anchor.length} numbers, not ${E} chains × P`);
  const steps = c.burnin + c.draws;
  const theta = Float32Array.from(anchor);
  const rngs = Array.from({ length: E }, (_, e) => chainRng(o.seed, e));
  const batches = new BatchSampler(o.n, c.batch, Array.from({ length: E }, (_, e) => o.seed * 7919 + e));
  const traces = Array.from({ length: E }, () => new Float32Array(steps));
  const noise = new Float32Array(E * P);
  const noiseLevel = c.noiseLevel ?? 1;
  for (let t = 0; t < steps; t++) {
    const { loss, grad } = await oracle(theta, batches.next(1));
    for (let e = 0; e < E; e++) {
      traces[e][t] = loss[e];
      for (let i = 0; i < P; i++) noise[e * P + i] = noiseLevel * rngs[e].normal();
    }
    sgldStep(theta, grad, anchor, noise, c);
    await o.onStep?.(t + 1, traces);
  }
  return { traces, theta };
}
