/**
 * Serve the built book (dist/) on 127.0.0.1 with the cross-origin isolation headers, correct MIME
 * types (application/wasm) and long caching for hashed assets. Used by `npm start` and the tests.
 */
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolationHeaders } from '../src/markdown/headers.mjs';
import { encodingHeaders, pickEncoded } from './compressed.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.txt': 'text/plain', '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

export function startServer({ root = fileURLToPath(new URL('../dist/', import.meta.url)), port = 4321, host = '127.0.0.1' } = {}) {
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
        'Cross-Origin-Resource-Policy': 'same-origin',
        'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
        'Cache-Control': path.includes('/_astro/') || path.includes('/ort/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      res.end(body);
    } catch {
      const notFound = await readFile(join(root, '404.html')).catch(() => Buffer.from('Not found'));
      res.writeHead(404, { ...isolationHeaders, 'Content-Type': 'text/html; charset=utf-8' }).end(notFound);
    }
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 4321);
  await startServer({ port });
  console.log(`Learning Dynamics is being served at http://127.0.0.1:${port}/`);
}
