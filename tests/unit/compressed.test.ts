/** Precompressed assets: which encoding a request gets, and when a compressed copy is rewritten. */
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptedEncodings, negotiate, pickEncoded } from '../../scripts/compressed.mjs';
import { isFresh, precompressFile, precompressTree, TEXT } from '../../scripts/precompress.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { controllerChangeMessage } from '../../src/lib/sw-register';

/** Text that compresses well and is big enough to be worth it. */
const body = (n = 4000) => Array.from({ length: n }, (_, i) => `line ${i % 37} of a page`).join('\n');
const dir = () => mkdtempSync(join(tmpdir(), 'ld-compressed-'));

describe('Accept-Encoding negotiation', () => {
  it('prefers br, then gzip, among what the client accepts', () => {
    expect(negotiate('gzip, deflate, br, zstd')).toEqual(['br', 'gzip']);
    expect(negotiate('gzip, deflate')).toEqual(['gzip']);
    expect(negotiate('x-gzip')).toEqual(['gzip']);
    expect(negotiate('identity')).toEqual([]);
    expect(negotiate(undefined)).toEqual([]);
    expect(negotiate('')).toEqual([]);
  });

  it('honours q-values: q=0 refuses, a higher q goes first, * covers the rest', () => {
    expect(negotiate('br;q=0, gzip')).toEqual(['gzip']);
    expect(negotiate('br;q=0.5, gzip;q=1')).toEqual(['gzip', 'br']);
    expect(negotiate('*')).toEqual(['br', 'gzip']);
    expect(negotiate('*;q=0.1, br;q=0')).toEqual(['gzip']);
    expect(negotiate('BR ; Q=0.9')).toEqual(['br']);
  });

  it('treats a malformed q as a refusal, not as acceptance', () => {
    expect(acceptedEncodings('br;q=2, gzip;q=abc').get('br')).toBe(0);
    expect(negotiate('br;q=2, gzip;q=-1')).toEqual([]);
  });
});

describe('picking the file to send', () => {
  it('sends the accepted copy, says Vary when copies exist, falls back to the raw file', async () => {
    const d = dir();
    const f = join(d, 'a.wasm');
    writeFileSync(f, 'raw');
    expect(await pickEncoded(f, 'br, gzip')).toEqual({ path: f, encoding: null, vary: false });
    writeFileSync(`${f}.gz`, 'gz');
    expect(await pickEncoded(f, 'br, gzip')).toEqual({ path: `${f}.gz`, encoding: 'gzip', vary: true });
    writeFileSync(`${f}.br`, 'br');
    expect(await pickEncoded(f, 'br, gzip')).toEqual({ path: `${f}.br`, encoding: 'br', vary: true });
    expect(await pickEncoded(f, 'identity')).toEqual({ path: f, encoding: null, vary: true });
  });

  it('never sends a copy whose original is gone', async () => {
    const d = dir();
    writeFileSync(join(d, 'gone.js.br'), 'br');
    expect((await pickEncoded(join(d, 'gone.js'), 'br')).encoding).toBeNull();
  });

  it('serve.mjs sends the Brotli copy with the wasm type and Vary, and the raw file to a client without br', async () => {
    const d = dir() + '/';
    const raw = Buffer.from(body());
    writeFileSync(join(d, 'index.html'), '<p>home</p>');
    writeFileSync(join(d, 'm.wasm'), raw);
    await precompressFile(join(d, 'm.wasm'), TEXT);
    const server = await startServer({ root: d, port: 0 });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const get = (path: string, ae: string) => fetch(base + path, { headers: { 'accept-encoding': ae } });
      const br = await get('/m.wasm', 'gzip, br');
      expect(br.headers.get('content-encoding')).toBe('br');
      expect(br.headers.get('content-type')).toBe('application/wasm');
      expect(br.headers.get('vary')).toBe('Accept-Encoding');
      expect(br.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect(br.headers.get('cache-control')).toBe('no-cache');
      expect(Buffer.from(await br.arrayBuffer())).toEqual(raw); // fetch decodes it
      const plain = await get('/m.wasm', 'identity');
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(plain.headers.get('vary')).toBe('Accept-Encoding');
      expect(Buffer.from(await plain.arrayBuffer())).toEqual(raw);
      const missing = await get('/nothing.wasm', 'br');
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-encoding')).toBeNull();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('precompressing', () => {
  it('writes copies that decode to the file, and keeps them while they are newer than it', async () => {
    const d = dir();
    const f = join(d, 'big.js');
    writeFileSync(f, body());
    const first = await precompressFile(f, TEXT);
    expect(first.written.sort()).toEqual([`${f}.br`, `${f}.gz`]);
    expect(brotliDecompressSync(readFileSync(`${f}.br`)).toString()).toBe(body());
    expect(gunzipSync(readFileSync(`${f}.gz`)).toString()).toBe(body());
    expect(first.br!).toBeLessThan(first.raw / 5);
    expect(await isFresh(f, `${f}.br`)).toBe(true);

    const again = await precompressFile(f, TEXT);
    expect(again.written).toEqual([]);
    expect(again.br).toBe(first.br);

    // the source changes after its copies were written: both are rewritten from the new text
    writeFileSync(f, body(5000));
    const later = new Date(statSync(`${f}.br`).mtimeMs + 5000);
    utimesSync(f, later, later);
    expect(await isFresh(f, `${f}.br`)).toBe(false);
    const redone = await precompressFile(f, TEXT);
    expect(redone.written.length).toBe(2);
    expect(brotliDecompressSync(readFileSync(`${f}.br`)).toString()).toBe(body(5000));
  });

  it('is not fooled by a missing copy, and keeps no copy that is not smaller', async () => {
    const d = dir();
    const f = join(d, 'random.json');
    writeFileSync(f, Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919 + 13) % 251)));
    expect(await isFresh(f, `${f}.br`)).toBe(false);
    const r = await precompressFile(f, TEXT);
    expect(r.raw).toBe(2000);
    for (const [k, suffix] of [['br', '.br'], ['gz', '.gz']] as const) {
      if (r[k] === null) expect(() => statSync(f + suffix)).toThrow();
      else expect(r[k]!).toBeLessThan(r.raw);
    }
  });

  it('compresses the text files of a tree, skipping tiny ones and binaries', async () => {
    const d = dir();
    writeFileSync(join(d, 'page.html'), body());
    writeFileSync(join(d, 'tiny.css'), 'a{}');
    writeFileSync(join(d, 'font.woff2'), body());
    const done = (await precompressTree(d)).map((r) => r.file);
    expect(done).toEqual([join(d, 'page.html')]);
    expect(statSync(join(d, 'page.html.br')).size).toBeGreaterThan(0);
    expect(() => statSync(join(d, 'tiny.css.br'))).toThrow();
  });
});

describe('service worker notes', () => {
  it('says "Available offline" once, and "Updated" when a worker replaces another', () => {
    expect(controllerChangeMessage(false, false)).toBe('Available offline');
    expect(controllerChangeMessage(false, true)).toBeNull();
    expect(controllerChangeMessage(true, true)).toBe('Updated to a new version');
    expect(controllerChangeMessage(true, false)).toBe('Updated to a new version');
  });
});
