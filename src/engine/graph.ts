/**
 * A small typed graph builder over ONNX.
 *
 * Every value has a static shape and dtype known at build time, so shape errors surface when a
 * graph is built (in Node tests), not inside onnxruntime. Every differentiable op records a tape
 * entry with its vector-Jacobian product (VJP); `grad()` in autodiff.ts walks that tape backwards
 * and appends the VJPs as more nodes, so the backward pass is an ordinary part of the same graph.
 *
 * WebGPU rule: only emit ops that stay on the GPU under onnxruntime-web's WebGPU provider.
 * Not used anywhere here: LogSoftmax, Sum, Mean, Sign, OneHot, Random*Like, Loop, Identity,
 * Max, Min, Softplus, ScatterElements, int64 casts, Dropout. int64 appears only in constant
 * initializers (shapes and axes).
 */
export type DType = 'float32' | 'float64';
export type ValueType = DType | 'bool' | 'int32';

export interface Tensor {
  readonly id: number;
  /** Value name in the emitted graph (detached handles share their source's name). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: ValueType;
}

export type AttrValue = number | number[] | string | { float: number };

export interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

export interface InitializerSpec {
  name: string;
  type: ValueType | 'int64';
  dims: number[];
  values: ArrayLike<number>;
}

/**
 * Gradient of the loss with respect to each input (null where the input gets none). `needs[i]`
 * says whether input i leads to a requested gradient; VJPs skip the work for the others (for
 * example the data side of x·W).
 */
export type Vjp = (g: Tensor, needs: readonly boolean[]) => (Tensor | null)[];

export interface TapeEntry {
  output: Tensor;
  inputs: Tensor[];
  vjp: Vjp;
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** numpy broadcasting of two static shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`shapes [${a}] and [${b}] do not broadcast`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

export class Graph {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: InitializerSpec[] = [];
  readonly inputs: Tensor[] = [];
  readonly outputs: { name: string; tensor: Tensor }[] = [];
  readonly tape: TapeEntry[] = [];
  private nextId = 0;
  private recording = true;
  private int64Cache = new Map<string, string>();
  private scalarCache = new Map<string, Tensor>();
  private unitValues = new Map<string, number>();

  constructor(readonly dtype: DType = 'float32') {}

  /** Shape of every value by name (inputs, constants, node outputs): for inspection and tests. */
  readonly shapes = new Map<string, readonly number[]>();

  private fresh(shape: readonly number[], type: ValueType, name?: string): Tensor {
    const id = this.nextId++;
    const t = { id, name: name ?? `v${id}`, shape: [...shape], type };
    this.shapes.set(t.name, t.shape);
    return t;
  }

  /** A new value with no producer yet (for passes that add nodes themselves, such as lowering.ts). */
  value(shape: readonly number[], type: ValueType): Tensor {
    return this.fresh(shape, type);
  }

  /** A graph input, fed from JS each call. */
  input(name: string, shape: readonly number[], type: ValueType = this.dtype): Tensor {
    if (this.inputs.some((t) => t.name === name)) throw new Error(`duplicate input ${name}`);
    const t = this.fresh(shape, type, name);
    this.inputs.push(t);
    return t;
  }

  /** A float constant baked into the graph as an initializer. */
  constant(values: ArrayLike<number>, shape: readonly number[]): Tensor {
    if (values.length !== numel(shape)) throw new Error(`constant: ${values.length} values for shape [${shape}]`);
    const t = this.fresh(shape, this.dtype);
    this.initializers.push({ name: t.name, type: this.dtype, dims: [...shape], values: Array.from(values) });
    return t;
  }

  /** A rank-0 float constant, shared between uses. */
  scalar(v: number): Tensor {
    return this.unitConstant(v, 0);
  }

  /** A one-element float constant of shape [1, …, 1] (`rank` ones), shared between uses. */
  unitConstant(v: number, rank: number): Tensor {
    const key = `${v}@${rank}`;
    const hit = this.scalarCache.get(key);
    if (hit) return hit;
    const t = this.constant([v], new Array(rank).fill(1));
    this.scalarCache.set(key, t);
    this.unitValues.set(t.name, v);
    return t;
  }

  /** The value of a constant made by scalar/unitConstant, if t is one. */
  unitValue(t: { name: string }): number | undefined {
    return this.unitValues.get(t.name);
  }

  /** Name of an int64 constant (shapes, axes, slice bounds): never a graph input or output. */
  int64(values: readonly number[]): string {
    const key = values.join(',');
    const hit = this.int64Cache.get(key);
    if (hit) return hit;
    const name = `i64_${this.int64Cache.size}`;
    this.initializers.push({ name, type: 'int64', dims: [values.length], values: [...values] });
    this.int64Cache.set(key, name);
    return name;
  }

  /** Append a raw node; the caller states the output's shape and type. */
  node(
    opType: string,
    inputs: (Tensor | string)[],
    shape: readonly number[],
    attrs: Record<string, AttrValue> = {},
    type: ValueType = this.dtype,
  ): Tensor {
    const out = this.fresh(shape, type);
    this.nodes.push({
      opType,
      inputs: inputs.map((i) => (typeof i === 'string' ? i : i.name)),
      outputs: [out.name],
      attrs,
    });
    return out;
  }

  /** Record a differentiable op on the tape (ignored inside `untaped`). */
  record(output: Tensor, inputs: Tensor[], vjp: Vjp): Tensor {
    if (this.recording) this.tape.push({ output, inputs, vjp });
    return output;
  }

  /** Build nodes without recording them: for composite ops that record one VJP of their own. */
  untaped<T>(fn: () => T): T {
    const was = this.recording;
    this.recording = false;
    try {
      return fn();
    } finally {
      this.recording = was;
    }
  }

  /** A new handle on the same value that autodiff treats as a leaf (stop-gradient). */
  detach(t: Tensor): Tensor {
    return this.fresh(t.shape, t.type, t.name);
  }

  output(name: string, t: Tensor): void {
    if (this.outputs.some((o) => o.name === name)) throw new Error(`duplicate output ${name}`);
    if (this.inputs.some((i) => i.name === t.name)) throw new Error(`output ${name} is a graph input`);
    if (this.outputs.some((o) => o.tensor.name === t.name)) throw new Error(`output ${name} repeats another output`);
    if (this.initializers.some((i) => i.name === t.name)) throw new Error(`output ${name} is a constant`);
    this.outputs.push({ name, tensor: t });
  }
}
