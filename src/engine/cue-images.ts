/**
 * Texture versus shape in miniature (after Geirhos et al. 2019, "ImageNet-trained CNNs are biased
 * towards texture; increasing shape bias improves accuracy and robustness"): small grey images whose
 * class is given twice, by a large outline (the shape) and by a fine periodic pattern over the whole
 * image (the texture). In training the two always agree, so each alone predicts the label; a
 * cue-conflict image pairs one class's shape with the other class's texture, and a model's answer
 * there says which cue it decides by.
 *
 * Generator choices:
 * - Shape: class 0 a square outline, class 1 a cross (a plus with arms two pixels thick). Both
 *   have exactly 4(s − 1) lit pixels for a box of side s, so the total brightness says nothing
 *   about the class. The side is shapeSize + {−1, 0, +1} and the box sits anywhere in the image:
 *   the shape is never a fixed pixel template, and reading it takes combining pixels over a large
 *   region (a "complex" cue).
 * - Texture: class 0 horizontal stripes, class 1 vertical stripes, period 2 pixels (one row or
 *   column bright, the next dark), over the whole image, with a random phase per image so that no
 *   single pixel template gives the class; any 2×2 neighbourhood does (a "simple", local cue).
 *   The phase is the same over the whole image: with a phase drawn per 4×4 tile instead, the
 *   MLP (which has no shared local filters) read the texture far less and decided 70–90% of
 *   conflicts by shape, while the convolutional network still followed texture.
 * - Pixel value = SHAPE_CONTRAST · stroke + TEXTURE_CONTRAST · (stripe − ½) + noise, the noise
 *   N(0, (textureNoise · TEXTURE_CONTRAST)²) on every pixel: textureNoise is the noise's standard
 *   deviation relative to the texture's contrast (0 clean, 1 as strong as the texture). The shape's
 *   strokes are brighter than the texture's contrast, so it stays readable through that noise.
 *   The texture's contrast sets the balance: at 0.5 the MLP split conflicts about evenly, at 0.75
 *   texture decides ~95% of them, at 1 all (512 images, 300 Adam steps, seeds 1–8).
 */
import { makeRng } from './random';
import type { Dataset } from './spec';

/** Images are SIDE × SIDE pixels, row-major from the top left. */
export const IMAGE_SIDE = 12;
/** Brightness a shape stroke adds. */
export const SHAPE_CONTRAST = 1;
/** Peak-to-peak contrast of the stripes (bright minus dark row). */
export const TEXTURE_CONTRAST = 0.75;

export const SHAPE_NAMES = ['square', 'cross'] as const;
export const TEXTURE_NAMES = ['horizontal stripes', 'vertical stripes'] as const;

export interface CueImageOptions {
  n: number;
  seed: number;
  /** Side of the shape's box in pixels before jitter (±1). */
  shapeSize: number;
  /** Noise standard deviation relative to the texture's contrast. */
  textureNoise: number;
  /** The texture from the other class than the shape (cue conflict). */
  conflict?: boolean;
}

export interface CueImages extends Dataset {
  /** Per image: the class its shape shows. Y (the label) is the shape's class. */
  shapeClass: Int32Array;
  /** Per image: the class its texture shows (= shapeClass unless conflict). */
  textureClass: Int32Array;
}

/** The lit pixels of a shape of class k in a box of side s with top-left (r0, c0). */
export function shapePixels(k: number, s: number, r0: number, c0: number): [number, number][] {
  const out: [number, number][] = [];
  const m = Math.floor((s - 2) / 2); // the cross's two-pixel-thick arms: rows/columns m and m + 1
  for (let r = 0; r < s; r++)
    for (let c = 0; c < s; c++) {
      const on = k === 0 ? r === 0 || c === 0 || r === s - 1 || c === s - 1 : r === m || r === m + 1 || c === m || c === m + 1;
      if (on) out.push([r0 + r, c0 + c]);
    }
  return out;
}

/** Smallest and largest box side the jitter can give for a shapeSize. */
export function shapeSides(shapeSize: number): [number, number] {
  return [Math.max(4, shapeSize - 1), Math.min(IMAGE_SIDE, shapeSize + 1)];
}

/**
 * n images, classes alternating (0, 1, 0, …), the label the shape's class. Everything random comes
 * from `seed`: the same options give the same images.
 */
export function cueImages(o: CueImageOptions): CueImages {
  const S = IMAGE_SIDE;
  const D = S * S;
  const rng = makeRng(o.seed).fork(31);
  const X = new Float32Array(o.n * D);
  const Y = new Float32Array(o.n);
  const shapeClass = new Int32Array(o.n);
  const textureClass = new Int32Array(o.n);
  const [lo, hi] = shapeSides(o.shapeSize);
  const noise = o.textureNoise * TEXTURE_CONTRAST;
  for (let i = 0; i < o.n; i++) {
    const k = i % 2;
    const t = o.conflict ? 1 - k : k;
    shapeClass[i] = k;
    textureClass[i] = t;
    Y[i] = k;
    const img = X.subarray(i * D, (i + 1) * D);
    const phase = rng.int(2);
    for (let r = 0; r < S; r++)
      for (let c = 0; c < S; c++) {
        const stripe = ((t === 0 ? r : c) + phase) % 2;
        img[r * S + c] = TEXTURE_CONTRAST * (stripe - 0.5) + (noise > 0 ? noise * rng.normal() : 0);
      }
    const s = lo + rng.int(hi - lo + 1);
    const r0 = rng.int(S - s + 1);
    const c0 = rng.int(S - s + 1);
    for (const [r, c] of shapePixels(k, s, r0, c0)) img[r * S + c] += SHAPE_CONTRAST;
  }
  return { X, Y, n: o.n, inDim: D, outDim: 1, shapeClass, textureClass };
}
