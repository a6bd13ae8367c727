/**
 * The engine's WebGPU path measured without a browser: onnxruntime-web's JSEP build in Node, on
 * Dawn's Node bindings (the `webgpu` npm package) as navigator.gpu. For GPU machines that have no
 * Chromium (a headless server); where Chromium runs, `node bench/run.mjs --gpu` measures the same
 * in the browser. Bundled by `node bench/build.mjs --gpu-node` into test-results/gpu-node/.
 *
 *   node test-results/gpu-node/bench.mjs [--quick] [--out FILE]
 *   WEBGPU_NODE=/path/to/webgpu/index.js   where Dawn's bindings are, if not installed as `webgpu`
 *
 * It first checks that WebGPU and WASM compute the same run, then prints steps/s (grids/s for grids,
 * evaluations/s for an ensemble's evaluation on two sets) on WebGPU (replayed, and with every
 * kernel dispatched each call) and on WASM (one thread:
 * onnxruntime-web runs WASM single-threaded in Node) and the WebGPU/WASM ratio for an E=256
 * ensemble; results go to FILE as [{ config, impl, stepsPerSec }].
 */
import { writeFileSync } from 'node:fs';
import { chooseBackend, configureOrt, loadOrt } from '../src/runtime/ort';
import { timeEvaluation, timeGrid, timeTraining } from './engine-runs';

const quick = process.argv.includes('--quick');
const outAt = process.argv.indexOf('--out');
const out = outAt > 0 ? process.argv[outAt + 1] : 'bench/results-gpu-node.json';
// --quick: a smoke run for a software adapter (SwiftShader trains E=32 at <1 step/s): fewer
// steps, no ensemble over 32 members, a 16×16 grid.
const q = (n: number) => (quick ? Math.round(n / 100) : n);

interface Dawn {
  create(flags: string[]): { requestAdapter(o?: object): Promise<{ info: Record<string, unknown> } | null> };
  globals: Record<string, unknown>;
}
let dawn: Dawn;
try {
  dawn = (await import(process.env.WEBGPU_NODE ?? 'webgpu')) as Dawn;
} catch (e) {
  console.error(`Dawn's Node bindings are missing (${(e as Error).message}).\nInstall them with \`npm i --no-save webgpu@0.6.2\`, or set WEBGPU_NODE to their index.js.`);
  process.exit(2);
}
Object.assign(globalThis, dawn.globals);
// onnxruntime uploads straight from the wasm heap, a SharedArrayBuffer here; browsers accept
// shared sources in writeBuffer, Dawn's bindings do not: copy such a source first.
type WriteBuffer = (buffer: unknown, offset: number, data: ArrayBufferLike | ArrayBufferView, dataOffset?: number, size?: number) => void;
const queue = (dawn.globals.GPUQueue as { prototype: { writeBuffer: WriteBuffer } }).prototype;
const writeBuffer = queue.writeBuffer;
queue.writeBuffer = function (this: unknown, buffer, offset, data, dataOffset = 0, size) {
  if (data instanceof SharedArrayBuffer) {
    data = new Uint8Array(data, dataOffset, size ?? data.byteLength - dataOffset).slice();
    dataOffset = 0;
  } else if (ArrayBuffer.isView(data) && data.buffer instanceof SharedArrayBuffer) {
    data = (data as Uint8Array).slice(); // a typed array's offset and size count its elements: unchanged
  }
  return writeBuffer.call(this, buffer, offset, data, dataOffset, size);
};
Object.defineProperty(globalThis.navigator, 'gpu', { value: dawn.create([]), configurable: true });
const adapter = await (navigator as unknown as { gpu: ReturnType<Dawn['create']> }).gpu.requestAdapter({ powerPreference: 'high-performance' });
if (!adapter) {
  console.error('Dawn found no WebGPU adapter (no Vulkan driver? set VK_DRIVER_FILES / VK_ICD_FILENAMES to the GPU ICD).');
  process.exit(2);
}
const a = adapter.info;
console.log(`Node ${process.versions.node}, Dawn adapter: ${[a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ')}`);

const choice = await chooseBackend('webgpu');
console.log(`backend choice: ${choice.reason}`);
const ort = await loadOrt('webgpu');
configureOrt(choice);
(ort.env.webgpu as { powerPreference?: string }).powerPreference = 'high-performance';

const results: { config: string; impl: string; stepsPerSec: number }[] = [];
const record = (config: string, impl: string, stepsPerSec: number, note = '') => {
  results.push({ config, impl, stepsPerSec });
  console.log(`  ${config.padEnd(26)} ${impl.padEnd(14)} ${stepsPerSec.toFixed(stepsPerSec < 10 ? 2 : 0).padStart(9)} ${note}`);
};

// Same run, both backends: the GPU must compute what the CPU computes before its speed means anything.
const parityCfg = { members: 4, fused: 4, steps: 64, readEvery: 1 };
const pg = await timeTraining({ ...parityCfg, backend: 'webgpu' });
console.log(`WebGPU train steps ${pg.replayed ? 'replayed from a recorded command list' : 'NOT replayed (onnxruntime could not capture the graph)'}`);
const pc = await timeTraining({ ...parityCfg, backend: 'wasm' });
let lossDiff = 0;
pg.history.forEach((h, i) => h.loss.forEach((l, e) => (lossDiff = Math.max(lossDiff, Math.abs(l - pc.history[i].loss[e]) / Math.max(1e-3, Math.abs(pc.history[i].loss[e]))))));
const paramDiff = pg.params.reduce((m, p, i) => Math.max(m, Math.abs(p - pc.params[i])), 0);
const first = pc.history[0].loss[0];
const last = pc.history.at(-1)!.loss[0];
const parityOk = pg.history.length === pc.history.length && lossDiff < 1e-4 && paramDiff < 1e-3 && last < first;
console.log(`parity (E=4, 64 Adam steps, 2-64-64-1): loss ${first.toFixed(4)} → ${last.toFixed(4)}, WebGPU vs WASM max relative loss difference ${lossDiff.toExponential(1)}, max parameter difference ${paramDiff.toExponential(1)}: ${parityOk ? 'same' : 'DIFFERENT'}`);

console.log('\nsteps/s (grids/s for the grid); WASM is one thread in Node');
const train = async (config: string, members: number, fused: number, gpuSteps: number, cpuSteps: number, uncaptured = false) => {
  if (quick && members > 32) return NaN;
  // at least three calls: the first is a warm-up, not timed
  const steps = (n: number) => Math.max(3 * fused, q(n));
  const g = await timeTraining({ backend: 'webgpu', members, fused, steps: steps(gpuSteps), readEvery: fused });
  record(config, 'engine-webgpu', g.stepsPerSec, `(K=${fused}${g.replayed ? ', replayed' : ', NOT replayed'})`);
  if (uncaptured) {
    const u = await timeTraining({ backend: 'webgpu', members, fused, steps: steps(gpuSteps / 4), readEvery: fused, capture: false });
    record(config, 'engine-webgpu-each-kernel', u.stepsPerSec, `(K=${fused}, every kernel dispatched each call)  replay ${(g.stepsPerSec / u.stepsPerSec).toFixed(1)}×`);
  }
  if (!cpuSteps) return g.stepsPerSec;
  const c = await timeTraining({ backend: 'wasm', members, fused, steps: steps(cpuSteps), readEvery: fused });
  record(config, 'engine-wasm', c.stepsPerSec, `(K=${fused}, 1 thread)  WebGPU/WASM ${(g.stepsPerSec / c.stepsPerSec).toFixed(1)}×`);
  return g.stepsPerSec / c.stepsPerSec;
};
await train('mlp-2-64-64-1-b256', 1, 16, 6400, 3200, true);
await train('ensemble-E32', 32, 8, 3200, 160, true);
const ratio256 = await train('ensemble-E256', 256, 8, 1600, 40, true);
await train('ensemble-E1024', 1024, 8, 800, 0, true);
await train('ensemble-E4096', 4096, 8, 320, 0);
const side = quick ? 16 : 64;
for (const chunk of quick ? [side * side] : [512, 4096]) {
  const g = await timeGrid({ backend: 'webgpu', side, chunk, repeats: quick ? 1 : 5 });
  const how = g.replayed ? 'replayed' : 'NOT replayed';
  record(`grid-${side}x${side}`, 'engine-webgpu', g.gridsPerSec, `(chunks of ${chunk}, ${how}: ${(g.secondsPerGrid * 1000).toFixed(0)} ms per grid)${g.finite ? '' : ' NON-FINITE'}`);
  const u = await timeGrid({ backend: 'webgpu', side, chunk, repeats: quick ? 1 : 5, capture: false });
  record(`grid-${side}x${side}`, 'engine-webgpu-each-kernel', u.gridsPerSec, `(chunks of ${chunk}: ${(u.secondsPerGrid * 1000).toFixed(0)} ms per grid)  replay ${(g.gridsPerSec / u.gridsPerSec).toFixed(1)}×`);
}
// Between steps a figure evaluates every member on its sets: E=32 and E=256 members, two sets of 1,024.
for (const members of quick ? [4] : [32, 256]) {
  const config = `eval-E${members}-2x1024`;
  const e = await timeEvaluation({ backend: 'webgpu', members, calls: q(200) || 2 });
  record(config, 'engine-webgpu', e.evalsPerSec, `evaluations/s (${e.replayed ? 'replayed' : 'NOT replayed'})${e.finite ? '' : ' NON-FINITE'}`);
  const u = await timeEvaluation({ backend: 'webgpu', members, calls: q(200) || 2, capture: false });
  record(config, 'engine-webgpu-each-kernel', u.evalsPerSec, `evaluations/s  replay ${(e.evalsPerSec / u.evalsPerSec).toFixed(1)}×`);
  const c = await timeEvaluation({ backend: 'wasm', members, calls: members > 32 ? 5 : 20 });
  record(config, 'engine-wasm', c.evalsPerSec, `evaluations/s (1 thread)  WebGPU/WASM ${(e.evalsPerSec / c.evalsPerSec).toFixed(1)}×`);
}
const cg = await timeGrid({ backend: 'wasm', side, chunk: 512, repeats: 1 });
record(`grid-${side}x${side}`, 'engine-wasm', cg.gridsPerSec, `(chunks of 512, 1 thread: ${(cg.secondsPerGrid * 1000).toFixed(0)} ms per grid)`);

console.log(`\nWebGPU/WASM ratio for E=256: ${ratio256.toFixed(1)}×${parityOk ? '' : '  (but WebGPU and WASM disagree: see parity)'}`);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${out}`);
process.exit(parityOk ? 0 : 1); // Dawn keeps the event loop alive
