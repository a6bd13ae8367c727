/**
 * A plain-TypeScript MLP (forward, backward, loss) on Float64Arrays: the independent reference
 * that graph programs are tested against, and the "plain-ts" line of the benchmark.
 */
import type { LossKind } from './losses';
import type { Activation } from './models';

export interface RefLayer {
  W: Float64Array; // [in, out] row-major
  b: Float64Array | null; // [out]
  fanIn: number;
  fanOut: number;
}

function act(a: Activation, z: number): number {
  return a === 'tanh' ? Math.tanh(z) : a === 'relu' ? Math.max(0, z) : a === 'quadratic' ? z * z : z;
}
function dact(a: Activation, z: number, h: number): number {
  return a === 'tanh' ? 1 - h * h : a === 'relu' ? (z > 0 ? 1 : 0) : a === 'quadratic' ? 2 * z : 1;
}

/** Mean loss over the batch and its gradient with respect to every layer's W and b. */
export function referenceLossAndGrad(
  layers: RefLayer[],
  activation: Activation,
  loss: LossKind,
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  rows: ArrayLike<number>,
): { loss: number; gW: Float64Array[]; gb: Float64Array[] } {
  const B = rows.length;
  const L = layers.length;
  const gW = layers.map((l) => new Float64Array(l.W.length));
  const gb = layers.map((l) => new Float64Array(l.fanOut));
  let total = 0;
  for (let r = 0; r < B; r++) {
    const row = rows[r];
    const hs: Float64Array[] = [Float64Array.from({ length: layers[0].fanIn }, (_, i) => X[row * layers[0].fanIn + i])];
    const zs: Float64Array[] = [];
    for (let l = 0; l < L; l++) {
      const { W, b, fanIn, fanOut } = layers[l];
      const z = new Float64Array(fanOut);
      for (let j = 0; j < fanOut; j++) {
        let s = b ? b[j] : 0;
        for (let i = 0; i < fanIn; i++) s += hs[l][i] * W[i * fanOut + j];
        z[j] = s;
      }
      zs.push(z);
      hs.push(l + 1 < L ? z.map((v) => act(activation, v)) : z);
    }
    const out = hs[L];
    const O = out.length;
    let delta = new Float64Array(O);
    for (let j = 0; j < O; j++) {
      const y = Y[row * O + j];
      if (loss === 'mse' || loss === 'half-mse') {
        const c = loss === 'mse' ? 1 : 0.5;
        total += (c * (out[j] - y) ** 2) / O;
        delta[j] = (c * 2 * (out[j] - y)) / O;
      } else if (loss === 'bce') {
        const z = out[j];
        total += (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)))) / O;
        delta[j] = (1 / (1 + Math.exp(-z)) - y) / O;
      } else throw new Error('reference: softmax-ce not implemented');
    }
    for (let l = L - 1; l >= 0; l--) {
      const { W, fanIn, fanOut } = layers[l];
      for (let i = 0; i < fanIn; i++) for (let j = 0; j < fanOut; j++) gW[l][i * fanOut + j] += (hs[l][i] * delta[j]) / B;
      for (let j = 0; j < fanOut; j++) gb[l][j] += delta[j] / B;
      if (l > 0) {
        const next = new Float64Array(fanIn);
        for (let i = 0; i < fanIn; i++) {
          let s = 0;
          for (let j = 0; j < fanOut; j++) s += W[i * fanOut + j] * delta[j];
          next[i] = s * dact(activation, zs[l - 1][i], hs[l][i]);
        }
        delta = next;
      }
    }
  }
  return { loss: total / B, gW, gb };
}

/** Split a flat member vector (layout of models.ts mlp: W0, b0, W1, b1, …) into layers. */
export function refLayersFromFlat(widths: number[], theta: ArrayLike<number>, bias = true): RefLayer[] {
  const layers: RefLayer[] = [];
  let o = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const [fanIn, fanOut] = [widths[l], widths[l + 1]];
    const W = Float64Array.from({ length: fanIn * fanOut }, (_, i) => theta[o + i]);
    o += fanIn * fanOut;
    let b: Float64Array | null = null;
    if (bias) {
      b = Float64Array.from({ length: fanOut }, (_, i) => theta[o + i]);
      o += fanOut;
    }
    layers.push({ W, b, fanIn, fanOut });
  }
  return layers;
}

/** Flatten layer gradients in the same layout. */
export function flattenGrads(gW: Float64Array[], gb: Float64Array[], bias = true): Float64Array {
  const parts: number[] = [];
  gW.forEach((w, l) => {
    parts.push(...w);
    if (bias) parts.push(...gb[l]);
  });
  return Float64Array.from(parts);
}
