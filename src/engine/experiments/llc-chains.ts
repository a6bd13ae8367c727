/**
 * SGLD chains around a run's w* turned into what chapter 4's LLC figures report: the estimate
 * λ̂ = nβ·(E_w[L_n(w)] − L_n(w*)) per chain and over chains (Lau et al. 2023; devinterp's
 * `estimate_learning_coeff_with_summary`), every chain's health, and thinned traces to draw. One
 * function serves llc-calibration, llc-estimator and effective-parameters, so the three figures
 * estimate and judge chains the same way.
 */
import { type ChainHealth, chainHealth, estimateLLC, type LlcEstimate } from '../analysis/llc';
import type { SgldConfig } from '../analysis/sgld';
import type { LabRun } from '../lab';

/** The traces a figure draws hold at most this many points per chain (every k-th step). */
export const TRACE_POINTS = 400;

/** The chains as a figure draws them. */
export interface ChainTraces {
  /** Step index of each plotted point (every k-th step of the chains, burn-in included). */
  steps: number[];
  /** Per chain, nβ·(L_t − L_n(w*)) at those steps: the quantity whose post-burn-in mean is λ̂. */
  traces: number[][];
  burnin: number;
  /** λ̂ per chain (NaN for a chain with a non-finite draw). */
  perChain: number[];
  /** One line per unhealthy chain ("chain 2: its loss drifts upward …"); empty when all passed. */
  warnings: string[];
}

export interface ChainSummary {
  est: LlcEstimate;
  /** Per chain; empty while no draw past the burn-in exists (a live report during the burn-in). */
  health: ChainHealth[];
  /** Every chain judged and passed: finite, not drifting or exploding, λ̂ ≥ 0. */
  healthy: boolean;
  figure: ChainTraces;
}

/** λ̂, health and thinned traces of (possibly partial) chains: `traces[c]` holds chain c's loss at every step so far. */
export function summarizeChains(traces: Float32Array[], anchorLoss: number, c: Pick<SgldConfig, 'nbeta' | 'burnin' | 'draws'>): ChainSummary {
  const stride = Math.max(1, Math.ceil((c.burnin + c.draws) / TRACE_POINTS));
  const length = traces[0]?.length ?? 0;
  const shown: number[] = [];
  for (let t = 0; t < length; t += stride) shown.push(t);
  const est = estimateLLC(traces, anchorLoss, c.nbeta, c.burnin);
  const health = length > c.burnin ? chainHealth(traces, anchorLoss, c.nbeta, c.burnin) : [];
  return {
    est,
    health,
    healthy: health.length > 0 && health.every((h) => h.reasons.length === 0),
    figure: {
      steps: shown,
      traces: traces.map((tr) => shown.map((t) => c.nbeta * (tr[t] - anchorLoss))),
      burnin: c.burnin,
      perChain: est.perChain,
      warnings: health.filter((h) => h.reasons.length).map((h) => `chain ${h.chain + 1}: ${h.reasons.join('; ')}`),
    },
  };
}

export interface LlcChainsRequest extends Omit<SgldConfig, 'noiseLevel'> {
  /** w* [P]: every chain starts here and is pulled back toward it. */
  anchor: Float32Array;
  /** L_n(w*), the full-batch training loss at the anchor. */
  anchorLoss: number;
  seed: number;
  /** The part of the progress bar the chains fill. */
  share?: [number, number];
  /** After each chunk of steps, the chains so far (a live figure redraws from it). */
  onChunk?: (partial: ChainSummary) => void;
}

/**
 * Sample the chains on `run` (LabRun.sgld: all chains in one program call per step, the noise
 * drawn in JS from the seed) and summarize them. A step size that blows the chains up gives
 * non-finite traces, which the summary flags; nothing throws.
 */
export async function sampleLlc(run: LabRun, r: LlcChainsRequest): Promise<ChainSummary> {
  const sampled = await run.sgld({
    anchor: r.anchor,
    chains: r.chains,
    epsilon: r.epsilon,
    gamma: r.gamma,
    nbeta: r.nbeta,
    draws: r.draws,
    burnin: r.burnin,
    batch: r.batch,
    seed: r.seed,
    share: r.share,
    onChunk: r.onChunk ? (_step, traces) => r.onChunk!(summarizeChains(traces, r.anchorLoss, r)) : undefined,
  });
  return summarizeChains(sampled.traces, r.anchorLoss, r);
}

/** The SGLD settings every LLC figure names alike in its config, as sampleLlc takes them. */
export function chainSettings(c: { chains: number; epsilon: number; gamma: number; nbeta: number; draws: number; burnin: number; seed: number }) {
  return { chains: c.chains, epsilon: c.epsilon, gamma: c.gamma, nbeta: c.nbeta, draws: c.draws, burnin: c.burnin, seed: c.seed };
}

/**
 * When no chain passed its checks there is no estimate to show, only a failed measurement: the
 * message a figure ends on (Context.unconverged), naming what went wrong. Null while any chain passed.
 */
export function failedMeasurement(s: ChainSummary, what = 'λ̂'): string | null {
  if (!s.health.length || s.health.some((h) => h.reasons.length === 0)) return null;
  const first = s.figure.warnings[0] ?? '';
  return `Every SGLD chain failed its checks, so there is no estimate of ${what} at these settings (${first}${s.figure.warnings.length > 1 ? '; and the others likewise' : ''}). Lower the step size ε or check γ and nβ, then run again.`;
}
