// @ts-check
/**
 * After the build, write dist/sw.js with workbox-build's generateSW: the book works offline after a
 * first visit (src/lib/sw-register.ts registers it in production builds).
 *
 * It must see the finished dist/ (a search index at dist/pagefind/ included), so register it
 * after every integration that writes into dist at `astro:build:done`, and before the
 * precompress step (which then compresses sw.js too).
 *
 * What is precached (downloaded at install, refreshed by content revision on a new deploy; pages
 * are served network-first with the precached copy offline, the rest cache-first): every page, `_astro/` scripts, styles and fonts, sections.json, the icons and
 * manifest, pagefind's files, and onnxruntime's loaders plus the plain WASM runtime (14 MB raw,
 * ~3.5 MB over the wire as Brotli) that every reader without a hardware GPU uses.
 * The JSEP runtime (28 MB, WebGPU) is not precached: only readers with a hardware GPU load it;
 * it is cached the first time it is fetched (CacheFirst — its path is versioned, /ort/<version>/,
 * so a cached copy is never stale), in a cache that keeps one version.
 */
import { generateSW } from 'workbox-build';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The largest precached file is the plain WASM runtime: 14.2 MB in onnxruntime-web 1.30. */
export const MAX_PRECACHE_BYTES = 20 * 1024 * 1024;

/**
 * The generateSW options for a built site in `dir` (exported for the tests, which regenerate the
 * service worker of a modified copy of dist/ to play a new deploy).
 * @param {string} dir
 * @returns {import('workbox-build').GenerateSWOptions}
 */
export function serviceWorkerOptions(dir) {
  return {
    globDirectory: dir,
    swDest: `${dir.replace(/\/$/, '')}/sw.js`,
    globPatterns: [
      '**/*.html',
      '_astro/**/*.{js,mjs,css,woff2,woff,ttf,svg,png}',
      'sections.json',
      '*.{js,svg,png,webmanifest,ico}', // reading-init.js runs before first paint on every page
      'icons/*.png',
      ...(existsSync(join(dir, 'pagefind')) ? ['pagefind/**/*'] : []), // the search index, once there is one
      'ort/*/ort-wasm-simd-threaded.{mjs,wasm}',
      'ort/*/ort-wasm-simd-threaded.jsep.mjs',
    ],
    // compressed copies are the server's business; the browser stores decoded bodies
    globIgnores: ['**/*.br', '**/*.gz', 'sw.js', 'bench/**', 'pagefind/pagefind-*ui*'], // Pagefind's own UIs: the book has its own dialog
    maximumFileSizeToCacheInBytes: MAX_PRECACHE_BYTES,
    // hashed names (Vite) and versioned paths (onnxruntime) need no revision: a change is a new URL,
    // and a URL without a revision may come from the HTTP cache (the page's own wasm fetch) at install
    dontCacheBustURLsMatching: /^(_astro\/|ort\/\d)/,
    // Pages are precached but asked of the network first (below), so the visit after a deploy shows
    // the new text; the precache route must then not answer /chapters/<slug>/ itself.
    directoryIndex: null,
    // no navigateFallback: an unknown URL goes to the network and gets the server's real 404 (a
    // fallback would answer it with a cached page and status 200)
    cleanupOutdatedCaches: true,
    // a new deploy takes over at once: the next visit (or reload) gets the new version
    skipWaiting: true,
    clientsClaim: true,
    inlineWorkboxRuntime: true, // one same-origin script, no workbox-*.js beside it
    sourcemap: false,
    mode: 'production',
    runtimeCaching: [
      {
        // Pages: the network first (a new deploy shows at once), the precached copy when offline or
        // after 4 s. Any query (a figure's permalink settings, ?backend=) and hash find the same page.
        // These functions run inside sw.js (workbox-build serialises them): no closures.
        urlPattern: ({ request }) => request.mode === 'navigate',
        handler: 'NetworkFirst',
        options: {
          cacheName: 'pages',
          networkTimeoutSeconds: 4,
          plugins: [
            {
              // the precache holds every page already; a second copy per permalink would only grow
              cacheWillUpdate: async () => null,
              // the precache stores /chapters/<slug>/index.html under ?__WB_REVISION__=<hash>
              cachedResponseWillBeUsed: async ({ request, cachedResponse }) => {
                if (cachedResponse) return cachedResponse;
                const url = new URL(request.url);
                url.search = '';
                url.hash = '';
                if (url.pathname.endsWith('/')) url.pathname += 'index.html';
                return caches.match(url.href, { ignoreSearch: true });
              },
            },
          ],
        },
      },
      {
        urlPattern: /\/ort\/[^/]+\/ort-wasm-simd-threaded\.jsep\.wasm$/,
        handler: 'CacheFirst',
        options: { cacheName: 'ort-jsep', expiration: { maxEntries: 1 } },
      },
    ],
  };
}

/** @returns {import('astro').AstroIntegration} */
export function serviceWorker() {
  return {
    name: 'learning-dynamics:service-worker',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const started = performance.now();
        const { count, size, warnings } = await generateSW(serviceWorkerOptions(fileURLToPath(dir)));
        for (const w of warnings) logger.warn(w);
        logger.info(`sw.js precaches ${count} files, ${(size / 1e6).toFixed(1)} MB (${Math.round(performance.now() - started)} ms)`);
      },
    },
  };
}
