/**
 * Permutation symmetry of an MLP's hidden units, and aligning one network's units to another's
 * (pure). Listing a hidden layer's units in another order — permuting the columns of the weights
 * and the bias that make them and the rows of the weights that read them — leaves the function
 * unchanged, so two trained networks can sit in one valley "up to a permutation" while the straight
 * line between them as trained crosses a ridge (Entezari et al. 2022). Activation matching (Ainsworth
 * et al. 2023, "Git Re-Basin", Sec. 3.1) picks, layer by layer, the permutation P of B's units that
 * best matches A's on the same inputs: min_P ‖Z_A − P·Z_B‖², i.e. max_P Σᵢ E[a_i · b_P(i)], a linear
 * assignment solved exactly by the Hungarian algorithm. Their code (samuela/git-re-basin,
 * mnist_mlp_activation_matching.py) matches on these uncentred inner products E[AᵀB]; Pearson
 * correlation (Li et al. 2016's unit matching, left commented out there) is the other option here.
 * It ignores each unit's scale, which the straight line between the networks does not: on the
 * two-cue figure it leaves a barrier about ten times higher than the inner products do.
 */
import { type Activation, mlp } from '../models';

export interface MlpShape {
  widths: number[];
  activation: Activation;
  bias?: boolean;
}

interface Layer {
  /** Offset of W [fanIn, fanOut] (row-major) in θ. */
  w: number;
  /** Offset of b [fanOut] in θ, or −1 without biases. */
  b: number;
  fanIn: number;
  fanOut: number;
}

function layersOf(shape: MlpShape): { layers: Layer[]; size: number } {
  const model = mlp(shape);
  const at = (name: string) => model.params.find((p) => p.name === name);
  const layers = shape.widths.slice(1).map((fanOut, l) => ({ w: at(`W${l}`)!.offset, b: at(`b${l}`)?.offset ?? -1, fanIn: shape.widths[l], fanOut }));
  return { layers, size: model.size };
}

function act(a: Activation, z: number): number {
  return a === 'tanh' ? Math.tanh(z) : a === 'relu' ? Math.max(0, z) : a === 'quadratic' ? z * z : z;
}

/**
 * The forward pass of one member θ [P] at n inputs X [n, in], in float64: every hidden layer's
 * activations [n, width] (after the nonlinearity) and the output [n, out].
 */
export function mlpForward(shape: MlpShape, theta: ArrayLike<number>, X: ArrayLike<number>, n: number): { hidden: Float64Array[]; output: Float64Array } {
  const { layers, size } = layersOf(shape);
  if (theta.length !== size) throw new RangeError(`θ holds ${theta.length} numbers; this MLP has ${size} parameters`);
  let h = Float64Array.from({ length: n * shape.widths[0] }, (_, i) => X[i]);
  const hidden: Float64Array[] = [];
  layers.forEach((L, l) => {
    const z = new Float64Array(n * L.fanOut);
    for (let r = 0; r < n; r++)
      for (let j = 0; j < L.fanOut; j++) {
        let s = L.b >= 0 ? theta[L.b + j] : 0;
        for (let i = 0; i < L.fanIn; i++) s += h[r * L.fanIn + i] * theta[L.w + i * L.fanOut + j];
        z[r * L.fanOut + j] = s;
      }
    if (l + 1 < layers.length) {
      h = z.map((v) => act(shape.activation, v));
      hidden.push(h);
    } else h = z;
  });
  return { hidden, output: h };
}

/**
 * θ with hidden layer `layer` (1 = the first hidden layer) reordered so that its unit i is θ's unit
 * perm[i]: the columns of W and b that make the layer and the rows of the next W that read it move
 * together, which leaves the network's function unchanged.
 */
export function permuteHidden(shape: MlpShape, theta: ArrayLike<number>, layer: number, perm: readonly number[]): Float32Array {
  const { layers } = layersOf(shape);
  if (!(Number.isInteger(layer) && layer >= 1 && layer < layers.length)) throw new RangeError(`no hidden layer ${layer} (this MLP has ${layers.length - 1})`);
  const [into, out] = [layers[layer - 1], layers[layer]];
  const H = into.fanOut;
  if (perm.length !== H || new Set(perm).size !== H || perm.some((j) => !(Number.isInteger(j) && j >= 0 && j < H))) {
    throw new RangeError(`a permutation of ${H} units needs each of 0…${H - 1} once`);
  }
  const t = Float32Array.from(theta);
  for (let i = 0; i < H; i++) {
    const j = perm[i];
    for (let r = 0; r < into.fanIn; r++) t[into.w + r * H + i] = theta[into.w + r * H + j];
    if (into.b >= 0) t[into.b + i] = theta[into.b + j];
    for (let c = 0; c < out.fanOut; c++) t[out.w + i * out.fanOut + c] = theta[out.w + j * out.fanOut + c];
  }
  return t;
}

/**
 * The assignment of rows to columns of a square cost matrix with the least total cost (Kuhn–Munkres,
 * the O(n³) shortest-augmenting-path form): result[i] is row i's column.
 */
export function hungarian(cost: readonly (readonly number[])[]): number[] {
  const n = cost.length;
  if (cost.some((row) => row.length !== n)) throw new RangeError('hungarian: the cost matrix must be square');
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // p[j]: the row (1-based) assigned to column j; column 0 is a sentinel
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowToCol = new Array<number>(n).fill(-1);
  for (let j = 1; j <= n; j++) if (p[j] > 0) rowToCol[p[j] - 1] = j - 1;
  return rowToCol;
}

/**
 * Correlation across n inputs between every unit i of A and unit j of B (activations [n, H], row-major):
 * C[i][j]. A unit that never varies (a dead ReLU) correlates 0 with everything.
 */
/** Mean product over n inputs of unit i of A and unit j of B (activations [n, H], row-major): E[a_i·b_j]. */
export function unitInnerProducts(a: ArrayLike<number>, b: ArrayLike<number>, n: number, H: number): number[][] {
  return Array.from({ length: H }, (_, i) =>
    Array.from({ length: H }, (_, j) => {
      let s = 0;
      for (let r = 0; r < n; r++) s += a[r * H + i] * b[r * H + j];
      return s / n;
    }),
  );
}

export type MatchScore = 'inner' | 'correlation';

export function unitCorrelations(a: ArrayLike<number>, b: ArrayLike<number>, n: number, H: number): number[][] {
  const centred = (z: ArrayLike<number>) => {
    const out = new Float64Array(n * H);
    const norm = new Float64Array(H);
    for (let k = 0; k < H; k++) {
      let m = 0;
      for (let r = 0; r < n; r++) m += z[r * H + k] / n;
      let ss = 0;
      for (let r = 0; r < n; r++) {
        const d = z[r * H + k] - m;
        out[r * H + k] = d;
        ss += d * d;
      }
      norm[k] = Math.sqrt(ss);
    }
    return { out, norm };
  };
  const A = centred(a);
  const B = centred(b);
  return Array.from({ length: H }, (_, i) =>
    Array.from({ length: H }, (_, j) => {
      if (A.norm[i] < 1e-12 || B.norm[j] < 1e-12) return 0;
      let s = 0;
      for (let r = 0; r < n; r++) s += A.out[r * H + i] * B.out[r * H + j];
      return s / (A.norm[i] * B.norm[j]);
    }),
  );
}

/**
 * B's parameters with its hidden units permuted to match A's (activation matching): for each hidden
 * layer in turn, the permutation maximizing the summed score — the inner product E[a_i·b_perm[i]]
 * (default, as Ainsworth et al.) or the correlation — of A's unit i and B's unit perm[i] on the
 * inputs X [n, in]; a layer's permutation moves the next layer's incoming rows with it,
 * so the next layer is matched on B's already-aligned network. The function B computes is unchanged.
 * `perms[l − 1]` is hidden layer l's permutation (unit i of the result is B's unit perms[l − 1][i]).
 */
export function alignHiddenUnits(
  shape: MlpShape,
  thetaA: ArrayLike<number>,
  thetaB: ArrayLike<number>,
  X: ArrayLike<number>,
  n: number,
  score: MatchScore = 'inner',
): { theta: Float32Array; perms: number[][] } {
  const hiddenLayers = shape.widths.length - 2;
  const actsA = mlpForward(shape, thetaA, X, n).hidden;
  let theta: Float32Array = Float32Array.from(thetaB);
  const perms: number[][] = [];
  for (let l = 1; l <= hiddenLayers; l++) {
    const H = shape.widths[l];
    const actsB = mlpForward(shape, theta, X, n).hidden;
    const C = (score === 'inner' ? unitInnerProducts : unitCorrelations)(actsA[l - 1], actsB[l - 1], n, H);
    const perm = hungarian(C.map((row) => row.map((c) => -c)));
    theta = permuteHidden(shape, theta, l, perm);
    perms.push(perm);
  }
  return { theta, perms };
}

