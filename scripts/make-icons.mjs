// @ts-check
/**
 * Draw the book's mark (public/favicon.svg: a blue rounded square with a white curve) as the PNG
 * icons the web app manifest needs (192 and 512 px), with a minimal PNG encoder (node:zlib).
 * Run once, by hand, when the mark changes; the PNGs are committed:
 *   node scripts/make-icons.mjs
 */
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

const BLUE = [0x0b, 0x5c, 0xad];
const WHITE = [0xff, 0xff, 0xff];

/** favicon.svg's path "M4 24 C10 6, 14 28, 20 14 S28 10, 28 8" in its 32-unit box (S reflects (14,28) about (20,14)). */
const CUBICS = [
  [[4, 24], [10, 6], [14, 28], [20, 14]],
  [[20, 14], [26, 0], [28, 10], [28, 8]],
];
const STROKE = 3;
const RADIUS = 6;

/** @param {number[][]} c @param {number} t */
const bezier = (c, t) => [0, 1].map((k) => (1 - t) ** 3 * c[0][k] + 3 * (1 - t) ** 2 * t * c[1][k] + 3 * (1 - t) * t ** 2 * c[2][k] + t ** 3 * c[3][k]);
const polyline = CUBICS.flatMap((c, i) => Array.from({ length: 97 }, (_, j) => bezier(c, j / 96)).slice(i ? 1 : 0));

/**
 * Distance from (x, y) to the segment a–b.
 * @param {number} x @param {number} y @param {number[]} a @param {number[]} b
 */
function segmentDistance(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

/** Signed distance to the 32×32 square with rounded corners (negative inside). @param {number} x @param {number} y */
function roundedSquare(x, y) {
  const qx = Math.abs(x - 16) - (16 - RADIUS), qy = Math.abs(y - 16) - (16 - RADIUS);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - RADIUS;
}

/** RGBA pixels of the mark at `size` px, edges antialiased by distance (one pixel's width). @param {number} size */
function draw(size) {
  const px = 32 / size;
  const rgba = Buffer.alloc(size * size * 4);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) * px, y = (j + 0.5) * px;
      const cover = (/** @type {number} */ d) => Math.max(0, Math.min(1, 0.5 - d / px));
      const inside = cover(roundedSquare(x, y));
      let d = Infinity;
      for (let k = 1; k < polyline.length; k++) d = Math.min(d, segmentDistance(x, y, polyline[k - 1], polyline[k]));
      const line = cover(d - STROKE / 2) * inside;
      const o = (j * size + i) * 4;
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(BLUE[c] * (1 - line) + WHITE[c] * line);
      rgba[o + 3] = Math.round(255 * inside);
    }
  }
  return rgba;
}

/** @param {string} type @param {Buffer} data */
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG (8-bit RGBA, no filtering) of `size`×`size` pixels. @param {Buffer} rgba @param {number} size */
export function encodePng(rgba, size) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter choice, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let j = 0; j < size; j++) rgba.copy(rows, j * (size * 4 + 1) + 1, j * size * 4, (j + 1) * size * 4); // filter byte 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  for (const size of [192, 512]) {
    const out = new URL(`../public/icons/icon-${size}.png`, import.meta.url);
    writeFileSync(out, encodePng(draw(size), size));
    console.log(`wrote ${out.pathname}`);
  }
}
