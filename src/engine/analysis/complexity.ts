/**
 * Complexity of a Boolean function's truth table: the Lempel–Ziv measure of Dingle, Camargo & Louis
 * (2018, "Input–output maps are strongly biased towards simple outputs") that Valle-Pérez, Camargo &
 * Louis (2019) plot function probabilities against.
 *
 *   N_w(x)  the number of words in the LZ76 parsing of x (Lempel & Ziv 1976), counted with the
 *           Kaspar–Schuster (1987) algorithm: each word is the shortest block not seen as a substring
 *           starting earlier (overlaps allowed); an unfinished last word counts as a word.
 *   K(x) = log₂(n)                                   for x = 0ⁿ or 1ⁿ (the minimum),
 *   K(x) = log₂(n) · [N_w(x₁…xₙ) + N_w(xₙ…x₁)] / 2   otherwise.
 *
 * For the 128-bit truth tables of 7-input functions log₂ n = 7: constants score 7, a string of a
 * few runs 14–20, random tables around 130–150.
 */

/** The LZ76 word count of a 0/1 string (Kaspar & Schuster 1987); 1 for a string of length 1, 0 for an empty one. */
export function lz76Words(s: ArrayLike<number>): number {
  const n = s.length;
  if (n === 0) return 0;
  if (n === 1) return 1;
  // Kaspar & Schuster's pointers: the current word starts at u and has v symbols matched so far
  // against the copy starting at i; vMax is the longest match over every earlier start.
  let c = 1;
  let u = 1;
  let v = 1;
  let i = 0;
  let vMax = 1;
  while (u + v <= n) {
    if (s[i + v - 1] === s[u + v - 1]) v++;
    else {
      if (v > vMax) vMax = v;
      i++;
      if (i === u) {
        // no earlier start copies more: the word ends here
        c++;
        u += vMax;
        v = 1;
        i = 0;
        vMax = 1;
      } else v = 1;
    }
  }
  // the string ended inside a word that copies an earlier block: it still counts
  if (v !== 1) c++;
  return c;
}

/** K(x) above: the symmetrized LZ76 word count scaled by log₂ n, constants at the minimum log₂ n. */
export function lzComplexity(bits: ArrayLike<number>): number {
  const n = bits.length;
  if (n === 0) return 0;
  const scale = Math.log2(n);
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = bits[i] === bits[0];
  if (constant) return scale;
  const rev = new Uint8Array(n);
  for (let i = 0; i < n; i++) rev[i] = bits[n - 1 - i];
  return (scale * (lz76Words(bits) + lz76Words(rev))) / 2;
}

/** A truth table packed as 32-bit words (bit i of the table is bit i % 32 of word ⌊i/32⌋) unpacked to 0/1. */
export function unpackBits(words: ArrayLike<number>, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (words[i >>> 5] >>> (i & 31)) & 1;
  return out;
}
