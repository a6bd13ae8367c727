// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import svelte from '@astrojs/svelte';
import { unified } from '@astrojs/markdown-remark';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import { remarkStableHeadings, rehypeHeadingExtras } from './src/markdown/stable-headings.mjs';
import { remarkCitations } from './src/markdown/citations.mjs';
import { remarkFigureNumbers } from './src/markdown/figure-numbers.mjs';
import { remarkGlossary } from './src/markdown/glossary.mjs';
import { isolationHeaders } from './src/markdown/headers.mjs';
import { referencesCheck } from './src/integrations/references-check.ts';
import contentSecurityPolicy from './src/integrations/csp.mjs';
import { fileURLToPath } from 'node:url';
import { serviceWorker } from './src/integrations/service-worker.mjs';
import { precompress } from './src/integrations/precompress.mjs';
import pagefindIndex from './src/integrations/pagefind.mjs';

// The browser gets onnxruntime-web's non-bundled builds, which load their wasm runtime from
// public/ort/<version>/ (see scripts/copy-ort-assets.mjs): the JSEP build (WebGPU and WASM) and
// the plain WASM build (src/runtime/ort.ts picks one per worker). Node tests use the node build.
const ortDist = (/** @type {string} */ f) => fileURLToPath(new URL(`./node_modules/onnxruntime-web/dist/${f}`, import.meta.url));

/**
 * KaTeX's stylesheet offers each font as woff2, woff and ttf; every browser that runs the book's
 * figures (WebAssembly, ES modules) reads woff2, so the other two only weigh on every page's CSS.
 */
function katexWoff2Only() {
  return {
    name: 'learning-dynamics:katex-woff2-only',
    enforce: /** @type {const} */ ('pre'),
    transform(/** @type {string} */ code, /** @type {string} */ id) {
      if (!/katex(\.min)?\.css($|\?)/.test(id)) return null;
      return { code: code.replace(/,\s*url\([^)]*\.(?:woff|ttf)\)\s*format\(["'](?:woff|truetype)["']\)/g, ''), map: null };
    },
  };
}

// Cross-origin isolation lets onnxruntime-web use WebAssembly threads (SharedArrayBuffer).
export default defineConfig({
  // the address the book is published at: stable links on /wiki/, "cite this" and sections.json are built
  // from it, so a deploy sets SITE_URL (npm start serves here, the default)
  site: process.env.SITE_URL || 'http://127.0.0.1:4321',
  // pagefind writes into dist/; serviceWorker and precompress read the finished dist/: keep them last, in this order
  integrations: [mdx(), svelte(), referencesCheck(), contentSecurityPolicy(), pagefindIndex(), serviceWorker(), precompress()],
  markdown: {
    processor: unified({
      remarkPlugins: [remarkMath, remarkStableHeadings, remarkCitations, remarkGlossary, remarkFigureNumbers],
      rehypePlugins: [[rehypeKatex, { output: 'html' }], rehypeHeadingExtras],
    }),
  },
  server: { host: '127.0.0.1', headers: isolationHeaders },
  vite: {
    plugins: [katexWoff2Only()],
    server: { headers: isolationHeaders },
    preview: { headers: isolationHeaders },
    resolve: {
      alias: [
        { find: /^onnxruntime-web$/, replacement: ortDist('ort.min.mjs') },
        { find: /^onnxruntime-web\/wasm$/, replacement: ortDist('ort.wasm.min.mjs') },
      ],
    },
    worker: { format: 'es' },
    optimizeDeps: { exclude: ['onnxruntime-web'] },
  },
  devToolbar: { enabled: false },
});
