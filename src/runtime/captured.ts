/**
 * WebGPU programs replayed from a recorded command list (onnxruntime's graph capture). A run's
 * first call records every kernel dispatch; later calls replay them without onnxruntime's
 * per-kernel CPU work, which dominates small steps: measured on an H100 (Dawn, Vulkan), a train
 * step of ~50 kernels cost 3–4.5 ms however small the model (60–90 µs a kernel), and replay
 * trained one model 7–8× and an E=256 ensemble 2.1–2.4× faster (README, Performance).
 *
 * Replay reuses the recorded bindings, so every input and output must be the same GPU buffer on
 * every call. A CapturedProgram owns those buffers: callers write new inputs into them, copy
 * outputs back over inputs (θ′ → θ), and read them back, all on onnxruntime's own device and
 * queue, in call order.
 */
import type * as Ort from 'onnxruntime-web';
import { type Graph, numel } from '../engine/graph';
import { lower, LOWERING } from '../engine/lowering';
import { type Backend, ort, Program, runExclusive } from './ort';

/** The few WebGPU members used here (the DOM typings in use carry no WebGPU). */
interface GpuBuffer {
  size: number;
  mapState: 'unmapped' | 'pending' | 'mapped';
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
interface GpuDevice {
  createBuffer(d: { size: number; usage: number }): GpuBuffer;
  createCommandEncoder(): { copyBufferToBuffer(a: GpuBuffer, ao: number, b: GpuBuffer, bo: number, size: number): void; finish(): unknown };
  queue: { writeBuffer(b: GpuBuffer, offset: number, data: ArrayBufferView): void; submit(cmds: unknown[]): void };
}
// GPUBufferUsage and GPUMapMode flags (WebGPU spec values).
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const STORAGE = 0x80;

type IoType = 'float32' | 'int32';

interface IoSpec {
  type: IoType;
  dims: readonly number[];
}

/** onnxruntime's WebGPU buffers are sized in multiples of 16 bytes. */
const bytes = (dims: readonly number[]) => Math.max(16, Math.ceil((numel(dims) * 4) / 16) * 16);

/** Ops that onnxruntime implements as a buffer copy (or no work at all), not as a kernel. */
const VIEW_OPS = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity']);

/**
 * The named outputs that a replay would leave stale: those not computed by a kernel (a view of
 * another value, a graph input or a constant), which reach their bound buffer by a copy that a
 * recorded command list does not contain.
 */
export function staleOnReplay(graph: Graph, names: readonly string[]): string[] {
  // what runs is the graph as lowered for WebGPU, where a product may have become a reshape
  const producer = new Map(lower(graph, LOWERING.webgpu).flatMap((n) => n.outputs.map((o) => [o, n.opType] as const)));
  return names.filter((name) => {
    const out = graph.outputs.find((o) => o.name === name);
    if (!out) return false;
    const op = producer.get(out.tensor.name);
    return op === undefined || VIEW_OPS.has(op);
  });
}

export class CapturedProgram {
  readonly backend = 'webgpu' as const;

  private constructor(
    private readonly program: Program,
    private readonly device: GpuDevice,
    private readonly buffers: Map<string, { buffer: GpuBuffer; tensor: Ort.Tensor; spec: IoSpec }>,
    private readonly inputs: string[],
    private readonly outputs: string[],
  ) {}

  /**
   * Compile `graph` for replay with a fixed GPU buffer for each of its inputs and outputs. Throws
   * where onnxruntime cannot capture it (a kernel outside the GPU, a copy between devices) or a
   * replay would leave an output stale: callers fall back to an ordinary Program.
   */
  static async create(graph: Graph): Promise<CapturedProgram> {
    const outputs = graph.outputs.map((o) => ({ ...o.tensor, name: o.name }));
    const stale = staleOnReplay(graph, outputs.map((o) => o.name));
    if (stale.length) throw new Error(`outputs ${stale.join(', ')} are not computed by a kernel: a replay would not update them`);
    const values = [...graph.inputs, ...outputs];
    const odd = values.find((v) => v.type !== 'float32' && v.type !== 'int32');
    if (odd) throw new Error(`${odd.name} is ${odd.type}: replayed programs take float32 and int32 only`);
    const program = await Program.create(graph, 'webgpu', [], { enableGraphCapture: true });
    const device = (await ort.env.webgpu.device) as unknown as GpuDevice;
    const buffers = new Map<string, { buffer: GpuBuffer; tensor: Ort.Tensor; spec: IoSpec }>();
    for (const v of values) {
      const spec = { type: v.type as IoType, dims: v.shape };
      const buffer = device.createBuffer({ size: bytes(spec.dims), usage: STORAGE | COPY_SRC | COPY_DST });
      const tensor = ort.Tensor.fromGpuBuffer(buffer as unknown as Ort.Tensor.GpuBufferType, { dataType: spec.type, dims: spec.dims });
      buffers.set(v.name, { buffer, tensor, spec });
    }
    return new CapturedProgram(program, device, buffers, graph.inputs.map((i) => i.name), outputs.map((o) => o.name));
  }

  private slot(name: string) {
    const s = this.buffers.get(name);
    if (!s) throw new Error(`no GPU buffer named ${name}`);
    return s;
  }

  /** Write an input's (or output's) contents; queued behind every earlier call. */
  write(name: string, data: Float32Array | Int32Array): void {
    const s = this.slot(name);
    if (data.length !== numel(s.spec.dims)) throw new RangeError(`${name}: ${data.length} values for a buffer of ${numel(s.spec.dims)}`);
    this.device.queue.writeBuffer(s.buffer, 0, data);
  }

  /** Copy one buffer over another of the same size (an output over the input it replaces). */
  copy(from: string, to: string): void {
    const a = this.slot(from);
    const b = this.slot(to);
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(a.buffer, 0, b.buffer, 0, Math.min(a.buffer.size, b.buffer.size));
    this.device.queue.submit([enc.finish()]);
  }

  /** Run (the first call records, later calls replay); results stay in the output buffers. */
  async run(): Promise<void> {
    const feeds = Object.fromEntries(this.inputs.map((n) => [n, this.slot(n).tensor]));
    const fetches = Object.fromEntries(this.outputs.map((n) => [n, this.slot(n).tensor]));
    await runExclusive(this.program.session, feeds, fetches);
  }

  /** Read a buffer back to the CPU (after everything queued before it). */
  async read(name: string): Promise<Float32Array> {
    return (await this.readMany([name]))[0];
  }

  /** Read several buffers back through one staging buffer: one wait for the GPU, not one each. */
  async readMany(names: readonly string[]): Promise<Float32Array[]> {
    const slots = names.map((n) => this.slot(n));
    const offsets: number[] = [];
    let total = 0;
    for (const s of slots) {
      offsets.push(total);
      total += s.buffer.size;
    }
    const staging = this.device.createBuffer({ size: total, usage: MAP_READ | COPY_DST });
    try {
      const enc = this.device.createCommandEncoder();
      slots.forEach((s, i) => enc.copyBufferToBuffer(s.buffer, 0, staging, offsets[i], s.buffer.size));
      this.device.queue.submit([enc.finish()]);
      await staging.mapAsync(MAP_READ);
      const all = staging.getMappedRange();
      return slots.map((s, i) => new Float32Array(all.slice(offsets[i], offsets[i] + numel(s.spec.dims) * 4)));
    } finally {
      staging.destroy();
    }
  }

  async release(): Promise<void> {
    await this.program.release();
    for (const s of this.buffers.values()) s.buffer.destroy();
  }
}

/**
 * A CapturedProgram where `capture` is on, the backend is WebGPU and onnxruntime can capture the
 * graph; otherwise the ordinary Program (with `gpuOutputs` left on the GPU).
 */
export async function replayedOrOrdinary(graph: Graph, backend: Backend, capture: boolean, gpuOutputs: string[] = []): Promise<Program | CapturedProgram> {
  if (backend === 'webgpu' && capture) {
    const replayed = await CapturedProgram.create(graph).catch(() => null);
    if (replayed) return replayed;
  }
  return Program.create(graph, backend, gpuOutputs);
}
