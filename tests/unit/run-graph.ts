/** Test helper: run an engine Graph through onnxruntime-web's wasm backend in Node. */
import type { Graph } from '../../src/engine/graph';
import { Program, floatTensor, intTensor, loadOrt, type OrtTensor } from '../../src/runtime/ort';

const ort = await loadOrt('wasm');
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

export type Feed = { data: ArrayLike<number>; shape: readonly number[]; int?: boolean };

export async function compile(G: Graph): Promise<Program> {
  return Program.create(G, 'wasm');
}

export async function runProgram(p: Program, G: Graph, feeds: Record<string, Feed>): Promise<Record<string, Float64Array>> {
  const ortFeeds: Record<string, OrtTensor> = {};
  for (const input of G.inputs) {
    const f = feeds[input.name];
    if (!f) throw new Error(`missing feed ${input.name}`);
    ortFeeds[input.name] =
      input.type === 'int32'
        ? intTensor(Int32Array.from(f.data), f.shape)
        : floatTensor(G.dtype === 'float64' ? Float64Array.from(f.data) : Float32Array.from(f.data), f.shape);
  }
  const out = await p.run(ortFeeds);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Float64Array.from(v.data as Float32Array)]));
}

export async function runGraph(G: Graph, feeds: Record<string, Feed>): Promise<Record<string, Float64Array>> {
  const p = await compile(G);
  try {
    return await runProgram(p, G, feeds);
  } finally {
    await p.release();
  }
}
