/**
 * Backend tuning as a pass of its own. Ops (ops.ts) say what they compute; when a graph is
 * compiled for a backend (runtime/ort.ts), these named rules rewrite nodes whose shapes a backend's
 * kernels handle slowly into equivalent nodes they handle fast. Each rule keeps every value the
 * same (tests/unit/lowering.test.ts runs graphs with and without it) and is measured, not guessed:
 * the costs below are onnxruntime-web 1.30's WASM kernels (bench/README.md).
 */
import { broadcastShapes, type Graph, type NodeSpec, numel } from './graph';

export interface LoweringRule {
  name: string;
  /** Rewrite one node: nodes to insert before it, and its new inputs (null: leave it alone). */
  apply(node: NodeSpec, pass: LoweringPass): { before: NodeSpec[]; inputs: string[] } | null;
}

/** What a rule may use: shapes by name, and values it adds (shared between nodes of one pass). */
export class LoweringPass {
  private made = new Map<string, string>();

  constructor(readonly G: Graph) {}

  shape(name: string): readonly number[] {
    const s = this.G.shapes.get(name) ?? this.G.initializers.find((i) => i.name === name)?.dims;
    if (!s) throw new Error(`lowering: no shape for ${name}`);
    return s;
  }

  /**
   * The output of `opType` on `input` with these extra inputs, made once per pass: a forward node
   * and the backward nodes that read the same operand share one rewritten copy.
   */
  derived(opType: string, input: string, extra: string[], shape: readonly number[], before: NodeSpec[]): string {
    const key = `${opType}(${input},${extra.join(',')})`;
    const hit = this.made.get(key);
    if (hit) return hit;
    const out = this.G.value(shape, this.G.dtype).name;
    before.push({ opType, inputs: [input, ...extra], outputs: [out], attrs: {} });
    this.made.set(key, out);
    return out;
  }
}

const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div']);
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
      return pass.derived('Reshape', name, [pass.G.int64(new Array(r).fill(1))], new Array(r).fill(1), before);
    });
    return changed ? { before, inputs } : null;
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
    if (!ELEMENTWISE.has(node.opType)) return null;
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
      return pass.derived('Expand', name, [pass.G.int64([...broadcastShapes(own, shape)])], shape, before);
    });
    return changed ? { before, inputs } : null;
  },
};

/**
 * The rules each backend's graphs get, in order. WebGPU gets the WASM rules too: they were measured
 * only on WASM, and on WebGPU steps are replayed, where an extra node costs little; measure on a
 * GPU before giving WebGPU rules of its own.
 */
export const LOWERING: Record<'wasm' | 'webgpu', LoweringRule[]> = {
  wasm: [rankMatchUnitOperands, expandShortRowBroadcasts],
  webgpu: [rankMatchUnitOperands, expandShortRowBroadcasts],
};

/** The graph's nodes with the rules applied (the graph's own node list is left as built). */
export function lower(G: Graph, rules: readonly LoweringRule[], nodes: readonly NodeSpec[] = G.nodes): NodeSpec[] {
  let current = [...nodes];
  for (const rule of rules) {
    const pass = new LoweringPass(G);
    const next: NodeSpec[] = [];
    for (const node of current) {
      const r = rule.apply(node, pass);
      if (!r) next.push(node);
      else next.push(...r.before, { ...node, inputs: r.inputs });
    }
    current = next;
  }
  return current;
}
