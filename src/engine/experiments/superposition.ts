/**
 * A second kind of transition: the toy model of superposition (Elhage et al. 2022) trained by SGD
 * from a small initialization, x̂ = ReLU(WᵀW·x + b) with W ∈ ℝ^{m×n} (models.ts, toyModel). n sparse
 * features (each 0 with probability S, else uniform on [0, 1]) share m hidden dimensions; with m = 2
 * the columns of W settle into regular k-gons, and training jumps from one k-gon to a larger one
 * with a plateau in the loss before each jump (Chen et al. 2023, n = 6, m = 2). At every plateau the
 * figure estimates the local learning coefficient with SGLD chains around the parameters there
 * (Lau et al. 2023; llc-chains.ts; every plateau's chains in one SGLD call, one anchor per chain):
 * Chen et al. found the SGD trajectory going from high loss and low complexity to low loss and
 * higher complexity. The first plateau is the small init's, next to the origin: a saddle, where the
 * chains find lower loss, so it gets no estimate (the chains' checks refuse it).
 *
 * Measured at the defaults (n = 6, m = 2, S = 0.9, 20 000 steps), seeds 1–6: every run ends in a
 * pentagon (k = 5, one feature left out, loss 0.044–0.054); plateaus 3, 2, 2, 2, 3, 2 — the origin's,
 * then in seeds 1 and 5 a 4-gon (λ̂ 4.35, 4.49), then the 5-gon (λ̂ 5.05, 5.23, 5.17, 5.46, 5.49,
 * 5.21; d/2 = 9); 1.5–2 s a run in Node (WASM, one thread).
 *
 * Loss: the importance-weighted error L = mean over samples of Σᵢ Iᵢ(x̂ᵢ − xᵢ)² with uniform
 * importance Iᵢ = 1 (Chen et al. weight every feature alike), as the engine's 'mse', which averages
 * over the n outputs too: outputs and targets are both scaled by √n (toyModel's outScale), so
 * 'mse' = (1/(B·n))·Σ n·(x̂ᵢ − xᵢ)² = L exactly.
 *
 * Plateaus (detectPlateaus, below) are read off the full-batch loss at checkpoints spaced evenly in
 * log(step): a stretch where the loss changes by less than a factor 10^0.1 ≈ 1.26 per decade of
 * steps, and that lasts at least 0.3 decades (a factor 2 in steps), is a plateau; neighbouring
 * stretches at levels within 10% of each other are one plateau.
 */
import { defaultNbeta, regularLambda } from '../analysis/llc';
import { claim, defineExperiment } from '../experiment';
import type { FieldTable } from '../fields';
import type { RunPlan } from '../lab';
import { makeRng } from '../random';
import type { Dataset } from '../spec';
import { summarizeChains } from './llc-chains';

/** Training samples: a fixed set, so L_n and nβ = n/log n (≈ 145) are those of the LLC figures of chapter 4. */
export const SAMPLES = 1000;
export const BATCH = 100;
/**
 * Minibatch SGD on L (the per-sample sum over features), step 0.15, from W's entries N(0, 0.03²):
 * a small init starts next to the origin's saddle (Chen et al. 2023 start small too). Adam (lr 10⁻²)
 * left the origin and reached a pentagon within 300 steps with no plateau between (seeds 1–3,
 * S = 0.9, plain-JS runs); plain SGD lingers near each k-gon. Full-batch gradient descent gave
 * nearly the same curves at ten times the cost.
 */
export const LR = 0.15;
export const INIT_STD = 0.03;
/** Steps fused per program call: checkpoints are multiples of it. */
const FUSED = 10;
/** Checkpoints per decade of steps, from step 10 on. */
const PER_DECADE = 16;
/**
 * A feature is represented when its column's squared norm ‖Wᵢ‖² ≥ ½: alone at value 1 it comes back
 * through the bottleneck at more than half its size before the bias. Trained columns measured
 * ‖Wᵢ‖ ≈ 1.0–1.2 and left-out ones ≤ 0.5 (n = 6, m = 2, S = 0.8–0.95): the cut at √½ ≈ 0.71 sits in the gap.
 */
export const NORM_THRESHOLD = Math.SQRT1_2;

/**
 * SGLD at each plateau, nβ = n/log n ≈ 145. The loss's curvature is small (a feature is active in a
 * tenth of the samples), so γ must be too: γ = 100 (γ/nβ ≈ 0.7, above most curvatures) pinned the
 * chains and read λ̂ ≈ 1–2 everywhere; γ = 1 read 5–8 with an occasional drifting chain; γ = 10
 * (ε = 3·10⁻³) read 4.3–4.5 at 4-gons and 5.0–5.5 at the final 5-gons, every chain healthy (n = 6,
 * m = 2, S = 0.9, seeds 1–6). At the origin's plateau every chain finds lower loss (λ̂ < 0, named
 * unhealthy): it is a saddle the network is leaving, not a minimum, and gets no estimate.
 */
export const PLATEAU_SGLD = { chains: 4, epsilon: 3e-3, gamma: 10, burnin: 300, draws: 1000, batch: BATCH } as const;

/** n features, each 0 with probability S and otherwise uniform on [0, 1]; targets are √n·x (see the header). */
export function sparseFeatures(seed: number, features: number, sparsity: number, n = SAMPLES): Dataset {
  const rng = makeRng(seed).fork(57);
  const X = new Float32Array(n * features);
  for (let i = 0; i < X.length; i++) X[i] = rng.uniform() < sparsity ? 0 : rng.uniform();
  const s = Math.sqrt(features);
  return { X, Y: X.map((x) => s * x), n, inDim: features, outDim: features };
}

export function toyPlan(c: { features: number; hidden: number; steps: number; seed: number }, data: Dataset): RunPlan {
  return {
    data,
    spec: {
      model: { kind: 'toy-superposition', features: c.features, hidden: c.hidden, initStd: INIT_STD, outScale: new Array(c.features).fill(Math.sqrt(c.features)) },
      loss: 'mse',
      optimizer: { kind: 'sgd' },
      lr: LR,
      initSeeds: [c.seed],
      batch: BATCH,
      fused: FUSED,
      steps: c.steps,
    },
  };
}

/** Steps spaced evenly in log(step), PER_DECADE a decade, multiples of FUSED, from FUSED to `steps`. */
export function checkpointSteps(steps: number): number[] {
  const out = new Set<number>();
  const decades = Math.log10(steps / FUSED);
  const count = Math.max(1, Math.ceil(decades * PER_DECADE));
  for (let i = 0; i <= count; i++) out.add(Math.min(steps, FUSED * Math.round(10 ** ((i * decades) / count))));
  out.add(steps);
  return [...out].sort((a, b) => a - b);
}

export interface Plateau {
  /** First and last checkpoint step of the flat stretch. */
  from: number;
  to: number;
  /** Indices of those checkpoints. */
  first: number;
  last: number;
  /** Geometric mean of the loss over the stretch. */
  level: number;
}

export interface PlateauRule {
  /** Largest |Δ log₁₀ loss| per decade of steps that counts as flat. */
  flatSlope: number;
  /** Shortest plateau, in decades of steps. */
  minDecades: number;
  /** Neighbouring flat stretches whose levels differ by less than this fraction are one plateau. */
  mergeWithin: number;
}

export const PLATEAU_RULE: PlateauRule = { flatSlope: 0.1, minDecades: 0.3, mergeWithin: 0.1 };

/**
 * Plateaus of a loss curve sampled at increasing steps (spaced evenly in log(step) for the rule to
 * mean the same everywhere). The log-loss is smoothed by a 3-point moving average; the interval
 * between two checkpoints is flat when its slope |Δ log₁₀ L| / Δ log₁₀ t is below `flatSlope`;
 * a run of flat intervals spanning at least `minDecades` is a plateau; consecutive plateaus whose
 * levels differ by less than `mergeWithin` (a bump, not a jump) are merged. Non-finite or
 * non-positive losses end any run.
 */
export function detectPlateaus(steps: readonly number[], loss: readonly number[], rule: PlateauRule = PLATEAU_RULE): Plateau[] {
  const K = Math.min(steps.length, loss.length);
  const u = Array.from({ length: K }, (_, i) => Math.log10(steps[i]));
  const raw = Array.from({ length: K }, (_, i) => (loss[i] > 0 && Number.isFinite(loss[i]) ? Math.log10(loss[i]) : NaN));
  const v = raw.map((x, i) => {
    const w = [raw[i - 1], x, raw[i + 1]].filter((y) => y !== undefined && Number.isFinite(y)) as number[];
    return Number.isFinite(x) ? w.reduce((a, b) => a + b, 0) / w.length : NaN;
  });
  const flat = (i: number) => {
    const du = u[i + 1] - u[i];
    return du > 0 && Number.isFinite(v[i]) && Number.isFinite(v[i + 1]) && Math.abs(v[i + 1] - v[i]) / du < rule.flatSlope;
  };
  const found: Plateau[] = [];
  let i = 0;
  while (i < K - 1) {
    if (!flat(i)) {
      i++;
      continue;
    }
    let j = i;
    while (j < K - 1 && flat(j)) j++; // checkpoints i … j are joined by flat intervals
    if (u[j] - u[i] >= rule.minDecades) {
      const level = 10 ** (raw.slice(i, j + 1).reduce((a, b) => a + b, 0) / (j - i + 1));
      const prev = found.at(-1);
      if (prev && Math.abs(level / prev.level - 1) < rule.mergeWithin) {
        const merged = raw.slice(prev.first, j + 1).filter(Number.isFinite);
        found[found.length - 1] = { ...prev, to: steps[j], last: j, level: 10 ** (merged.reduce((a, b) => a + b, 0) / merged.length) };
      } else found.push({ from: steps[i], to: steps[j], first: i, last: j, level });
    }
    i = j;
  }
  return found;
}

/** Squared norm of each column of W ([m, n] row-major at the start of θ). */
export function columnNormsSq(theta: ArrayLike<number>, features: number, hidden: number): number[] {
  return Array.from({ length: features }, (_, i) => {
    let s = 0;
    for (let a = 0; a < hidden; a++) s += theta[a * features + i] ** 2;
    return s;
  });
}

/** k: the columns of W with ‖Wᵢ‖² ≥ ½ (‖Wᵢ‖ ≥ NORM_THRESHOLD), the vertices of the polygon. */
export function representedFeatures(theta: ArrayLike<number>, features: number, hidden: number): number {
  return columnNormsSq(theta, features, hidden).filter((s) => s >= 0.5).length;
}

/**
 * Two orthonormal axes of the hidden space to draw the columns on: the hidden space itself for
 * m = 2, else the top two eigenvectors of W·Wᵀ (the plane the columns spread most in; Jacobi
 * rotations on the m × m matrix).
 */
export function drawingPlane(theta: ArrayLike<number>, features: number, hidden: number): number[][] {
  const m = hidden;
  if (m <= 2) return [[1, 0], [0, 1]].map((r) => r.slice(0, m));
  const A = Array.from({ length: m }, (_, a) => Array.from({ length: m }, (_, b) => {
    let s = 0;
    for (let i = 0; i < features; i++) s += theta[a * features + i] * theta[b * features + i];
    return s;
  }));
  const V: number[][] = Array.from({ length: m }, (_, a) => Array.from({ length: m }, (_, b) => (a === b ? 1 : 0)));
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += A[p][q] ** 2;
    if (off < 1e-20) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        if (Math.abs(A[p][q]) < 1e-30) continue;
        const phi = 0.5 * Math.atan2(2 * A[p][q], A[q][q] - A[p][p]);
        const [c, s] = [Math.cos(phi), Math.sin(phi)];
        for (let k = 0; k < m; k++) {
          const [akp, akq] = [A[k][p], A[k][q]];
          A[k][p] = c * akp - s * akq;
          A[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const [apk, aqk] = [A[p][k], A[q][k]];
          A[p][k] = c * apk - s * aqk;
          A[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const [vkp, vkq] = [V[k][p], V[k][q]];
          V[k][p] = c * vkp - s * vkq;
          V[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = [...Array(m).keys()].sort((a, b) => A[b][b] - A[a][a]);
  return order.slice(0, 2).map((j) => V.map((row) => row[j]));
}

/** The columns of W on the drawing plane: [x₀, y₀, x₁, y₁, …], one pair per feature. */
export function projectColumns(theta: ArrayLike<number>, features: number, hidden: number, plane: number[][]): number[] {
  const out: number[] = [];
  for (let i = 0; i < features; i++) {
    for (const axis of plane) {
      let s = 0;
      for (let a = 0; a < hidden; a++) s += axis[a] * theta[a * features + i];
      out.push(s);
    }
  }
  return out;
}

export interface PlateauEstimate extends Plateau {
  /** The checkpoint the chains were anchored at (the plateau's middle in log(step)). */
  anchorStep: number;
  anchorLoss: number;
  /** Represented features (k) at the anchor. */
  k: number;
  llc: number;
  llcStd: number;
  healthy: boolean;
  warnings: string[];
}

export interface SuperpositionFigure {
  /** Checkpoints: step, full-batch loss L, k. */
  steps: number[];
  loss: number[];
  k: number[];
  /** Per checkpoint, the columns of W on the drawing plane: [x₀, y₀, x₁, y₁, …]. */
  columns: number[][];
  /** Per checkpoint, b. */
  bias: number[][];
  /** The columns are a projection (m > 2) on the plane W spreads most in at the end. */
  projected: boolean;
  features: number;
  plateaus: PlateauEstimate[];
  /** Cut on ‖Wᵢ‖ for a represented feature. */
  threshold: number;
  halfD: number;
}

const fields = {
  features: { kind: 'int', default: 6, min: 3, max: 10, label: 'Features n' },
  hidden: { kind: 'int', default: 2, min: 2, max: 3, label: 'Hidden dimensions m (at 3 the columns are drawn projected on the plane they spread most in)' },
  // Below S = 0.3 the features are dense and the fit is no polygon of features: at S = 0 (seeds 1, 2,
  // up to 50 000 steps) every column stayed short but one, at a loss below any two-feature arrangement —
  // outside the sparse regime whose k-gons the figure draws (Chen et al. 2023). From 0.3 up, k grows
  // with sparsity as Elhage et al. (2022) found (seed 1: k = 3, 4, 4, 5, 5 at S = 0.3, 0.5, 0.7, 0.8, 0.9).
  sparsity: { kind: 'float', default: 0.9, min: 0.3, max: 0.99, step: 0.01, label: 'Sparsity S (the chance a feature is 0)' },
  steps: { kind: 'int', default: 20000, min: 1000, max: 50000, step: 1000, label: 'Training steps' },
  chains: { kind: 'int', default: PLATEAU_SGLD.chains, min: 1, max: 8, label: 'SGLD chains per plateau' },
  draws: { kind: 'int', default: PLATEAU_SGLD.draws, min: 20, max: 5000, step: 10, label: 'Draws per chain' },
  burnin: { kind: 'int', default: PLATEAU_SGLD.burnin, min: 0, max: 3000, step: 10, label: 'Burn-in steps' },
} satisfies FieldTable;

export const superposition = defineExperiment<SuperpositionFigure>()({
  id: 'superposition',
  title: 'A second kind of transition',
  fields,
  metrics: {
    plateaus: 'plateaus in the loss: stretches of at least 0.3 decades of steps where the full-batch loss changes by less than a factor 10^0.1 per decade',
    finalK: 'vertices of the final polygon: columns of W with ‖Wᵢ‖² ≥ ½ at the last step',
    llcPlateaus: 'plateaus with an LLC estimate: SGLD chains anchored in the plateau, every chain passing its checks (at the origin’s saddle they find lower loss and fail)',
    finalLoss: 'full-batch loss L = mean over samples of Σᵢ (x̂ᵢ − xᵢ)² at the last step',
    llcFirstPlateau: 'λ̂ at the first plateau with an estimate (mean over its chains; 0 when no plateau has one)',
    llcLastPlateau: 'λ̂ at the last plateau with an estimate (mean over its chains; 0 when no plateau has one)',
    halfD: 'd/2 for the model’s d = m·n + n parameters: λ of a regular model of that size',
    features: 'n, the number of features (the most vertices a polygon can have)',
  },
  small: { steps: 2000, chains: 2, draws: 100, burnin: 50 },
  trainingData: (c) => {
    const d = sparseFeatures(c.seed, c.features, c.sparsity);
    const points = new Float32Array(2 * d.n);
    for (let i = 0; i < d.n; i++) [points[2 * i], points[2 * i + 1]] = [d.X[i * d.inDim], d.X[i * d.inDim + 1]];
    return {
      kind: 'classes',
      points,
      labels: new Int32Array(d.n),
      classes: ['sample'],
      xTitle: 'feature 1',
      yTitle: 'feature 2',
      note: `The first two of the ${c.features} features of the ${d.n} training samples: each is 0 with probability ${c.sparsity}, else uniform on [0, 1]; most samples sit on the axes or at the origin.`,
    };
  },
  claims: (m) => [
    ...claim(m.plateaus >= 2, `the loss should show at least two plateaus (found ${m.plateaus})`),
    ...claim(m.llcPlateaus >= m.plateaus - 1 && m.llcPlateaus >= 1, `every plateau past the origin's should get an LLC estimate (${m.llcPlateaus} of ${m.plateaus})`),
    ...claim(m.llcLastPlateau > 0 && m.llcLastPlateau < m.halfD, `λ̂ at the last plateau (${m.llcLastPlateau}) should lie between 0 and d/2 = ${m.halfD}`),
    ...claim(m.llcLastPlateau >= m.llcFirstPlateau, `λ̂ should not fall from the first estimated plateau to the last (${m.llcFirstPlateau} → ${m.llcLastPlateau})`),
    ...claim(m.finalK >= 2 && m.finalK <= m.features, `the final polygon should have between 2 and n vertices (k = ${m.finalK})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const data = sparseFeatures(c.seed, c.features, c.sparsity);
    const run = await ctx.lab.start(toyPlan(c, data), { share: [0, 0.5] });
    const P = run.model.size;
    const halfD = regularLambda(P);
    const fig: SuperpositionFigure = {
      steps: [], loss: [], k: [], columns: [], bias: [], projected: c.hidden > 2, features: c.features, plateaus: [], threshold: NORM_THRESHOLD, halfD,
    };
    const thetas: Float32Array[] = [];
    let plane = drawingPlane(new Float32Array(P), c.features, c.hidden);
    const record = async (step: number) => {
      const theta = await run.params();
      const loss = (await run.evaluate(['train'], theta))[0].loss[0];
      thetas.push(theta);
      fig.steps.push(step);
      fig.loss.push(loss);
      fig.k.push(representedFeatures(theta, c.features, c.hidden));
      if (c.hidden > 2) plane = drawingPlane(theta, c.features, c.hidden);
      fig.columns.push(projectColumns(theta, c.features, c.hidden, plane));
      fig.bias.push(Array.from(theta.subarray(c.features * c.hidden, P)));
    };
    for (const step of checkpointSteps(c.steps)) {
      await run.trainTo(step);
      await record(step);
      ctx.report({ metrics: { finalLoss: fig.loss.at(-1), finalK: fig.k.at(-1) }, figure: { ...fig, steps: [...fig.steps], loss: [...fig.loss], k: [...fig.k], columns: [...fig.columns], bias: [...fig.bias] } });
    }
    if (c.hidden > 2) {
      // one plane for every checkpoint (the final W's), so the animation does not spin
      fig.columns = thetas.map((t) => projectColumns(t, c.features, c.hidden, plane));
    }
    const found = detectPlateaus(fig.steps, fig.loss);
    const anchors = found.map((p) => {
      // the middle of the plateau in log(step)
      const mid = Math.sqrt(p.from * p.to);
      let best = p.first;
      for (let i = p.first; i <= p.last; i++) if (Math.abs(Math.log(fig.steps[i] / mid)) < Math.abs(Math.log(fig.steps[best] / mid))) best = i;
      return best;
    });
    const pending: PlateauEstimate[] = found.map((p, j) => ({
      ...p, anchorStep: fig.steps[anchors[j]], anchorLoss: fig.loss[anchors[j]], k: fig.k[anchors[j]], llc: NaN, llcStd: NaN, healthy: false, warnings: [],
    }));
    ctx.report({ metrics: { plateaus: found.length, halfD, features: c.features }, figure: { ...fig, plateaus: pending } });
    let estimates = pending;
    if (found.length) {
      // every plateau's chains in one SGLD call: one anchor row per chain
      const per = c.chains;
      const anchor = new Float32Array(found.length * per * P);
      anchors.forEach((a, j) => {
        for (let r = 0; r < per; r++) anchor.set(thetas[a], (j * per + r) * P);
      });
      const cfg = { nbeta: defaultNbeta(data.n), burnin: c.burnin, draws: c.draws };
      const sampled = await run.sgld({
        anchor,
        chains: found.length * per,
        epsilon: PLATEAU_SGLD.epsilon,
        gamma: PLATEAU_SGLD.gamma,
        ...cfg,
        batch: PLATEAU_SGLD.batch,
        seed: c.seed,
        share: [0.5, 1],
      });
      estimates = pending.map((p, j) => {
        const s = summarizeChains(sampled.traces.slice(j * per, (j + 1) * per), p.anchorLoss, cfg);
        return { ...p, llc: s.est.mean, llcStd: s.est.std, healthy: s.healthy, warnings: s.figure.warnings };
      });
    }
    const estimated = estimates.filter((p) => p.healthy).map((p) => p.llc);
    ctx.report({
      metrics: {
        plateaus: found.length,
        finalK: fig.k.at(-1),
        llcPlateaus: estimated.length,
        finalLoss: fig.loss.at(-1),
        llcFirstPlateau: estimated[0] ?? 0,
        llcLastPlateau: estimated.at(-1) ?? 0,
        halfD,
        features: c.features,
      },
      figure: { ...fig, plateaus: estimates },
    });
  },
});
