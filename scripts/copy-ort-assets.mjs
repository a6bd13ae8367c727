/**
 * Copy onnxruntime-web's WebAssembly runtimes (JSEP build: WebGPU + WASM; plain WASM build) into
 * public/ort/<version>/, so the book serves it itself under a versioned, cacheable path. The
 * worker imports the non-bundled ORT build and points ort.env.wasm.wasmPaths there: the bundled
 * build would start its WebAssembly threads from the worker's own script. Not committed.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
const { version } = JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8'));
const root = new URL('../public/ort/', import.meta.url).pathname;
rmSync(root, { recursive: true, force: true });
const out = join(root, version);
mkdirSync(out, { recursive: true });
// JSEP build (WebGPU and WASM) and the plain WASM build: src/runtime/ort.ts loads one per worker.
const files = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
for (const f of files) copyFileSync(join(dist, f), join(out, f));
console.log(`copied onnxruntime-web ${version} runtime to ${out}`);
