// @ts-check
/**
 * Serve a precompressed copy of a file when the request accepts it (scripts/precompress.mjs writes
 * `<file>.br` and `<file>.gz` at build time). The onnxruntime wasm is 14 MB raw and ~3.5 MB as
 * Brotli, so this decides most of a chapter's first-visit transfer. Kept apart from serve.mjs so
 * the server's own edits (headers, routing) stay small.
 *
 * Not handled, on purpose: `Range` (browsers do not send it for scripts, wasm or pages; a range
 * of a compressed body would also be a range of the wrong bytes) and on-the-fly compression (all
 * the assets worth compressing are compressed at build). HEAD works: Node drops the body.
 */
import { stat } from 'node:fs/promises';

/** Encodings we precompress, best first, with the file suffix each is stored under. */
export const ENCODINGS = /** @type {const} */ ([
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
]);

/**
 * The encodings an `Accept-Encoding` header allows, as a map name → q (RFC 9110 §12.5.3):
 * `br;q=0` refuses br, `*` covers every encoding not named, `x-gzip` is gzip.
 * @param {string | undefined} header
 * @returns {Map<string, number>}
 */
export function acceptedEncodings(header) {
  /** @type {Map<string, number>} */
  const q = new Map();
  for (const part of (header ?? '').split(',')) {
    const [rawName, ...params] = part.trim().split(';');
    let name = rawName.trim().toLowerCase();
    if (!name) continue;
    if (name === 'x-gzip') name = 'gzip';
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=(.*)$/i.exec(p);
      if (m) weight = m[1].trim() === '' ? NaN : Number(m[1]);
    }
    if (!Number.isFinite(weight) || weight < 0 || weight > 1) weight = 0; // malformed q: treat as refused
    q.set(name, weight);
  }
  return q;
}

/**
 * Our encodings the client accepts, in the order to try them: by the client's q, ties broken by
 * our preference (br before gzip).
 * @param {string | undefined} header
 * @returns {('br' | 'gzip')[]}
 */
export function negotiate(header) {
  const q = acceptedEncodings(header);
  const star = q.get('*') ?? 0;
  return ENCODINGS.map((e, i) => ({ name: e.name, q: q.get(e.name) ?? star, i }))
    .filter((e) => e.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((e) => e.name);
}

/**
 * Which file to send for `path`: the first precompressed copy the request accepts, else the file
 * itself. `vary` is true when copies exist, so the response must say `Vary: Accept-Encoding` even
 * when it sends the raw file (a shared cache must not hand that to a Brotli client, or back).
 * @param {string} path
 * @param {string | undefined} acceptEncoding
 * @returns {Promise<{ path: string, encoding: 'br' | 'gzip' | null, vary: boolean }>}
 */
export async function pickEncoded(path, acceptEncoding) {
  const isFile = (/** @type {string} */ p) => stat(p).then((s) => s.isFile(), () => false);
  // never a copy without its original: a 404 stays a 404
  if (!(await isFile(path))) return { path, encoding: null, vary: false };
  const present = new Map();
  for (const e of ENCODINGS) if (await isFile(path + e.suffix)) present.set(e.name, path + e.suffix);
  const encoding = negotiate(acceptEncoding).find((name) => present.has(name)) ?? null;
  return { path: encoding ? present.get(encoding) : path, encoding, vary: present.size > 0 };
}

/**
 * The headers a precompressed response adds to the file's own.
 * @param {{ encoding: 'br' | 'gzip' | null, vary: boolean }} picked
 * @returns {Record<string, string>}
 */
export function encodingHeaders(picked) {
  return {
    ...(picked.encoding ? { 'Content-Encoding': picked.encoding } : {}),
    ...(picked.vary ? { Vary: 'Accept-Encoding' } : {}),
  };
}
