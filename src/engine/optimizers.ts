/**
 * Optimizers, written twice: as graph ops (the update runs inside the training graph, on the
 * flat parameter vector θ ∈ ℝ^{E×P}) and as a plain-TypeScript reference the tests compare with.
 *
 *   SGD:       θ ← θ − η (g + λθ)
 *   momentum:  v ← μv + (g + λθ);  θ ← θ − ηv
 *   Adam:      m ← β₁m + (1−β₁)g';  v ← β₂v + (1−β₂)g'²;  θ ← θ − η m̂ / (√v̂ + ε),  g' = g + λθ
 *              m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)          (Kingma & Ba 2015)
 *   AdamW:     as Adam with g' = g, then θ ← θ − ηλθ as well   (Loshchilov & Hutter 2019)
 *
 * The graph keeps Adam's moments scaled, m̃ = m / (1−β₁) and ṽ = v / (1−β₂), so each update is
 * m̃ ← β₁m̃ + g' and ṽ ← β₂ṽ + g'² (two fewer nodes per step: a node's dispatch is a few percent of
 * a small model's step); the constants move into the per-call scalars. `stateScale` converts.
 */
import type { Graph, Tensor } from './graph';
import { add, concat, div, mul, reshape, slice, sqrt, sub } from './ops';

/**
 * Every optimizer a run can name, with the state it keeps per parameter (in multiples of P) and
 * the factor per slot that turns the graph's state into the textbook quantity (Adam's moments are
 * kept scaled: m = (1−β₁)·m̃, v = (1−β₂)·ṽ). The one place a new optimizer is listed; tests iterate it.
 */
export const OPTIMIZERS = {
  sgd: { slots: 0, scale: (): number[] => [] },
  momentum: { slots: 1, scale: (): number[] => [1] },
  adam: { slots: 2, scale: (c: Required<OptimizerConfig>): number[] => [1 - c.beta1, 1 - c.beta2] },
  adamw: { slots: 2, scale: (c: Required<OptimizerConfig>): number[] => [1 - c.beta1, 1 - c.beta2] },
};

export type OptimizerKind = keyof typeof OPTIMIZERS;

export interface OptimizerConfig {
  kind: OptimizerKind;
  momentum?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

const DEFAULTS = { momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

/**
 * A clear message for an optimizer configuration that cannot train, or null when it can. A field
 * that is present must be a number in range: `{ beta1: undefined }` would otherwise override the
 * default when spread over it and make the first step NaN without a word.
 */
export function validateOptimizer(c: OptimizerConfig): string | null {
  if (!Object.hasOwn(OPTIMIZERS, c.kind)) return `unknown optimizer "${c.kind}" (one of: ${Object.keys(OPTIMIZERS).join(', ')})`;
  const ranges: Record<keyof typeof DEFAULTS, [number, number, string]> = {
    momentum: [0, 1, 'in [0, 1)'],
    beta1: [0, 1, 'in [0, 1)'],
    beta2: [0, 1, 'in [0, 1)'],
    eps: [0, Infinity, 'positive'],
    weightDecay: [0, Infinity, 'zero or positive'],
  };
  for (const [key, [lo, hi, what]] of Object.entries(ranges) as [keyof typeof DEFAULTS, [number, number, string]][]) {
    if (!Object.hasOwn(c, key)) continue;
    const v = c[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) return `optimizer ${key} is ${String(v)}: give a number ${what}, or leave the field out for the default ${DEFAULTS[key]}`;
    const ok = key === 'eps' ? v > lo : key === 'weightDecay' ? v >= lo : v >= lo && v < hi;
    if (!ok) return `optimizer ${key} must be ${what} (got ${v})`;
  }
  return null;
}

/** The configuration with every field filled; throws RangeError for one validateOptimizer rejects. */
export function withDefaults(c: OptimizerConfig): Required<OptimizerConfig> {
  const problem = validateOptimizer(c);
  if (problem) throw new RangeError(problem);
  return { ...DEFAULTS, ...c };
}

/** Optimizer state per parameter, in multiples of P. */
export function stateSlots(kind: OptimizerKind): number {
  return OPTIMIZERS[kind].slots;
}

/** What one update needs besides θ, g and the state. */
export interface StepScalars {
  /** The learning rate, [E, 1]. */
  lr: Tensor;
  /** Adam, for the scaled moments: this step's lr·a' [E, 1] and ε' (one element); see stepSchedule. */
  adam?: { lr: Tensor; eps: Tensor };
}

/**
 * The per-step scalars of K fused steps that start after step t (a rank-0 tensor), built once per
 * call: Adam's bias corrections for all K steps are one [K] computation and each step slices its
 * column, instead of a chain of scalar nodes per step (~2–5% of a one-model step).
 *
 * Adam's bias corrections are folded into two scalars: m̂ / (√v̂ + ε) = m · a / (√v + ε·√(1−β₂ᵗ))
 * with a = √(1−β₂ᵗ) / (1−β₁ᵗ), which is the same quantity in two fewer passes over θ.
 */
export function stepSchedule(G: Graph, cfg: OptimizerConfig, lr: Tensor, t: Tensor, K: number): (k: number) => StepScalars {
  const c = withDefaults(cfg);
  if (c.kind !== 'adam' && c.kind !== 'adamw') return () => ({ lr });
  return G.untaped(() => {
    const s = (v: number) => G.scalar(v);
    // 1 − βᵗ with t fed as a tensor, so fused steps and schedules need no new graph.
    const steps = add(G, t, G.constant(Array.from({ length: K }, (_, k) => k + 1), [K]));
    const bc1 = sub(G, s(1), G.node('Pow', [s(c.beta1), steps], [K]));
    const rootBc2 = sqrt(G, sub(G, s(1), G.node('Pow', [s(c.beta2), steps], [K])));
    // Scaled moments (m = (1−β₁)m̃, v = (1−β₂)ṽ): m̂ / (√v̂ + ε) = m̃·a' / (√ṽ + ε') with
    // a' = (1−β₁)·√(1−β₂ᵗ) / ((1−β₁ᵗ)·√(1−β₂)) and ε' = ε·√(1−β₂ᵗ) / √(1−β₂).
    const lrAll = mul(G, lr, reshape(G, mul(G, div(G, rootBc2, bc1), s((1 - c.beta1) / Math.sqrt(1 - c.beta2))), [1, K])); // [E, K]
    const epsAll = mul(G, rootBc2, s(c.eps / Math.sqrt(1 - c.beta2))); // [K]
    return (k: number) => ({
      lr,
      adam: { lr: K === 1 ? lrAll : slice(G, lrAll, 1, k, k + 1), eps: K === 1 ? epsAll : slice(G, epsAll, 0, k, k + 1) },
    });
  });
}

/**
 * One update in the graph. θ, g: [E, P]; state: the optimizer's slots (momentum: [v]; Adam: [m, v]),
 * each [E, P] — kept apart across fused steps and packed only at a call's ends (packState,
 * unpackState); the step's scalars come from stepSchedule.
 */
export function updateGraph(
  G: Graph,
  cfg: OptimizerConfig,
  theta: Tensor,
  g: Tensor,
  state: Tensor[],
  { lr, adam }: StepScalars,
): { theta: Tensor; state: Tensor[] } {
  const c = withDefaults(cfg);
  if (state.length !== stateSlots(c.kind)) throw new Error(`${c.kind} needs ${stateSlots(c.kind)} state slots`);
  return G.untaped(() => {
    const s = (v: number) => G.scalar(v);
    const l2 = c.weightDecay && c.kind !== 'adamw' ? add(G, g, mul(G, theta, s(c.weightDecay))) : g;
    if (c.kind === 'sgd') return { theta: sub(G, theta, mul(G, lr, l2)), state: [] };
    if (c.kind === 'momentum') {
      const v = add(G, mul(G, state[0], s(c.momentum)), l2);
      return { theta: sub(G, theta, mul(G, lr, v)), state: [v] };
    }
    if (!adam) throw new Error('updateGraph: Adam needs the scalars of stepSchedule');
    const [m0, v0] = state;
    const m = add(G, mul(G, m0, s(c.beta1)), l2); // scaled moments: see the header
    const v = add(G, mul(G, v0, s(c.beta2)), mul(G, l2, l2));
    let delta = mul(G, div(G, m, add(G, sqrt(G, v), adam.eps)), adam.lr);
    if (c.kind === 'adamw' && c.weightDecay) delta = add(G, delta, mul(G, theta, mul(G, lr, s(c.weightDecay))));
    return { theta: sub(G, theta, delta), state: [m, v] };
  });
}

/** Per state slot, the factor that turns the graph's state into the textbook quantity (OPTIMIZERS). */
export function stateScale(cfg: OptimizerConfig): number[] {
  const c = withDefaults(cfg);
  return OPTIMIZERS[c.kind].scale(c);
}

/** Split a packed state [E, slots·P] into its slots. */
export function unpackState(G: Graph, state: Tensor | null, slots: number, P: number): Tensor[] {
  if (!state || slots === 0) return [];
  if (slots === 1) return [state];
  return G.untaped(() => Array.from({ length: slots }, (_, i) => slice(G, state, 1, i * P, (i + 1) * P)));
}

/** Pack state slots back into [E, slots·P] (null when there are none). */
export function packState(G: Graph, slots: Tensor[]): Tensor | null {
  if (slots.length === 0) return null;
  return slots.length === 1 ? slots[0] : G.untaped(() => concat(G, slots, 1));
}

/** Plain-TypeScript reference of one update for one member (float64). Returns new θ and state. */
export function referenceUpdate(
  cfg: OptimizerConfig,
  theta: Float64Array,
  g: Float64Array,
  state: Float64Array,
  lr: number,
  step: number,
): { theta: Float64Array; state: Float64Array } {
  const c = withDefaults(cfg);
  const P = theta.length;
  const th = new Float64Array(theta);
  const st = new Float64Array(state);
  for (let i = 0; i < P; i++) {
    const gi = c.weightDecay && c.kind !== 'adamw' ? g[i] + c.weightDecay * theta[i] : g[i];
    if (c.kind === 'sgd') th[i] -= lr * gi;
    else if (c.kind === 'momentum') {
      st[i] = c.momentum * st[i] + gi;
      th[i] -= lr * st[i];
    } else {
      st[i] = c.beta1 * st[i] + (1 - c.beta1) * gi;
      st[P + i] = c.beta2 * st[P + i] + (1 - c.beta2) * gi * gi;
      const mhat = st[i] / (1 - c.beta1 ** step);
      const vhat = st[P + i] / (1 - c.beta2 ** step);
      let d = mhat / (Math.sqrt(vhat) + c.eps);
      if (c.kind === 'adamw') d += c.weightDecay * theta[i];
      th[i] -= lr * d;
    }
  }
  return { theta: th, state: st };
}

