/**
 * The only module that imports onnxruntime-web. It chooses the backend once per worker, loads the
 * matching onnxruntime build, creates sessions one at a time (concurrent creation collides in
 * initWasm), and wraps runs.
 *
 * Two builds: WebGPU needs the JSEP build (28 MB of wasm); WASM alone gets the plain build
 * (14 MB), which also starts at full speed where the JSEP build ran ~3× slower for its first
 * ~10 s in Chromium (its larger module takes longer to reach optimized code). In Node both
 * names resolve to the package's node build.
 */
import type * as Ort from 'onnxruntime-web';
import { Graph } from '../engine/graph';
import { LOWERING, type LoweringRule } from '../engine/lowering';
import { toOnnxBytes } from '../engine/onnx';

export type Backend = 'webgpu' | 'wasm';

export interface BackendChoice {
  backend: Backend;
  /** Why this backend: shown in every widget's status line. */
  reason: string;
  threads: number;
}

export type BackendPreference = 'auto' | Backend;

interface AdapterLike {
  info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}

/** A software adapter (SwiftShader, or one the browser marks as fallback) runs shaders on the CPU. */
export function isSoftwareAdapter(a: AdapterLike): boolean {
  return !!(a.info?.isFallbackAdapter || a.isFallbackAdapter || /swiftshader/i.test(a.info?.architecture ?? ''));
}

/**
 * Pick WebGPU when a hardware adapter exists, else WASM (threaded when cross-origin isolated).
 * A software adapter is slower than WASM for our small graphs (measured: ~4 steps/s against
 * ~600 on the same CPU), so it is used only when WebGPU is asked for by name.
 */
export async function chooseBackend(prefer: BackendPreference = 'auto'): Promise<BackendChoice> {
  const g = globalThis as { navigator?: { gpu?: GpuLike; hardwareConcurrency?: number }; crossOriginIsolated?: boolean };
  const isolated = g.crossOriginIsolated === true;
  const cores = g.navigator?.hardwareConcurrency ?? 1;
  const threads = isolated ? Math.max(1, Math.min(4, cores)) : 1;
  const wasmReason = (why: string) =>
    `${why}; WASM with ${threads} thread${threads === 1 ? '' : 's'}${isolated ? '' : ' (page not cross-origin isolated)'}`;
  if (prefer === 'wasm') return { backend: 'wasm', reason: wasmReason('WASM requested'), threads };
  const gpu = g.navigator?.gpu;
  if (!gpu) return { backend: 'wasm', reason: wasmReason('this browser has no WebGPU'), threads };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { backend: 'wasm', reason: wasmReason('WebGPU is present but gave no adapter'), threads };
    if (isSoftwareAdapter(adapter)) {
      if (prefer === 'webgpu') return { backend: 'webgpu', reason: 'WebGPU requested, on a software adapter (slow)', threads };
      return { backend: 'wasm', reason: wasmReason('the WebGPU adapter is a software fallback, slower than WASM'), threads };
    }
    return { backend: 'webgpu', reason: `WebGPU adapter found (${adapter.info?.vendor || 'unknown vendor'})`, threads };
  } catch (e) {
    return { backend: 'wasm', reason: wasmReason(`WebGPU adapter request failed (${(e as Error).message})`), threads };
  }
}

export type OrtTensor = Ort.Tensor;

/** The loaded onnxruntime module (a live binding: set by loadOrt). */
export let ort: typeof Ort;
let loading: Promise<typeof Ort> | null = null;
let loadedFor: Backend | null = null;

/**
 * Load onnxruntime once per worker: the JSEP build when WebGPU may be used, else the plain WASM
 * build. A later call returns the module already loaded (the JSEP build also runs WASM); asking
 * for WebGPU after the WASM-only build was loaded is an error that says so.
 */
export function loadOrt(backend: Backend): Promise<typeof Ort> {
  if (loadedFor === 'wasm' && backend === 'webgpu') {
    return Promise.reject(new Error("onnxruntime's WASM-only build is loaded in this worker; WebGPU needs the backend chosen before the first session"));
  }
  loadedFor ??= backend;
  loading ??= (backend === 'webgpu' ? import('onnxruntime-web') : import('onnxruntime-web/wasm')).then((m) => {
    const mod = ('InferenceSession' in m ? m : (m as { default: typeof Ort }).default) as typeof Ort;
    ort = mod;
    return mod;
  });
  return loading;
}

let configured = false;

/** Set ORT's global flags once (after loadOrt): wasm location, thread count. */
export function configureOrt(choice: BackendChoice, wasmPaths?: string): void {
  if (!ort) throw new Error('configureOrt: call loadOrt first');
  if (configured) return;
  configured = true;
  ort.env.logLevel = 'error';
  ort.env.wasm.numThreads = choice.threads;
  ort.env.wasm.proxy = false; // our worker is the proxy
  if (wasmPaths) ort.env.wasm.wasmPaths = wasmPaths;
}

let creation: Promise<unknown> = Promise.resolve();
let running: Promise<unknown> = Promise.resolve();

/**
 * Run sessions strictly one after another, whichever figure asks: several figures' experiments
 * interleave in one worker, and onnxruntime-web's WASM backend has one heap and one thread pool.
 */
export function runExclusive<T>(session: Ort.InferenceSession, feeds: Record<string, OrtTensor>, fetches?: Ort.InferenceSession.FetchesType): Promise<T> {
  const next = running.then(() => (fetches ? session.run(feeds, fetches) : session.run(feeds)));
  running = next.catch(() => undefined);
  return next as Promise<T>;
}

/** A compiled program: one ORT session plus the names it reads and writes. */
export class Program {
  private constructor(
    readonly session: Ort.InferenceSession,
    readonly backend: Backend,
  ) {}

  /** Create a session for a graph; sessions are created strictly one after another. */
  static async create(
    graph: Graph,
    backend: Backend,
    gpuOutputs: string[] = [],
    extra: Ort.InferenceSession.SessionOptions = {},
    /** How the graph is lowered for the backend (tests compare graphs with and without a rule). */
    rules: readonly LoweringRule[] = LOWERING[backend],
  ): Promise<Program> {
    await loadOrt(backend);
    const bytes = toOnnxBytes(graph, rules);
    const options: Ort.InferenceSession.SessionOptions = {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
      ...extra,
    };
    if (backend === 'webgpu' && gpuOutputs.length) {
      options.preferredOutputLocation = Object.fromEntries(gpuOutputs.map((n) => [n, 'gpu-buffer' as const]));
    }
    const next = creation.then(() => ort.InferenceSession.create(bytes, options));
    creation = next.catch(() => undefined);
    return new Program(await next, backend);
  }

  async run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> {
    return runExclusive(this.session, feeds);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/**
 * Start onnxruntime before any figure needs it: a worker's first session instantiates the wasm
 * module and its thread pool, the larger part of a figure's wait for its first frame.
 */
export async function warmUp(backend: Backend): Promise<void> {
  const G = new Graph('float32');
  const x = G.input('x', [1]);
  G.output('y', G.node('Add', [x, G.scalar(1)], [1]));
  const p = await Program.create(G, backend);
  await p.release();
}

/** Destroy onnxruntime's WebGPU device (if one was made); later WebGPU runs fail as on a real loss. */
export async function loseWebGpuDevice(): Promise<boolean> {
  const device = (await (ort?.env.webgpu as { device?: unknown } | undefined)?.device) as { destroy?: () => void } | undefined;
  if (!device?.destroy) return false;
  device.destroy();
  return true;
}

/** Tensors need the module loaded (loadOrt, or any Program.create, first). */
export function floatTensor(data: Float32Array | Float64Array, dims: readonly number[]): OrtTensor {
  return new ort.Tensor(data instanceof Float64Array ? 'float64' : 'float32', data, dims);
}

export function intTensor(data: Int32Array, dims: readonly number[]): OrtTensor {
  return new ort.Tensor('int32', data, dims);
}

/** Read a tensor's values, wherever it lives (CPU or GPU buffer). */
export async function readFloats(t: OrtTensor): Promise<Float32Array | Float64Array> {
  if (t.location === 'cpu') return t.data as Float32Array | Float64Array;
  return (await t.getData()) as Float32Array | Float64Array;
}

