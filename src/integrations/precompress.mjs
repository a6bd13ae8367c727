// @ts-check
/**
 * After the build, write Brotli and gzip copies of the site's text files (pages, scripts, styles,
 * data, pagefind's index, sw.js) for the server to send (scripts/compressed.mjs). onnxruntime's
 * wasm arrives already compressed from public/ort/ (scripts/copy-ort-assets.mjs, cached there:
 * compressing it at full strength takes a minute). Register it last: it compresses what the
 * integrations before it wrote.
 */
import { fileURLToPath } from 'node:url';
import { precompressTree } from '../../scripts/precompress.mjs';

/** @returns {import('astro').AstroIntegration} */
export function precompress() {
  return {
    name: 'learning-dynamics:precompress',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const started = performance.now();
        const results = await precompressTree(fileURLToPath(dir));
        const sum = (/** @type {(r: typeof results[number]) => number} */ f) => results.reduce((s, r) => s + f(r), 0);
        const raw = sum((r) => r.raw), br = sum((r) => r.br ?? r.raw), gz = sum((r) => r.gz ?? r.raw);
        const mb = (/** @type {number} */ n) => `${(n / 1e6).toFixed(2)} MB`;
        logger.info(`${results.length} text files: ${mb(raw)} raw, ${mb(br)} br, ${mb(gz)} gz (${Math.round(performance.now() - started)} ms)`);
      },
    },
  };
}
