/**
 * Backend tuning as a pass of its own. Ops (ops.ts) say what they compute; when a graph is
 * compiled for a backend (runtime/ort.ts), these named rules rewrite nodes whose shapes a backend's
 * kernels handle slowly into equivalent nodes they handle fast. Each rule keeps every value the
 * same (tests/unit/lowering.test.ts runs graphs with and without it) and is measured, not guessed:
 * the costs below are onnxruntime-web 1.30's WASM kernels (bench/README.md).
 */
import { type AttrValue, broadcastShapes, type Graph, type NodeSpec, numel } from './graph';

export interface LoweringRule {
  name: string;
  /**
   * Rewrite one node: nodes to insert before it, and the node that replaces it (same outputs);
   * null leaves it alone.
   */
  apply(node: NodeSpec, pass: LoweringPass): { before: NodeSpec[]; node: NodeSpec } | null;
}

/** What a rule may use: shapes and producers by name, and values it adds (shared within a pass). */
export class LoweringPass {
  private made = new Map<string, string>();
  private producers: Map<string, NodeSpec>;

  constructor(
    readonly G: Graph,
    nodes: readonly NodeSpec[],
  ) {
    this.producers = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  }

  shape(name: string): readonly number[] {
    const s = this.G.shapes.get(name) ?? this.G.initializers.find((i) => i.name === name)?.dims;
    if (!s) throw new Error(`lowering: no shape for ${name}`);
    return s;
  }

  /** If `name` is a Transpose of the last two axes, its input. */
  transposedFrom(name: string): string | undefined {
    const p = this.producers.get(name);
    if (p?.opType !== 'Transpose') return undefined;
    const perm = p.attrs.perm as number[];
    const r = perm.length;
    return perm.every((v, i) => v === (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i)) ? p.inputs[0] : undefined;
  }

  /** A new node's (float) output; the node goes into `before`. */
  node(opType: string, inputs: string[], shape: readonly number[], before: NodeSpec[], attrs: Record<string, AttrValue> = {}): string {
    const out = this.G.value(shape, this.G.dtype).name;
    before.push({ opType, inputs, outputs: [out], attrs });
    return out;
  }

  /** `input` reshaped or expanded to `shape`, made once per pass: forward and backward nodes that read it share one copy. */
  reshaped(opType: 'Reshape' | 'Expand', input: string, shape: readonly number[], before: NodeSpec[]): string {
    const key = `${opType}(${input})→${shape.join(',')}`;
    const hit = this.made.get(key);
    if (hit) return hit;
    const out = this.node(opType, [input, this.G.int64([...shape])], shape, before);
    this.made.set(key, out);
    return out;
  }
}

/**
 * The weight gradient of a one-output layer, (aᵀ)·g with g [..., m, 1], would transpose the
 * activations a [..., m, k] first; as (gᵀ·a)ᵀ it is a one-row product of a as it is (and a
 * reshape), and the transposed copy of a is never made.
 */
export const transposedColumnProduct: LoweringRule = {
  name: 'transposed-column-product',
  apply(node, pass) {
    if (node.opType !== 'MatMul') return null;
    const [x, g] = node.inputs;
    const a = pass.transposedFrom(x);
    const gs = pass.shape(g);
    if (!a || gs.at(-1) !== 1) return null;
    const out = pass.shape(node.outputs[0]);
    const before: NodeSpec[] = [];
    const gRow = pass.reshaped('Reshape', g, [...gs.slice(0, -2), 1, gs.at(-2)!], before);
    const row = pass.node('MatMul', [gRow, a], [...out.slice(0, -2), 1, out.at(-2)!], before);
    return { before, node: { opType: 'Reshape', inputs: [row, pass.G.int64([...out])], outputs: node.outputs, attrs: {} } };
  },
};

/**
 * onnxruntime's WASM GEMM pads a one-column output to a 16-wide panel: a product with one output
 * column, a [..., m, k] · b [..., k, 1] (a regression head), runs as a broadcast Mul of a with b
 * as a row and a sum along it (7–14% of a one-output MLP's step).
 */
export const oneColumnProduct: LoweringRule = {
  name: 'one-column-product',
  apply(node, pass) {
    if (node.opType !== 'MatMul') return null;
    const [a, b] = node.inputs;
    const bs = pass.shape(b);
    const k = bs.at(-2)!;
    if (bs.at(-1) !== 1 || k <= 1) return null;
    const before: NodeSpec[] = [];
    const rowShape = [...bs.slice(0, -2), 1, k];
    const row = pass.transposedFrom(b) ?? pass.reshaped('Reshape', b, rowShape, before);
    const out = pass.shape(node.outputs[0]);
    const prod = pass.node('Mul', [a, row], broadcastShapes(pass.shape(a), rowShape), before);
    return { before, node: { opType: 'ReduceSum', inputs: [prod, pass.G.int64([out.length - 1])], outputs: node.outputs, attrs: { keepdims: 1 } } };
  },
};

/** Where's condition is not a float operand; its two value inputs are. */
const OPERANDS: Record<string, number[]> = { Add: [0, 1], Sub: [0, 1], Mul: [0, 1], Div: [0, 1], Greater: [0, 1], Where: [1, 2] };

/**
 * A one-element operand of lower rank broadcast against a tensor whose last axis is 1
 * ([E, B, 1] + 1) runs one element at a time, ~60 ns each: given the output's rank ([1, 1, 1]) it
 * runs at the usual speed. Constants made by unitConstant are re-made at that rank; others reshaped.
 */
export const rankMatchUnitOperands: LoweringRule = {
  name: 'rank-match-unit-operands',
  apply(node, pass) {
    const slots = OPERANDS[node.opType];
    if (!slots) return null;
    const out = pass.shape(node.outputs[0]);
    const r = out.length;
    if (r === 0 || out[r - 1] !== 1 || numel(out) === 1) return null;
    const before: NodeSpec[] = [];
    let changed = false;
    const inputs = node.inputs.map((name, i) => {
      const s = pass.shape(name);
      if (!slots.includes(i) || s.length === r || numel(s) !== 1) return name;
      changed = true;
      const unit = pass.G.unitValue({ name });
      if (unit !== undefined) return pass.G.unitConstant(unit, r).name;
      return pass.reshaped('Reshape', name, new Array(r).fill(1), before);
    });
    return changed ? { before, node: { ...node, inputs } } : null;
  },
};

/**
 * An operand repeated along an inner axis in short runs (a bias [E, 1, H] added to [E, B, H]) is
 * broadcast run by run, with a fixed cost per run (~20 ns per element at H = 16, 2× slower than
 * Expand and a same-shape op even at H = 64 in cache): such operands are expanded first. Not for
 * runs of one (fast), runs of 256 or more, fewer than 256 runs (the extra node costs more), or runs
 * of 32 or more in tensors over 2²⁰ elements (a landscape grid's [points, B, H]: out of cache the
 * expanded copy costs more than the runs).
 */
export const expandShortRowBroadcasts: LoweringRule = {
  name: 'expand-short-row-broadcasts',
  apply(node, pass) {
    if (!['Add', 'Sub', 'Mul', 'Div'].includes(node.opType)) return null;
    const shape = pass.shape(node.outputs[0]);
    const r = shape.length;
    const before: NodeSpec[] = [];
    let changed = false;
    const inputs = node.inputs.map((name) => {
      const own = pass.shape(name);
      const xs = [...new Array(r - own.length).fill(1), ...own];
      if (numel(xs) === 1 || xs[r - 1] !== shape[r - 1]) return name; // scalars; broadcasts along the last axis
      let last = -1;
      for (let i = 0; i < r; i++) if (xs[i] === 1 && shape[i] > 1) last = i;
      const span = last < 0 ? 0 : numel(shape.slice(last + 1));
      if (span <= 1 || span >= 256 || numel(shape) / span < 256) return name;
      if (span >= 32 && numel(shape) > 1 << 20) return name;
      changed = true;
      return pass.reshaped('Expand', name, shape, before);
    });
    return changed ? { before, node: { ...node, inputs } } : null;
  },
};

/**
 * The rules each backend's graphs get, in order (the product rules make the Muls the later rules
 * tune). WebGPU gets the WASM rules too: they were measured only on WASM, and on WebGPU steps are
 * replayed, where an extra node costs little; measure on a GPU before giving WebGPU rules of its own.
 */
export const LOWERING: Record<'wasm' | 'webgpu', LoweringRule[]> = {
  wasm: [transposedColumnProduct, oneColumnProduct, rankMatchUnitOperands, expandShortRowBroadcasts],
  webgpu: [transposedColumnProduct, oneColumnProduct, rankMatchUnitOperands, expandShortRowBroadcasts],
};

/**
 * The graph's nodes with the rules applied, one pass per rule (the graph's own node list is left as
 * built). Nodes a rewrite leaves unread (a transpose no product needs any more) are for the caller's
 * liveness sweep (onnx.ts).
 */
export function lower(G: Graph, rules: readonly LoweringRule[], nodes: readonly NodeSpec[] = G.nodes): NodeSpec[] {
  let current = [...nodes];
  for (const rule of rules) {
    const pass = new LoweringPass(G, current);
    const next: NodeSpec[] = [];
    for (const node of current) {
      const r = rule.apply(node, pass);
      if (r) next.push(...r.before, r.node);
      else next.push(node);
    }
    current = next;
  }
  return current;
}
