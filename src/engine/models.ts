/**
 * Models, defined once and used by every program (train step, ensemble, grid, gradient).
 *
 * All parameters of one member live in one flat vector θ ∈ ℝ^P (an ensemble: [E, P]); a layout
 * names the slices. Packing keeps graph inputs few (per-call overhead dominates small nets) and
 * gives landscape directions and optimizer state the same flat shape.
 */
import type { Graph, Tensor } from './graph';
import { add, concat, exp, expand, matmul, mul, reduceSum, relu, reshape, rowDot, slice, sub, tanh, transposeLast } from './ops';
import { makeRng } from './random';

export type Init =
  | { kind: 'normal'; std: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'constant'; value: number };

export interface ParamSpec {
  name: string;
  /** Shape of this parameter for one member. */
  shape: number[];
  offset: number;
  size: number;
  init: Init;
  /** Biases get a zero direction under filter normalization (Li et al. 2018). */
  isBias: boolean;
}

/** A slice of θ that the graphs unpack as one tensor [E, ...shape]. */
export interface Piece {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

export interface Model {
  readonly kind: string;
  readonly inDim: number;
  readonly outDim: number;
  readonly params: readonly ParamSpec[];
  /**
   * How graphs cut θ into tensors, in order (default: one per parameter). A piece may join
   * consecutive parameters that one product reads together, such as a first layer's [W; b]: each
   * piece costs a slice and a reshape per step, and its gradient a reshape back.
   */
  readonly pieces?: readonly Piece[];
  /** P, the number of parameters of one member. */
  readonly size: number;
  /**
   * Forward pass. `p` maps each piece's name to a tensor of shape [E, ...shape]; x is
   * [B, in] (shared by every member) or [E, B, in]; returns [E, B, out].
   */
  forward(G: Graph, p: Record<string, Tensor>, x: Tensor): Tensor;
  /**
   * Optional split forward = rest(affine(x)) where `affine` is linear in the parameters (a first
   * layer x·W + b). Landscape grids use it: on a plane θ₀ + a·d₁ + b·d₂ the first layer's output is
   * the same combination of its outputs at θ₀, d₁ and d₂, so it is computed three times, not G times.
   * `rest` takes the flat parameters [E, P]. Where `unit` is set, the grid appends to z a column of
   * `unit` (a value the activation maps to exactly 1), and `rest` reads the next layer's weights and
   * bias as one [H + 1, H'] block: the bias rides in the product instead of a pass of its own.
   */
  readonly split?: {
    affine(G: Graph, p: Record<string, Tensor>, x: Tensor): Tensor;
    rest(G: Graph, theta: Tensor, z: Tensor): Tensor;
    unit?: number;
  };
}

export function layoutParams(specs: Omit<ParamSpec, 'offset' | 'size'>[]): { params: ParamSpec[]; size: number } {
  let offset = 0;
  const params = specs.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const p = { ...s, offset, size };
    offset += size;
    return p;
  });
  return { params, size: offset };
}

/**
 * A first layer with at most this many inputs reads [x, 1]·[W; b]: copying the narrow input with a
 * column of ones is cheaper than a bias pass and a bias-gradient row sum over [.., B, H].
 */
const FOLD_BIAS_MAX_IN = 8;

export type Activation = 'tanh' | 'relu' | 'quadratic' | 'linear';

/** An input each activation maps to exactly 1 in float32 and float64 (tanh(20) = 1 − 8·10⁻¹⁸). */
const ACTIVATION_ONE: Record<Activation, number> = { tanh: 20, relu: 1, quadratic: 1, linear: 1 };

export function activate(G: Graph, x: Tensor, act: Activation): Tensor {
  switch (act) {
    case 'tanh':
      return tanh(G, x);
    case 'relu':
      return relu(G, x);
    case 'quadratic':
      return mul(G, x, x);
    case 'linear':
      return x;
  }
}

export interface MlpOptions {
  /** Layer widths, input first and output last: [2, 64, 64, 1]. */
  widths: number[];
  activation: Activation;
  /** Weight std = initScale / √fan_in (√2 extra for relu, He et al. 2015). */
  initScale?: number;
  bias?: boolean;
}

export function mlp(opts: MlpOptions): Model {
  const { widths, activation } = opts;
  if (widths.length < 2 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new Error(`mlp: bad widths [${widths}]`);
  }
  const bias = opts.bias ?? true;
  const gain = (opts.initScale ?? 1) * (activation === 'relu' ? Math.SQRT2 : 1);
  const specs: Omit<ParamSpec, 'offset' | 'size'>[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const [fanIn, fanOut] = [widths[l], widths[l + 1]];
    specs.push({ name: `W${l}`, shape: [fanIn, fanOut], init: { kind: 'normal', std: gain / Math.sqrt(fanIn) }, isBias: false });
    if (bias) specs.push({ name: `b${l}`, shape: [1, fanOut], init: { kind: 'constant', value: 0 }, isBias: true });
  }
  const { params, size } = layoutParams(specs);
  // A narrow first layer reads [x, 1]·[W; b] as one piece.
  const foldFirst = bias && widths[0] <= FOLD_BIAS_MAX_IN;
  // A one-output head reads its weights as a row [1, width] (rowDot; the same numbers as the
  // [width, 1] column): its piece then shares the hidden layers' column count and joins their block.
  const rowHead = widths[widths.length - 1] === 1 && widths.length > 2;
  const last = widths.length - 2;
  const pieces: Piece[] = params.map(({ name, shape, offset, size }) =>
    rowHead && name === `W${last}` ? { name, shape: [1, widths[last]], offset, size } : { name, shape, offset, size },
  );
  if (foldFirst) pieces.splice(0, 2, { name: 'Wb0', shape: [widths[0] + 1, widths[1]], offset: 0, size: (widths[0] + 1) * widths[1] });
  const model: Model = {
    kind: `mlp-${widths.join('-')}-${activation}`,
    inDim: widths[0],
    outDim: widths[widths.length - 1],
    params,
    pieces,
    size,
    forward(G, p, x) {
      return layers(G, p, x, 0);
    },
    // A model without hidden layers is its first layer: the grid's z is its output.
    split: widths.length === 2 ? { affine: (G, p, x) => affine(G, p, x, 0), rest: (_G, _theta, z) => z } : {
      affine: (G, p, x) => affine(G, p, x, 0),
      rest: (G, theta, z) => {
        if (!bias || z.shape[z.shape.length - 1] === widths[1]) return layers(G, unpackParams(G, model, theta, firstParam(1)), z, 1);
        // z carries the constant unit: W1 and b1 are contiguous ([W1; b1] is [widths[1] + 1, widths[2]]).
        const [w, b] = [params[firstParam(1)], params[firstParam(1) + 1]];
        const Wb = G.untaped(() => reshape(G, slice(G, theta, 1, w.offset, b.offset + b.size), [theta.shape[0], w.shape[0] + 1, w.shape[1]]));
        const h = matmul(G, activate(G, z, activation), Wb);
        return widths.length > 3 ? layers(G, unpackParams(G, model, theta, firstParam(2)), h, 2) : h;
      },
      unit: bias ? ACTIVATION_ONE[activation] : undefined,
    },
  };
  return model;
  /** Index in `params` of layer l's weight (its bias follows it). */
  function firstParam(l: number): number {
    return bias ? 2 * l : l;
  }
  function affine(G: Graph, p: Record<string, Tensor>, h: Tensor, l: number): Tensor {
    if (l === 0 && foldFirst) {
      // [x, 1]·[W; b]: the bias rides in the product with its inner dimension one longer, which
      // costs nothing, and its gradient is the product's last row (no [.., B, H] bias pass, no row sum).
      const ones = expand(G, G.constant([1], new Array(h.shape.length).fill(1)), [...h.shape.slice(0, -1), 1]);
      return matmul(G, concat(G, [h, ones], -1), p.Wb0);
    }
    const z = rowHead && l === last ? rowDot(G, h, p[`W${l}`]) : matmul(G, h, p[`W${l}`]);
    return bias ? add(G, z, p[`b${l}`]) : z;
  }
  /** Layers from `from` on; from > 0 takes layer from−1's pre-activation. */
  function layers(G: Graph, p: Record<string, Tensor>, h: Tensor, from: number): Tensor {
    for (let l = from; l + 1 < widths.length; l++) {
      if (l > 0) h = activate(G, h, activation);
      h = affine(G, p, h, l);
    }
    return h;
  }
}

/** The pieces graphs cut θ into: the model's own, or one per parameter. */
export function piecesOf(model: Model): readonly Piece[] {
  return model.pieces ?? model.params.map(({ name, shape, offset, size }) => ({ name, shape, offset, size }));
}

/**
 * Consecutive two-dimensional pieces with the same number of columns form a block: θ's slice for a
 * block is one reshape to [E, rows, cols] and one split by rows (a piece each would cost a reshape
 * each, and a step unpacks θ and packs its gradient every time). A block costs an extra copy of its
 * slice on the way in and out, so only blocks of at most BLOCK_MAX_ELEMENTS (over all E members)
 * are formed: there a node's dispatch costs more than the copy (one 2-64-64-1 model: 8–15% faster
 * steps; 32 of them: 3–7% slower with blocks).
 */
export function pieceBlocks(pieces: readonly Piece[], members = 1): Piece[][] {
  const blocks: Piece[][] = [];
  for (const p of pieces) {
    const block = blocks.at(-1);
    const prev = block?.at(-1);
    const joins =
      prev && p.shape.length === 2 && prev.shape.length === 2 && p.shape[1] === prev.shape[1] && p.offset === prev.offset + prev.size;
    if (joins && members * (p.offset + p.size - block![0].offset) <= BLOCK_MAX_ELEMENTS) block!.push(p);
    else blocks.push([p]);
  }
  return blocks;
}

const BLOCK_MAX_ELEMENTS = 1 << 14;

/**
 * Unpack θ [E, P] into named tensors [E, ...shape], one per piece (leaves for autodiff); `first`
 * skips the pieces before parameter `first`.
 */
export function unpackParams(G: Graph, model: Model, theta: Tensor, first = 0): Record<string, Tensor> {
  const E = theta.shape[0];
  const from = model.params[first].offset;
  const pieces = piecesOf(model).filter((q) => q.offset >= from);
  return G.untaped(() => {
    const out: Record<string, Tensor> = {};
    for (const block of pieceBlocks(pieces, E)) {
      const [head, tail] = [block[0], block[block.length - 1]];
      const end = tail.offset + tail.size;
      const flat = head.offset === 0 && end === model.size ? theta : slice(G, theta, 1, head.offset, end);
      if (block.length === 1) {
        out[head.name] = reshape(G, flat, [E, ...head.shape]);
        continue;
      }
      const cols = head.shape[1];
      const rows = block.reduce((n, p) => n + p.shape[0], 0);
      const whole = reshape(G, flat, [E, rows, cols]);
      let r = 0;
      for (const p of block) {
        out[p.name] = slice(G, whole, 1, r, r + p.shape[0]);
        r += p.shape[0];
      }
    }
    return out;
  });
}

/** Initial parameters for members with the given seeds: [seeds.length × P], member-major. */
export function initParams(model: Model, seeds: readonly number[]): Float32Array {
  const out = new Float32Array(seeds.length * model.size);
  seeds.forEach((seed, e) => {
    const rng = makeRng(seed).fork(1);
    for (const p of model.params) {
      for (let i = 0; i < p.size; i++) {
        const init = p.init;
        out[e * model.size + p.offset + i] =
          init.kind === 'normal'
            ? init.std * rng.normal()
            : init.kind === 'uniform'
              ? init.low + (init.high - init.low) * rng.uniform()
              : init.value;
      }
    }
  });
  return out;
}

export interface Well {
  center: [number, number];
  width: number;
}

/**
 * An analytic two-parameter landscape: Gaussian wells of equal depth and different widths,
 *   L(w) = 1 − Σᵢ exp(−‖w − μᵢ‖² / (2σᵢ²)),
 * used with the 'value' loss (the output is the loss; the input only sets the batch shape).
 * Gradient descent from random starts shows how much of the plane drains into each well.
 */
export function twoWells(wells: Well[], box: number): Model {
  const { params, size } = layoutParams([{ name: 'w', shape: [1, 2], init: { kind: 'uniform', low: -box, high: box }, isBias: false }]);
  return {
    kind: 'two-wells',
    inDim: 1,
    outDim: 1,
    params,
    size,
    forward(G, p, x) {
      const w = p.w; // [E, 1, 2]
      let out: Tensor = G.constant([1], [1, 1, 1]);
      for (const well of wells) {
        const d = sub(G, w, G.constant(well.center, [1, 1, 2]));
        const sq = reduceSum(G, mul(G, d, d), [-1], true); // [E, 1, 1]
        out = sub(G, out, exp(G, mul(G, sq, G.scalar(-1 / (2 * well.width * well.width)))));
      }
      const E = w.shape[0];
      const B = x.shape[x.shape.length - 2];
      return expand(G, out, [E, B, 1]);
    },
  };
}

/**
 * The normal-crossing regression f(x; w) = x · Πᵢ wᵢ^{kᵢ} (singular learning theory's standard
 * example): at w* = 0 with data from f = 0 its learning coefficient is λ = 1 / (2·maxᵢ kᵢ), not the
 * regular d/2 (Watanabe 2009; used to calibrate LLC estimators, Lau et al. 2023). Two parameters
 * with powers [1, 2] give λ = 1/4 against a regular model's 1.
 */
export function normalCrossing(powers: readonly number[], initBox = 1): Model {
  if (powers.length < 1 || powers.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new Error(`normalCrossing: powers must be positive integers, got [${powers}]`);
  }
  const d = powers.length;
  const { params, size } = layoutParams([{ name: 'w', shape: [1, d], init: { kind: 'uniform', low: -initBox, high: initBox }, isBias: false }]);
  return {
    kind: `normal-crossing-${powers.join('-')}`,
    inDim: 1,
    outDim: 1,
    params,
    size,
    forward(G, p, x) {
      const w = p.w; // [E, 1, d]
      let c: Tensor | null = null;
      powers.forEach((k, i) => {
        const wi = slice(G, w, 2, i, i + 1); // [E, 1, 1]
        // wᵢ^k as k − 1 products: Pow of a negative base is not defined in every WebGPU kernel.
        for (let j = 0; j < k; j++) c = c ? mul(G, c, wi) : wi;
      });
      return mul(G, x, c!); // [B, 1] or [E, B, 1] times [E, 1, 1]: [E, B, 1]
    },
  };
}

/** The learning coefficient of normalCrossing(powers) at w* = 0: 1 / (2·maxᵢ kᵢ). */
export function normalCrossingLambda(powers: readonly number[]): number {
  return 1 / (2 * Math.max(...powers));
}

export interface ToyModelOptions {
  /** n, the number of features (input and output width). */
  features: number;
  /** m, the hidden dimension the features are squeezed through. */
  hidden: number;
  /** Standard deviation of W's initial entries (b starts at 0). Small inits start near the origin's saddle. */
  initStd?: number;
  /**
   * A constant factor sᵢ on output i (default 1). With the targets scaled by the same sᵢ, the 'mse'
   * loss (1/(B·n))·Σ(ŷ − y)² becomes (1/(B·n))·Σ sᵢ²·(x̂ᵢ − xᵢ)²: sᵢ = √(n·Iᵢ) gives Elhage et al.'s
   * importance-weighted error Σᵢ Iᵢ(x̂ᵢ − xᵢ)² averaged over samples.
   */
  outScale?: number[];
}

/**
 * The toy model of superposition (Elhage et al. 2022, "Toy Models of Superposition"): n features
 * pass through m < n hidden dimensions and back with tied weights,
 *   x̂ = ReLU(WᵀW·x + b),   W ∈ ℝ^{m×n}, b ∈ ℝⁿ,
 * here on rows: x̂ = ReLU(x·Wᵀ·W + b), times outScale. Column i of W is feature i's direction in
 * the hidden space; with two hidden dimensions the trained columns form regular k-gons (Chen et al. 2023).
 */
export function toyModel(opts: ToyModelOptions): Model {
  const { features: n, hidden: m } = opts;
  if (![n, m].every((v) => Number.isInteger(v) && v >= 1)) throw new Error(`toyModel: bad sizes ${n} features, ${m} hidden`);
  if (opts.outScale && opts.outScale.length !== n) throw new Error(`toyModel: ${opts.outScale.length} output scales for ${n} features`);
  const { params, size } = layoutParams([
    { name: 'W', shape: [m, n], init: { kind: 'normal', std: opts.initStd ?? 0.1 }, isBias: false },
    { name: 'b', shape: [1, n], init: { kind: 'constant', value: 0 }, isBias: true },
  ]);
  const scale = opts.outScale && opts.outScale.some((s) => s !== 1) ? opts.outScale : null;
  return {
    kind: `toy-${n}-${m}`,
    inDim: n,
    outDim: n,
    params,
    size,
    forward(G, p, x) {
      const h = matmul(G, x, transposeLast(G, p.W)); // [E, B, m]
      const out = relu(G, add(G, matmul(G, h, p.W), p.b)); // [E, B, n]
      return scale ? mul(G, out, G.constant(scale, [1, 1, n])) : out;
    },
  };
}

export interface ConvOptions {
  /** Input images are side × side, one channel, row-major ([B, side²]). */
  side: number;
  /** Number of k × k filters. */
  filters: number;
  /** Filter side (default 3); the convolution is 'valid' (no padding), stride 1. */
  kernel?: number;
  /** Outputs of the dense readout. */
  outDim: number;
}

/**
 * The positions of every k × k patch of a side × side image, as indices into the flat image:
 * patch q = (i, j) (top-left corner, row-major over the (side − k + 1)² positions) reads pixels
 * (i + a)·side + (j + b) for a, b < k, in that order. Length Q·k².
 */
export function patchIndices(side: number, k: number): number[] {
  const n = side - k + 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) out.push((i + a) * side + (j + b));
  return out;
}

/**
 * A small convolutional network: one layer of k × k filters ('valid', stride 1) with a bias and
 * ReLU, then a dense readout of every position's every filter,
 *   h[q, f] = ReLU(Σₐ patch_q[a]·K[a, f] + c[f]),   out = vec(h)·W + b.
 * The convolution is im2col and a product: a Gather with constant indices (patchIndices) lays the
 * image out as patches [.., Q, k²] (the data gets no gradient, so the Gather needs none), and a
 * MatMul with the filters [k², F] does the rest — only ops the engine already differentiates.
 * The filters are the same at every position: that weight sharing is the convolution's inductive bias.
 */
export function conv(opts: ConvOptions): Model {
  const { side, filters: F, outDim } = opts;
  const k = opts.kernel ?? 3;
  if (![side, F, k, outDim].every((v) => Number.isInteger(v) && v >= 1) || k > side) {
    throw new Error(`conv: bad sizes (side ${side}, ${F} filters of ${k}×${k}, ${outDim} outputs)`);
  }
  const K = k * k;
  const Q = (side - k + 1) ** 2;
  const indices = patchIndices(side, k);
  const { params, size } = layoutParams([
    { name: 'K', shape: [K, F], init: { kind: 'normal', std: Math.SQRT2 / Math.sqrt(K) }, isBias: false },
    { name: 'c', shape: [1, F], init: { kind: 'constant', value: 0 }, isBias: true },
    { name: 'W', shape: [Q * F, outDim], init: { kind: 'normal', std: 1 / Math.sqrt(Q * F) }, isBias: false },
    { name: 'b', shape: [1, outDim], init: { kind: 'constant', value: 0 }, isBias: true },
  ]);
  return {
    kind: `conv-${side}-${F}x${k}-${outDim}`,
    inDim: side * side,
    outDim,
    params,
    size,
    forward(G, p, x) {
      const E = p.K.shape[0];
      const lead = x.shape.slice(0, -1); // [B] or [E, B]
      const B = lead[lead.length - 1];
      const patches = G.untaped(() => {
        const flat = G.node('Gather', [x, G.int64(indices)], [...lead, Q * K], { axis: x.shape.length - 1 }, x.type);
        return reshape(G, flat, [lead.length === 2 ? lead[0] : 1, B, Q, K]);
      });
      const pre = add(G, matmul(G, patches, reshape(G, p.K, [E, 1, K, F])), reshape(G, p.c, [E, 1, 1, F])); // [E, B, Q, F]
      const h = reshape(G, relu(G, pre), [E, B, Q * F]);
      return add(G, matmul(G, h, p.W), p.b); // [E, B, out]
    },
  };
}
