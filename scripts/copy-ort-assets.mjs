/**
 * Copy onnxruntime-web's WebAssembly runtime (JSEP build: WebGPU + WASM) into public/ort/, so the
 * book serves it itself; the worker points ort.env.wasm.wasmPaths there. Not committed.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dist = join(dirname(require.resolve('onnxruntime-web/package.json')), 'dist');
const out = new URL('../public/ort/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
for (const f of ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm']) copyFileSync(join(dist, f), join(out, f));
console.log(`copied onnxruntime-web runtime to ${out}`);
