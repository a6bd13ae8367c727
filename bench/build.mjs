/**
 * Bundle the browser harnesses (our engine, tf.js, plain TS) into test-results/harness/ with the
 * runtimes they load (onnxruntime-web's wasm, tf.js's wasm), for bench/run.mjs and the e2e tests.
 */
import { build } from 'esbuild';
import { copyFileSync, cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
export const HARNESS_DIR = join(root, 'test-results', 'harness');

export async function buildHarness() {
  mkdirSync(HARNESS_DIR, { recursive: true });
  cpSync(join(root, 'public', 'ort'), join(HARNESS_DIR, 'ort'), { recursive: true });
  const tfWasm = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  mkdirSync(join(HARNESS_DIR, 'tfjs'), { recursive: true });
  for (const f of readdirSync(join(tfWasm, 'dist')).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(tfWasm, 'dist', f), join(HARNESS_DIR, 'tfjs', f));
  await build({
    entryPoints: { engine: join(root, 'bench/harness-engine.ts'), peers: join(root, 'bench/harness-peers.ts') },
    bundle: true,
    format: 'esm',
    outdir: HARNESS_DIR,
    platform: 'browser',
    target: 'es2022',
    alias: {
      'onnxruntime-web': join(root, 'node_modules/onnxruntime-web/dist/ort.min.mjs'),
      'onnxruntime-web/wasm': join(root, 'node_modules/onnxruntime-web/dist/ort.wasm.min.mjs'),
    },
    define: { 'import.meta.env.BASE_URL': '"/"' },
    logLevel: 'warning',
  });
  writeFileSync(
    join(HARNESS_DIR, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>harness</title><script type="module" src="engine.js"></script><script type="module" src="peers.js"></script>',
  );
  return HARNESS_DIR;
}

/**
 * Bundle bench/gpu-node.ts for Node into test-results/gpu-node/ beside onnxruntime-web's JSEP
 * build (WebGPU + WASM), which it imports as ./ort.min.mjs: a folder that runs on any machine with
 * Node and Dawn's bindings (node test-results/gpu-node/bench.mjs).
 */
export async function buildGpuNode() {
  const dir = join(root, 'test-results', 'gpu-node');
  mkdirSync(dir, { recursive: true });
  const ortDist = join(root, 'node_modules/onnxruntime-web/dist');
  for (const f of ['ort.min.mjs', 'ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm']) copyFileSync(join(ortDist, f), join(dir, f));
  await build({
    entryPoints: { bench: join(root, 'bench/gpu-node.ts') },
    bundle: true,
    format: 'esm',
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    target: 'node20',
    plugins: [{ name: 'ort-jsep', setup: (b) => b.onResolve({ filter: /^onnxruntime-web(\/wasm)?$/ }, () => ({ path: './ort.min.mjs', external: true })) }],
    logLevel: 'warning',
  });
  return dir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--gpu-node')) console.log(`GPU bench for Node built in ${await buildGpuNode()}`);
  else console.log(`harness built in ${await buildHarness()}`);
}
