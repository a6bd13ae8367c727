/**
 * A program called with plain arrays and answering with plain arrays: the evaluation programs
 * (losses of every member, landscape grids, predictions, gradients). On WebGPU it is replayed from
 * a recorded command list (captured.ts) where onnxruntime can capture the graph, so a call costs
 * a few buffer writes, one replay and one read-back instead of onnxruntime's CPU work for every
 * kernel (60–90 µs each on an H100, README); elsewhere it runs the ordinary way. Input shapes
 * and types come from the graph, so callers pass values only.
 */
import { type Graph, numel } from '../engine/graph';
import { CapturedProgram, replayedOrOrdinary } from './captured';
import { type Backend, floatTensor, intTensor, type OrtTensor, Program, readFloats } from './ort';

export type Values = Float32Array | Float64Array | Int32Array;

/**
 * A replayed program keeps the GPU buffers its recorded commands use for as long as it lives
 * (measured in Node on Dawn: ~1.5× what the ordinary path keeps pooled, and each program its own),
 * while a program whose values reach this many elements (64 MB of floats: a 128×128 landscape
 * slice of a 16-wide net on 150 examples has 39M) is bound by its arithmetic, where replay saves
 * little. Those run the ordinary way.
 */
export const REPLAY_MAX_ELEMENTS = 1 << 24;

/** Elements of the largest value a node of the graph computes. */
export function largestValue(graph: Graph): number {
  let max = 0;
  for (const node of graph.nodes) for (const o of node.outputs) max = Math.max(max, numel(graph.shapes.get(o) ?? []));
  return max;
}

export class ArrayProgram {
  private constructor(
    private readonly graph: Graph,
    private readonly program: Program | CapturedProgram,
  ) {}

  /**
   * On WebGPU, replayed unless `capture` is false, onnxruntime cannot capture the graph, or the
   * graph is big (see REPLAY_MAX_ELEMENTS).
   */
  static async create(graph: Graph, backend: Backend, opts: { capture?: boolean } = {}): Promise<ArrayProgram> {
    const small = largestValue(graph) <= REPLAY_MAX_ELEMENTS;
    return new ArrayProgram(graph, await replayedOrOrdinary(graph, backend, opts.capture !== false && small));
  }

  get replayed(): boolean {
    return this.program instanceof CapturedProgram;
  }

  get backend(): Backend {
    return this.program.backend;
  }

  /** Run with every graph input given; returns every graph output, read back to the CPU. */
  async call(feeds: Record<string, Values>): Promise<Record<string, Float32Array | Float64Array>> {
    const values = this.graph.inputs.map((input) => {
      const v = feeds[input.name];
      if (!v) throw new Error(`missing input ${input.name}`);
      if (v.length !== numel(input.shape)) throw new RangeError(`${input.name}: ${v.length} values for shape [${input.shape}]`);
      if (input.type === 'int32') {
        if (!(v instanceof Int32Array)) throw new TypeError(`${input.name} takes an Int32Array`);
        return v;
      }
      if (input.type === 'float64') return v instanceof Float64Array ? v : Float64Array.from(v);
      return v instanceof Float32Array ? v : Float32Array.from(v);
    });
    const names = this.graph.outputs.map((o) => o.name);
    const p = this.program;
    if (p instanceof CapturedProgram) {
      // Replayed graphs are float32 and int32 only (CapturedProgram.create refuses the others).
      this.graph.inputs.forEach((input, i) => p.write(input.name, values[i] as Float32Array | Int32Array));
      await p.run();
      const read = await p.readMany(names);
      return Object.fromEntries(names.map((n, i) => [n, read[i]]));
    }
    const tensors: Record<string, OrtTensor> = {};
    this.graph.inputs.forEach((input, i) => {
      const v = values[i];
      tensors[input.name] = v instanceof Int32Array ? intTensor(v, input.shape) : floatTensor(v, input.shape);
    });
    const out = await p.run(tensors);
    const result: Record<string, Float32Array | Float64Array> = {};
    for (const n of names) result[n] = await readFloats(out[n]); // onnxruntime copies outputs out of its heap
    return result;
  }

  release(): Promise<void> {
    return this.program.release();
  }
}
