/**
 * The book's Content-Security-Policy, computed from a page's own inline scripts. One pure module
 * serves scripts/serve.mjs (a policy per HTML file), the dev server (per HTML response), astro
 * preview and the static-host `_headers` file (the union over every built page).
 *
 * Scripts: the site's own origin, `'wasm-unsafe-eval'` (onnxruntime compiles its WebAssembly) and
 * a sha256 per inline script (Astro's island runtime and client:idle/visible directives, the
 * theme script). Never `'unsafe-eval'`, never inline script without a hash.
 * Styles: `'unsafe-inline'` because KaTeX and Svelte write style attributes; a hash in style-src
 * would switch `'unsafe-inline'` off, so styles never get hashes.
 */
import { createHash } from 'node:crypto';

/** The Vite dev server's HMR socket; allowed only by the dev policy. */
const DEV_CONNECT = ['ws://127.0.0.1:*', 'ws://localhost:*'];

/**
 * The text of every inline classic or module script in an HTML document (not `src=` scripts,
 * not data blocks such as application/ld+json, which never run and so need no hash).
 * @param {string} html
 * @returns {string[]}
 */
export function inlineScripts(html) {
  const found = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attrs = m[1];
    if (/\bsrc\s*=/i.test(attrs)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1]?.toLowerCase();
    if (type && !['module', 'text/javascript', 'application/javascript'].includes(type)) continue;
    found.push(m[2]);
  }
  return found;
}

/**
 * CSP source expressions for the given script texts: 'sha256-<base64>' of their exact UTF-8 bytes.
 * @param {Iterable<string>} scripts
 * @returns {string[]} sorted, without repeats
 */
export function scriptHashes(scripts) {
  const set = new Set();
  for (const s of scripts) set.add(`'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
  return [...set].sort();
}

/**
 * The policy string. `hashes` are the inline scripts a document may run; `dev` adds only what
 * Vite's dev client needs (its HMR websocket); `blobWorkers` is for the benchmark harness alone,
 * whose tf.js peer starts its thread workers from blob: URLs (the book never does).
 * @param {{ hashes?: string[], dev?: boolean, blobWorkers?: boolean }} [options]
 */
export function contentSecurityPolicy({ hashes = [], dev = false, blobWorkers = false } = {}) {
  const directives = {
    'default-src': ["'self'"],
    // blob: only for the benchmark's tf.js thread workers, which importScripts() a blob: URL
    'script-src': ["'self'", "'wasm-unsafe-eval'", ...hashes, ...(blobWorkers ? ['blob:'] : [])],
    'style-src': ["'self'", "'unsafe-inline'"],
    // data: for inline SVG/PNG in CSS; blob: for a figure's PNG export (its SVG drawn through an <img>)
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...(dev ? DEV_CONNECT : [])],
    // the training worker and onnxruntime's thread workers are same-origin module scripts
    'worker-src': ["'self'", ...(blobWorkers ? ['blob:'] : [])],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives).map(([k, v]) => `${k} ${v.join(' ')}`).join('; ');
}

/** Companions of the policy: no MIME sniffing, no full URL sent to other sites. */
export const securityCompanions = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

/**
 * Every security header for one response: an HTML body gets hashes for its own inline scripts;
 * anything else (scripts, workers, wasm, JSON) gets the policy without hashes.
 * @param {string | null} html the document, or null for a non-HTML response
 * @param {{ dev?: boolean, blobWorkers?: boolean }} [options]
 */
export function securityHeaders(html, { dev = false, blobWorkers = false } = {}) {
  const hashes = html === null ? [] : scriptHashes(inlineScripts(html));
  return { 'Content-Security-Policy': contentSecurityPolicy({ hashes, dev, blobWorkers }), ...securityCompanions };
}
