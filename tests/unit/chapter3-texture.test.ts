/**
 * Texture versus shape (Geirhos et al. 2019) in miniature: the cue-image generator (each cue alone
 * predicts the class; conflicts pair one class's shape with the other's texture), the convolutional
 * model against a plain-JS convolution, and the figure at its defaults and with a noisy texture.
 */
import { describe, expect, it } from 'vitest';
import { cueImages, IMAGE_SIDE, SHAPE_CONTRAST, shapePixels, TEXTURE_CONTRAST } from '../../src/engine/cue-images';
import { textureShape } from '../../src/engine/experiments/texture-shape';
import { Graph } from '../../src/engine/graph';
import { conv, initParams, patchIndices, unpackParams } from '../../src/engine/models';
import { predictGraph } from '../../src/engine/programs';
import { makeRng } from '../../src/engine/random';
import { runExperiment } from '../../src/runtime/host';
import { runGraph } from './run-graph';

const S = IMAGE_SIDE;
const px = (X: Float32Array, i: number, r: number, c: number) => X[i * S * S + r * S + c];

/** Texture alone: stripes along rows make neighbours across rows differ (horizontal → class 0). */
function textureRule(X: Float32Array, i: number): number {
  let down = 0;
  let right = 0;
  for (let r = 0; r + 1 < S; r++) for (let c = 0; c < S; c++) down += (px(X, i, r + 1, c) - px(X, i, r, c)) ** 2;
  for (let r = 0; r < S; r++) for (let c = 0; c + 1 < S; c++) right += (px(X, i, r, c + 1) - px(X, i, r, c)) ** 2;
  return down > right ? 0 : 1;
}

/** The lit pixels of a clean image (the texture's ±contrast/2 stays below half the stroke). */
function strokeMask(X: Float32Array, i: number): [number, number][] {
  const lit: [number, number][] = [];
  for (let r = 0; r < S; r++) for (let c = 0; c < S; c++) if (px(X, i, r, c) > SHAPE_CONTRAST / 2) lit.push([r, c]);
  return lit;
}

/** Shape alone: a square's outline lights its bounding box's corner, a cross's never does. */
function shapeRule(X: Float32Array, i: number): number {
  const lit = strokeMask(X, i);
  const r0 = Math.min(...lit.map(([r]) => r));
  const c0 = Math.min(...lit.map(([, c]) => c));
  return lit.some(([r, c]) => r === r0 && c === c0) ? 0 : 1;
}

describe('cue images: shape and texture, each alone predictive', () => {
  it('in training images the shape, the texture and the label agree, and each cue alone gives the label', () => {
    const d = cueImages({ n: 200, seed: 3, shapeSize: 8, textureNoise: 0 });
    expect(SHAPE_CONTRAST / 2).toBeGreaterThan(TEXTURE_CONTRAST / 2);
    for (let i = 0; i < d.n; i++) {
      expect(d.shapeClass[i]).toBe(d.Y[i]);
      expect(d.textureClass[i]).toBe(d.Y[i]);
      expect(textureRule(d.X, i)).toBe(d.Y[i]);
      expect(shapeRule(d.X, i)).toBe(d.Y[i]);
    }
    expect(new Set(Array.from(d.Y)).size).toBe(2);
  });

  it('conflict images carry one class’s shape and the other class’s texture; the label is the shape’s', () => {
    const d = cueImages({ n: 200, seed: 4, shapeSize: 8, textureNoise: 0, conflict: true });
    for (let i = 0; i < d.n; i++) {
      expect(d.textureClass[i]).toBe(1 - d.shapeClass[i]);
      expect(d.Y[i]).toBe(d.shapeClass[i]);
      expect(shapeRule(d.X, i)).toBe(d.shapeClass[i]);
      expect(textureRule(d.X, i)).toBe(d.textureClass[i]);
    }
  });

  it('shapes are no pixel template: sizes and positions vary, and both classes light the same number of pixels', () => {
    const d = cueImages({ n: 300, seed: 5, shapeSize: 8, textureNoise: 0 });
    const boxes = new Set<string>();
    for (let i = 0; i < d.n; i++) {
      const lit = strokeMask(d.X, i);
      const rows = lit.map(([r]) => r);
      const cols = lit.map(([, c]) => c);
      const side = Math.max(...rows) - Math.min(...rows) + 1;
      expect(side).toBeGreaterThanOrEqual(7);
      expect(side).toBeLessThanOrEqual(9);
      expect(lit.length).toBe(4 * (side - 1)); // square outline and thick cross alike: brightness says nothing
      boxes.add(`${Math.min(...rows)},${Math.min(...cols)},${side},${d.Y[i]}`);
    }
    expect(boxes.size).toBeGreaterThan(30);
    for (const s of [4, 5, 8, 11]) expect(shapePixels(0, s, 0, 0).length).toBe(shapePixels(1, s, 0, 0).length);
  });

  it('textureNoise is the noise’s standard deviation in units of the texture’s contrast', () => {
    const clean = cueImages({ n: 64, seed: 6, shapeSize: 8, textureNoise: 0 });
    const noisy = cueImages({ n: 64, seed: 6, shapeSize: 8, textureNoise: 1 });
    // clean pixels sit at the texture's ±contrast/2, plus the stroke where the shape is
    let ss = 0;
    let count = 0;
    for (let i = 0; i < clean.X.length; i++) {
      const v = clean.X[i];
      expect(Math.abs(Math.abs(v) - TEXTURE_CONTRAST / 2) < 1e-6 || Math.abs(Math.abs(v - SHAPE_CONTRAST) - TEXTURE_CONTRAST / 2) < 1e-6).toBe(true);
    }
    // the noise draws interleave with the others, so the images differ; their statistics do not:
    // the noise adds its variance, (1 · contrast)², to the clean images' mean square
    for (let i = 0; i < noisy.X.length; i++) {
      ss += noisy.X[i] ** 2;
      count++;
    }
    const rms = Math.sqrt(ss / count);
    const cleanRms = Math.sqrt(clean.X.reduce((a, v) => a + v * v, 0) / clean.X.length);
    expect(Math.sqrt(rms ** 2 - cleanRms ** 2)).toBeCloseTo(TEXTURE_CONTRAST, 1);
  });
});

/** Plain-JS reference: valid 3×3 convolution, bias, ReLU, dense readout (flattened position-major, filter-minor). */
function convReference(model: ReturnType<typeof conv>, theta: Float64Array, e: number, x: ArrayLike<number>, side: number, k: number): number[] {
  const P = model.size;
  const at = (name: string) => model.params.find((p) => p.name === name)!;
  const [K, c, W, b] = ['K', 'c', 'W', 'b'].map(at);
  const F = K.shape[1];
  const out = b.shape[1];
  const n = side - k + 1;
  const h: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let f = 0; f < F; f++) {
        let z = theta[e * P + c.offset + f];
        for (let a = 0; a < k; a++) for (let bb = 0; bb < k; bb++) z += x[(i + a) * side + (j + bb)] * theta[e * P + K.offset + (a * k + bb) * F + f];
        h.push(Math.max(0, z));
      }
  return Array.from({ length: out }, (_, o) => h.reduce((s, v, q) => s + v * theta[e * P + W.offset + q * out + o], theta[e * P + b.offset + o]));
}

describe('the convolutional model', () => {
  const side = 6;
  const k = 3;
  const model = conv({ side, filters: 3, kernel: k, outDim: 2 });
  const E = 2;
  const n = 5;
  const rng = makeRng(9);
  const theta = Float64Array.from(initParams(model, [1, 2]), (v) => v + 0.1 * rng.normal()); // nonzero biases too
  const X = Float64Array.from({ length: E * n * side * side }, () => rng.normal());

  it('patch indices read each k×k window row by row', () => {
    const idx = patchIndices(4, 3);
    expect(idx.length).toBe(4 * 9);
    expect(idx.slice(0, 9)).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10]);
    expect(idx.slice(27)).toEqual([5, 6, 7, 9, 10, 11, 13, 14, 15]);
  });

  it('its forward pass equals a plain-JS convolution (inputs shared by the members)', async () => {
    const G = predictGraph({ model, members: E, n, dtype: 'float64' });
    const out = await runGraph(G, { theta: { data: theta, shape: [E, model.size] }, X: { data: X.subarray(0, n * side * side), shape: [n, side * side] } });
    for (let e = 0; e < E; e++)
      for (let i = 0; i < n; i++) {
        const ref = convReference(model, theta, e, X.subarray(i * side * side, (i + 1) * side * side), side, k);
        ref.forEach((v, o) => expect(out.pred[(e * n + i) * 2 + o]).toBeCloseTo(v, 10));
      }
  });

  it('and with a batch of its own per member', async () => {
    const G = new Graph('float64');
    const t = G.input('theta', [E, model.size]);
    const x = G.input('X', [E, n, side * side]);
    G.untaped(() => G.output('pred', model.forward(G, unpackParams(G, model, t), x)));
    const out = await runGraph(G, { theta: { data: theta, shape: [E, model.size] }, X: { data: X, shape: [E, n, side * side] } });
    for (let e = 0; e < E; e++)
      for (let i = 0; i < n; i++) {
        const at = (e * n + i) * side * side;
        const ref = convReference(model, theta, e, X.subarray(at, at + side * side), side, k);
        ref.forEach((v, o) => expect(out.pred[(e * n + i) * 2 + o]).toBeCloseTo(v, 10));
      }
  });
});

describe('texture or shape: the figure', () => {
  it('at the defaults the networks are accurate where the cues agree, and texture decides most conflicts', async () => {
    const r = await runExperiment(textureShape);
    expect(r.outcome).toEqual({ kind: 'done', verdict: 'converged' });
    expect(textureShape.claims!(r.metrics)).toEqual([]);
    expect(r.metrics.accAgree).toBeGreaterThan(0.97);
    expect(r.metrics.textureDecided).toBeGreaterThan(0.75);
    expect(r.metrics.textureDecided + r.metrics.shapeDecided).toBeCloseTo(1, 3);
    expect(r.figure.textureDecided!.length).toBe(8);
    expect(r.figure.conflict!.pixels.length).toBe(4 * S * S);
    // a noisy texture moves the choice toward shape
    const noisy = await runExperiment(textureShape, { textureNoise: 1 });
    expect(noisy.outcome.kind).toBe('done');
    expect(noisy.metrics.textureDecided).toBeLessThan(r.metrics.textureDecided - 0.15);
    expect(noisy.metrics.accAgree).toBeGreaterThan(0.9);
  }, 60_000);

  it('the MLP follows texture too, and less so when the texture is noisy', async () => {
    const clean = await runExperiment(textureShape, { model: 'mlp', members: 4 });
    const noisy = await runExperiment(textureShape, { model: 'mlp', members: 4, textureNoise: 1 });
    expect(clean.metrics.accAgree).toBeGreaterThan(0.97);
    expect(clean.metrics.textureDecided).toBeGreaterThan(0.75);
    expect(noisy.metrics.textureDecided).toBeLessThan(clean.metrics.textureDecided - 0.04);
  }, 60_000);
});
