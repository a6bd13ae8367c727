/**
 * Copy onnxruntime-web's WebAssembly runtimes (JSEP build: WebGPU + WASM; plain WASM build) into
 * public/ort/<version>/, so the book serves it itself under a versioned, cacheable path. The
 * worker imports the non-bundled ORT build and points ort.env.wasm.wasmPaths there: the bundled
 * build would start its WebAssembly threads from the worker's own script. Not committed.
 *
 * The wasm files are also precompressed there (Brotli at its maximum, gzip) for the server to send
 * (scripts/compressed.mjs). That takes ~1 min, so the copies are kept between builds: a file is
 * copied only when it changed, with its source's time, and compressed only when its copy is older.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { precompressFile, WASM } from './precompress.mjs';

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
const { version } = JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8'));
const root = new URL('../public/ort/', import.meta.url).pathname;
const out = join(root, version);
mkdirSync(out, { recursive: true });
// other versions' runtimes (and their compressed copies) are stale: remove them, keep this one's
for (const e of readdirSync(root)) if (e !== version) rmSync(join(root, e), { recursive: true, force: true });
// JSEP build (WebGPU and WASM) and the plain WASM build: src/runtime/ort.ts loads one per worker.
const files = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
for (const f of files) {
  const from = statSync(join(dist, f));
  const to = statSync(join(out, f), { throwIfNoEntry: false });
  if (to && to.size === from.size && Math.trunc(to.mtimeMs) === Math.trunc(from.mtimeMs)) continue;
  copyFileSync(join(dist, f), join(out, f));
  utimesSync(join(out, f), from.atime, from.mtime);
}
console.log(`copied onnxruntime-web ${version} runtime to ${out}`);

const started = performance.now();
const results = await Promise.all(files.filter((f) => f.endsWith('.wasm')).map((f) => precompressFile(join(out, f), WASM)));
for (const r of results) {
  const mb = (/** @type {number | null} */ n) => (n === null ? '—' : `${(n / 1e6).toFixed(1)} MB`);
  console.log(`  ${r.file.slice(out.length + 1)}: ${mb(r.raw)}, br ${mb(r.br)}, gz ${mb(r.gz)}${r.written.length ? '' : ' (cached)'}`);
}
if (results.some((r) => r.written.length)) console.log(`  compressed in ${((performance.now() - started) / 1000).toFixed(0)} s`);
