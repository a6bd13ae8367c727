/**
 * Serve the built book (dist/) on 127.0.0.1 with the cross-origin isolation headers, correct MIME
 * types (application/wasm) and long caching for hashed assets. Used by `npm start` and the tests.
 */
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolationHeaders } from '../src/markdown/headers.mjs';
import { securityHeaders } from '../src/lib/csp.mjs';
import { encodingHeaders, pickEncoded } from './compressed.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.txt': 'text/plain', '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/** Security headers per file: an HTML page's policy hashes its own inline scripts (cached by path and mtime). */
const policies = new Map();
async function securityHeadersFor(path, mtimeMs, blobWorkers) {
  if (extname(path) !== '.html') return securityHeaders(null, { blobWorkers });
  const key = `${path}\0${blobWorkers}`;
  const hit = policies.get(key);
  if (hit?.mtimeMs === mtimeMs) return hit.headers;
  // hash the page as written, never the compressed copy that may be sent
  const headers = securityHeaders(await readFile(path, 'utf8'), { blobWorkers });
  policies.set(key, { mtimeMs, headers });
  return headers;
}

/** `blobWorkers`: allow workers from blob: URLs (the benchmark's tf.js peer only; see src/lib/csp.mjs). */
export function startServer({ root = fileURLToPath(new URL('../dist/', import.meta.url)), port = 4321, host = '127.0.0.1', blobWorkers = false } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root)) return void res.writeHead(403).end();
    try {
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    } catch {
      try { await stat(path + '.html'); path += '.html'; } catch { /* 404 below */ }
    }
    try {
      const picked = await pickEncoded(path, req.headers['accept-encoding']); // a precompressed copy, when accepted
      const body = await readFile(picked.path);
      res.writeHead(200, {
        ...encodingHeaders(picked),
        ...isolationHeaders,
        ...(await securityHeadersFor(path, (await stat(path)).mtimeMs, blobWorkers)),
        'Cross-Origin-Resource-Policy': 'same-origin',
        'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
        'Cache-Control': path.includes('/_astro/') || path.includes('/ort/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      res.end(body);
    } catch {
      const notFound = await readFile(join(root, '404.html')).catch(() => Buffer.from('Not found'));
      res.writeHead(404, { ...isolationHeaders, ...securityHeaders(notFound.toString('utf8')), 'Content-Type': 'text/html; charset=utf-8' }).end(notFound);
    }
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 4321);
  await startServer({ port });
  console.log(`Learning Dynamics is being served at http://127.0.0.1:${port}/`);
}
