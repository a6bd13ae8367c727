/**
 * Serialize a Graph to ONNX ModelProto bytes (opset 17, IR 8) through the onnx-proto package.
 * Graph outputs take their logical names here: the node producing each output value is renamed,
 * so no Identity node is ever needed (Identity leaves the GPU under WebGPU).
 */
import onnxProto from 'onnx-proto';
import type { AttrValue, Graph, NodeSpec, ValueType } from './graph';
import { lower, type LoweringRule } from './lowering';

const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

function elemType(t: ValueType | 'int64'): number {
  switch (t) {
    case 'float32':
      return DT.FLOAT;
    case 'float64':
      return DT.DOUBLE;
    case 'bool':
      return DT.BOOL;
    case 'int32':
      return DT.INT32;
    case 'int64':
      return DT.INT64;
  }
}

function attribute(name: string, v: AttrValue) {
  if (typeof v === 'number') return onnx.AttributeProto.create({ name, type: AT.INT, i: v });
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: AT.STRING, s: new TextEncoder().encode(v) });
  if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: AT.INTS, ints: v });
  return onnx.AttributeProto.create({ name, type: AT.FLOAT, f: v.float });
}

function valueInfo(name: string, type: ValueType, shape: readonly number[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: elemType(type), shape: { dim: shape.map((d) => ({ dimValue: d })) } } },
  });
}

/**
 * The nodes some output needs, in order. onnxruntime runs every node it is given, read or not: the
 * sum a gradient starts from, or the loss of a fused step that is never output, would cost a
 * node's dispatch each (~2–3 µs in WASM, a few percent of a small model's step).
 */
export function liveNodes(G: Graph, nodes: readonly NodeSpec[] = G.nodes): NodeSpec[] {
  const live = new Set(G.outputs.map((o) => o.tensor.name));
  const keep = new Array<boolean>(nodes.length).fill(false);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!n.outputs.some((o) => live.has(o))) continue;
    keep[i] = true;
    for (const x of n.inputs) live.add(x);
  }
  return nodes.filter((_, i) => keep[i]);
}

/** The model bytes of the nodes some output needs, lowered by `rules` (lowering.ts) for a backend. */
export function toOnnxBytes(G: Graph, rules: readonly LoweringRule[] = [], name = 'learning-dynamics'): Uint8Array {
  const rename = new Map<string, string>();
  for (const o of G.outputs) rename.set(o.tensor.name, o.name);
  const nm = (n: string) => rename.get(n) ?? n;
  const nodes = liveNodes(G, lower(G, rules, liveNodes(G)));

  // Constants no node reads (a scalar superseded by its rank-matched twin) are left out.
  const used = new Set([...nodes.flatMap((n) => n.inputs), ...G.outputs.map((o) => o.tensor.name)]);
  const initializer = G.initializers.filter((init) => used.has(init.name)).map((init) => {
    const base = { name: init.name, dims: init.dims, dataType: elemType(init.type) };
    switch (init.type) {
      case 'float32':
        return onnx.TensorProto.create({ ...base, floatData: Array.from(init.values) });
      case 'float64':
        return onnx.TensorProto.create({ ...base, doubleData: Array.from(init.values) });
      case 'int64':
        return onnx.TensorProto.create({ ...base, int64Data: Array.from(init.values) });
      default:
        return onnx.TensorProto.create({ ...base, int32Data: Array.from(init.values) });
    }
  });

  const graph = onnx.GraphProto.create({
    name,
    node: nodes.map((n, i) =>
      onnx.NodeProto.create({
        name: `n${i}`,
        opType: n.opType,
        input: n.inputs.map(nm),
        output: n.outputs.map(nm),
        attribute: Object.entries(n.attrs).map(([k, v]) => attribute(k, v)),
      }),
    ),
    initializer,
    input: G.inputs.map((t) => valueInfo(t.name, t.type, t.shape)),
    output: G.outputs.map((o) => valueInfo(o.name, o.tensor.type, o.tensor.shape)),
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'learning-dynamics-engine',
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
