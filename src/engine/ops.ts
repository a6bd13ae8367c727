/**
 * Differentiable ops. Each builds ONNX nodes and records its vector-Jacobian product.
 * Every VJP here is checked against central finite differences in tests/unit/ops.test.ts. Ops say
 * what they compute; how a backend's kernels like their operands shaped is lowering.ts's business.
 */
import { broadcastShapes, type Graph, numel, sameShape, type Tensor } from './graph';

function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** Sum g over the axes along which `shape` was broadcast to g's shape (the VJP of broadcasting). */
export function unbroadcast(G: Graph, g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length ? reduceSum(G, g, axes, true) : g;
  return sameShape(summed.shape, shape) ? summed : reshape(G, summed, shape);
}

type Lazy = () => Tensor;

/** Build only the gradients that are needed (each side is a thunk), then undo broadcasting. */
function lazyGrads(G: Graph, inputs: Tensor[], needs: readonly boolean[], thunks: Lazy[]): (Tensor | null)[] {
  return thunks.map((t, i) => (needs[i] ? unbroadcast(G, t(), inputs[i].shape) : null));
}

/** Elementwise ops broadcast numpy-style; how a backend's kernels like their operands shaped is lowering.ts's business. */
function binary(G: Graph, op: string, a: Tensor, b: Tensor, vjp: (g: Tensor, out: Tensor) => [Lazy, Lazy]): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const out = G.node(op, [a, b], shape);
  return G.record(out, [a, b], (g, needs) => lazyGrads(G, [a, b], needs, vjp(g, out)));
}

export const add = (G: Graph, a: Tensor, b: Tensor): Tensor => binary(G, 'Add', a, b, (g) => [() => g, () => g]);
export const sub = (G: Graph, a: Tensor, b: Tensor): Tensor => binary(G, 'Sub', a, b, (g) => [() => g, () => neg(G, g)]);
export const mul = (G: Graph, a: Tensor, b: Tensor): Tensor =>
  binary(G, 'Mul', a, b, (g) => [() => mul(G, g, b), () => mul(G, g, a)]);
export const div = (G: Graph, a: Tensor, b: Tensor): Tensor =>
  binary(G, 'Div', a, b, (g, out) => [() => div(G, g, b), () => neg(G, mul(G, div(G, g, b), out))]);

function unary(G: Graph, op: string, x: Tensor, vjp: (g: Tensor, out: Tensor) => Tensor): Tensor {
  const out = G.node(op, [x], x.shape);
  return G.record(out, [x], (g) => [vjp(g, out)]);
}

export const neg = (G: Graph, x: Tensor): Tensor => unary(G, 'Neg', x, (g) => neg(G, g));
export const exp = (G: Graph, x: Tensor): Tensor => unary(G, 'Exp', x, (g, y) => mul(G, g, y));
export const log = (G: Graph, x: Tensor): Tensor => unary(G, 'Log', x, (g) => div(G, g, x));
export const sqrt = (G: Graph, x: Tensor): Tensor =>
  unary(G, 'Sqrt', x, (g, y) => div(G, g, mul(G, G.scalar(2), y)));
/** d tanh = 1 − y². */
export const tanh = (G: Graph, x: Tensor): Tensor =>
  unary(G, 'Tanh', x, (g, y) => mul(G, g, sub(G, G.scalar(1), mul(G, y, y))));
/** d σ = σ(1 − σ). */
export const sigmoid = (G: Graph, x: Tensor): Tensor =>
  unary(G, 'Sigmoid', x, (g, y) => mul(G, g, mul(G, y, sub(G, G.scalar(1), y))));
/** d relu = g where x > 0 (Where instead of Sign or Max, which leave the GPU). */
export const relu = (G: Graph, x: Tensor): Tensor =>
  unary(G, 'Relu', x, (g) => where(G, greater(G, x, G.scalar(0)), g, G.scalar(0)));
export const abs = (G: Graph, x: Tensor): Tensor =>
  unary(G, 'Abs', x, (g) => where(G, greater(G, x, G.scalar(0)), g, neg(G, g)));
export const square = (G: Graph, x: Tensor): Tensor => mul(G, x, x);

/** x raised to a constant power p: d/dx = p·x^(p−1). */
export function powConst(G: Graph, x: Tensor, p: number): Tensor {
  const out = G.node('Pow', [x, G.scalar(p)], x.shape);
  return G.record(out, [x], (g) => [mul(G, g, mul(G, G.scalar(p), powConst(G, x, p - 1)))]);
}

/** Elementwise comparison; boolean result, no gradient. */
export function greater(G: Graph, a: Tensor, b: Tensor): Tensor {
  return G.node('Greater', [a, b], broadcastShapes(a.shape, b.shape), {}, 'bool');
}

export function where(G: Graph, cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(cond.shape, broadcastShapes(a.shape, b.shape));
  const out = G.node('Where', [cond, a, b], shape);
  return G.record(out, [a, b], (g, needs) =>
    lazyGrads(G, [a, b], needs, [() => where(G, cond, g, G.scalar(0)), () => where(G, cond, G.scalar(0), g)]),
  );
}

/** Cast a boolean to the graph's float type (1 or 0). */
export function toFloat(G: Graph, b: Tensor): Tensor {
  return G.node('Cast', [b], b.shape, { to: G.dtype === 'float64' ? 11 : 1 });
}

export function matmul(G: Graph, a: Tensor, b: Tensor): Tensor {
  if (a.shape.length < 2 || b.shape.length < 2) throw new Error('matmul needs rank ≥ 2 operands');
  const [m, k] = a.shape.slice(-2);
  const [k2, n] = b.shape.slice(-2);
  if (k !== k2) throw new Error(`matmul: [${a.shape}] × [${b.shape}]`);
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = G.node('MatMul', [a, b], [...batch, m, n]);
  return G.record(out, [a, b], (g, needs) =>
    lazyGrads(G, [a, b], needs, [() => matmul(G, g, transposeLast(G, b)), () => matmul(G, transposeLast(G, a), g)]),
  );
}

/**
 * a [..., m, k] against a row w [..., 1, k] → [..., m, 1]: a·wᵀ (a one-output head whose weights
 * are stored as a row). Its VJP needs no transpose: da = g·w (an inner dimension of one) and
 * dw = gᵀ·a (a one-row product).
 */
export function rowDot(G: Graph, a: Tensor, w: Tensor): Tensor {
  const [m, k] = a.shape.slice(-2);
  if (w.shape.length < 2 || w.shape.at(-2) !== 1 || w.shape.at(-1) !== k) throw new Error(`rowDot: [${a.shape}] against [${w.shape}]`);
  const batch = broadcastShapes(a.shape.slice(0, -2), w.shape.slice(0, -2));
  const out = G.untaped(() => matmul(G, a, transposeLast(G, w)));
  return G.record(out, [a, w], (g, needs) =>
    lazyGrads(G, [a, w], needs, [() => matmul(G, g, w), () => matmul(G, reshape(G, g, [...batch, 1, m]), a)]),
  );
}

export function transpose(G: Graph, x: Tensor, perm: number[]): Tensor {
  if (perm.length !== x.shape.length) throw new Error('transpose: perm rank');
  const out = G.node('Transpose', [x], perm.map((p) => x.shape[p]), { perm }, x.type);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return G.record(out, [x], (g) => [transpose(G, g, inverse)]);
}

export function transposeLast(G: Graph, x: Tensor): Tensor {
  const r = x.shape.length;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return transpose(G, x, perm);
}

export function reshape(G: Graph, x: Tensor, shape: readonly number[]): Tensor {
  if (numel(shape) !== numel(x.shape)) throw new Error(`reshape [${x.shape}] → [${shape}]`);
  const out = G.node('Reshape', [x, G.int64([...shape])], shape, {}, x.type);
  return G.record(out, [x], (g) => [reshape(G, g, x.shape)]);
}

export function reduceSum(G: Graph, x: Tensor, axes: number[], keepdims = false): Tensor {
  const r = x.shape.length;
  const ax = axes.map((a) => normAxis(a, r)).sort((a, b) => a - b);
  const kept = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const shape = keepdims ? kept : x.shape.filter((_, i) => !ax.includes(i));
  const out = G.node('ReduceSum', [x, G.int64(ax)], shape, { keepdims: keepdims ? 1 : 0 });
  return G.record(out, [x], (g) => {
    const gk = keepdims ? g : reshape(G, g, kept);
    return [expand(G, gk, x.shape)];
  });
}

export function reduceMean(G: Graph, x: Tensor, axes: number[], keepdims = false): Tensor {
  const r = x.shape.length;
  const count = axes.reduce((n, a) => n * x.shape[normAxis(a, r)], 1);
  return mul(G, reduceSum(G, x, axes, keepdims), G.scalar(1 / count));
}

/** Max over one axis (keepdims), with no gradient: used only as a stabilizing shift. */
export function reduceMaxNoGrad(G: Graph, x: Tensor, axis: number): Tensor {
  const a = normAxis(axis, x.shape.length);
  return G.node('ReduceMax', [x], x.shape.map((d, i) => (i === a ? 1 : d)), { axes: [a], keepdims: 1 });
}

/** Broadcast x to a larger shape (Expand); VJP sums back. */
export function expand(G: Graph, x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const full = broadcastShapes(x.shape, shape);
  const out = G.node('Expand', [x, G.int64(full)], full, {}, x.type);
  return G.record(out, [x], (g) => [unbroadcast(G, g, x.shape)]);
}

/**
 * WebGPU binds every input of a node as a storage buffer, and adapters may allow as few as 8 per
 * shader stage: wider concatenations are built as a tree of narrow ones.
 */
export const MAX_CONCAT_INPUTS = 6;

export function concat(G: Graph, xs: Tensor[], axis: number): Tensor {
  const r = xs[0].shape.length;
  const a = normAxis(axis, r);
  if (xs.length > MAX_CONCAT_INPUTS) {
    const groups: Tensor[] = [];
    for (let i = 0; i < xs.length; i += MAX_CONCAT_INPUTS) {
      const g = xs.slice(i, i + MAX_CONCAT_INPUTS);
      groups.push(g.length === 1 ? g[0] : concat(G, g, a));
    }
    return concat(G, groups, a);
  }
  const shape = [...xs[0].shape];
  shape[a] = xs.reduce((s, x) => s + x.shape[a], 0);
  const out = G.node('Concat', xs, shape, { axis: a }, xs[0].type);
  return G.record(out, xs, (g, needs) => {
    let start = 0;
    return xs.map((x, i) => {
      const piece = needs[i] ? slice(G, g, a, start, start + x.shape[a]) : null;
      start += x.shape[a];
      return piece;
    });
  });
}

/** x[..., start:end, ...] along one axis. VJP: pad with zero constants by concatenation. */
export function slice(G: Graph, x: Tensor, axis: number, start: number, end: number): Tensor {
  const a = normAxis(axis, x.shape.length);
  if (!(0 <= start && start < end && end <= x.shape[a])) throw new Error(`slice ${start}:${end} of ${x.shape[a]}`);
  const shape = [...x.shape];
  shape[a] = end - start;
  const out = G.node('Slice', [x, G.int64([start]), G.int64([end]), G.int64([a])], shape, {}, x.type);
  return G.record(out, [x], (g) => {
    const parts: Tensor[] = [];
    const zeros = (n: number) => {
      const s = [...x.shape];
      s[a] = n;
      return G.constant(new Float64Array(numel(s)), s);
    };
    if (start > 0) parts.push(zeros(start));
    parts.push(g);
    if (end < x.shape[a]) parts.push(zeros(x.shape[a] - end));
    return [parts.length === 1 ? g : concat(G, parts, a)];
  });
}

/** Softmax over the last axis. VJP: y ⊙ (g − Σ g⊙y). */
export function softmax(G: Graph, x: Tensor): Tensor {
  const out = G.node('Softmax', [x], x.shape, { axis: -1 });
  return G.record(out, [x], (g) => {
    const dot = reduceSum(G, mul(G, g, out), [-1], true);
    return [mul(G, out, sub(G, g, dot))];
  });
}

/** Integer-indexed rows of a data tensor (Gather on axis 0, int32 indices); data gets no gradient. */
export function gatherRows(G: Graph, data: Tensor, indices: Tensor): Tensor {
  if (indices.type !== 'int32') throw new Error('gatherRows: indices must be int32');
  return G.node('Gather', [data, indices], [...indices.shape, ...data.shape.slice(1)], { axis: 0 }, data.type);
}
