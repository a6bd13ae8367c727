// @ts-check
/**
 * Write `<file>.br` and `<file>.gz` beside files worth compressing, for scripts/compressed.mjs to
 * serve. Two settings:
 *  - `WASM` (onnxruntime's runtimes): Brotli at its maximum (quality 11, 16 MB window) — ~31 s for
 *    the 14 MB wasm, so a copy is rewritten only when missing or older than its source;
 *  - `TEXT` (the built pages, scripts, styles, data): Brotli quality 5 and gzip 9, redone on every
 *    build. Measured on the book's 68 text files (2.36 MB): quality 5 gives 557 kB in 0.3 s, 7 gives
 *    549 kB in 2.4 s, 9 gives 547 kB in 11–17 s; 2% of bytes is not worth a slower build.
 * A copy is written to a temporary name and renamed, so an interrupted build never leaves a
 * truncated copy that looks fresh.
 */
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** @typedef {{ brotliQuality: number, brotliWindow: number, gzipLevel: number }} Settings */

/** @type {Settings} */
export const WASM = { brotliQuality: 11, brotliWindow: 24, gzipLevel: 9 };
/** @type {Settings} */
export const TEXT = { brotliQuality: 5, brotliWindow: 22, gzipLevel: 9 };

/** Extensions of the built site worth compressing (pagefind's index files included). */
export const TEXT_EXTENSIONS = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.xml', '.webmanifest', '.map']);
/** Below this, the headers cost more than compression saves. */
export const MIN_BYTES = 1024;

/**
 * A compressed copy is fresh when it exists and is no older than its source.
 * @param {string} source
 * @param {string} copy
 */
export async function isFresh(source, copy) {
  const [s, c] = await Promise.all([stat(source), stat(copy).catch(() => null)]);
  return !!c && c.isFile() && c.mtimeMs >= s.mtimeMs;
}

/**
 * @param {Buffer} raw
 * @param {'br' | 'gzip'} encoding
 * @param {Settings} settings
 */
function compress(raw, encoding, settings) {
  if (encoding === 'gzip') return gz(raw, { level: settings.gzipLevel });
  return brotli(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: settings.brotliQuality,
      [constants.BROTLI_PARAM_LGWIN]: settings.brotliWindow,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_GENERIC,
    },
  });
}

/**
 * Compress one file to `.br` and `.gz` unless fresh copies exist (or `force`). A copy that is not
 * smaller than the file is not kept: serving it would only cost.
 * @param {string} file
 * @param {Settings} settings
 * @param {{ force?: boolean }} [options]
 * @returns {Promise<{ file: string, raw: number, br: number | null, gz: number | null, written: string[] }>}
 */
export async function precompressFile(file, settings, { force = false } = {}) {
  const raw = await readFile(file);
  /** @type {{ file: string, raw: number, br: number | null, gz: number | null, written: string[] }} */
  const result = { file, raw: raw.length, br: null, gz: null, written: [] };
  await Promise.all(
    /** @type {const} */ ([['br', '.br'], ['gzip', '.gz']]).map(async ([encoding, suffix]) => {
      const out = file + suffix;
      const key = encoding === 'br' ? 'br' : 'gz';
      if (!force && (await isFresh(file, out))) {
        result[key] = (await stat(out)).size;
        return;
      }
      const body = await compress(raw, encoding, settings);
      if (body.length >= raw.length) return;
      const tmp = `${out}.tmp-${process.pid}`;
      await writeFile(tmp, body);
      await rename(tmp, out);
      result[key] = body.length;
      result.written.push(out);
    }),
  );
  return result;
}

/**
 * Every file under `dir` with one of `extensions` and at least `minBytes`, compressed with
 * `settings`, a few at a time (zlib's async calls run on the libuv pool).
 * @param {string} dir
 * @param {{ settings?: Settings, extensions?: Set<string>, minBytes?: number, force?: boolean }} [options]
 */
export async function precompressTree(dir, { settings = TEXT, extensions = TEXT_EXTENSIONS, minBytes = MIN_BYTES, force = true } = {}) {
  const files = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !extensions.has(extname(e.name))) continue;
    const path = join(e.parentPath, e.name);
    if ((await stat(path)).size >= minBytes) files.push(path);
  }
  const results = [];
  for (let i = 0; i < files.length; i += 4) {
    results.push(...(await Promise.all(files.slice(i, i + 4).map((f) => precompressFile(f, settings, { force })))));
  }
  return results;
}
