/**
 * The peers our engine is measured against, in the same page: tf.js 4.22 (wasm and cpu backends)
 * and a plain-TypeScript MLP (src/engine/reference.ts). Same model (MLP 2-64-64-1, tanh), same
 * data, batch 256, Adam, loss read back every 8 steps. Exposed on window.peerHarness.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { smoothRegression } from '../src/engine/datasets';
import { initParams, mlp } from '../src/engine/models';
import { referenceUpdate } from '../src/engine/optimizers';
import { flattenGrads, refLayersFromFlat, referenceLossAndGrad } from '../src/engine/reference';
import { makeRng } from '../src/engine/random';

setWasmPaths(new URL('tfjs/', location.href).href);
const WIDTHS = [2, 64, 64, 1];

interface PeerBench {
  members: number;
  steps: number;
  batch?: number;
  n?: number;
}

function layerShapes() {
  return WIDTHS.slice(0, -1).map((fanIn, l) => [fanIn, WIDTHS[l + 1]] as const);
}

/** Ensemble forward in tf.js: weights [E,in,out], biases [E,1,out], x [E,B,in]. */
function tfForward(params: tf.Tensor[], x: tf.Tensor): tf.Tensor {
  let h = x;
  const L = params.length / 2;
  for (let l = 0; l < L; l++) {
    h = tf.add(tf.matMul(h as tf.Tensor3D, params[2 * l] as tf.Tensor3D), params[2 * l + 1]); // 2-D or batched 3-D
    if (l + 1 < L) h = tf.tanh(h);
  }
  return h;
}

async function tfTrain(backend: 'wasm' | 'cpu', b: PeerBench) {
  await tf.setBackend(backend);
  await tf.ready();
  const E = b.members;
  const B = b.batch ?? 256;
  const data = smoothRegression({ n: b.n ?? 1024, seed: 1 });
  const Xall = tf.tensor2d(data.X, [data.n, 2]);
  const Yall = tf.tensor2d(data.Y, [data.n, 1]);
  // One model is written the way a tf.js user would write it (2-D tensors); an ensemble stacks
  // members on a leading axis and uses batched matMul.
  const single = E === 1;
  const vars = layerShapes().flatMap(([i, o]) => [
    tf.variable(tf.randomNormal(single ? [i, o] : [E, i, o], 0, 1 / Math.sqrt(i))),
    tf.variable(tf.zeros(single ? [o] : [E, 1, o])),
  ]);
  const opt = tf.train.adam(1e-3);
  const rng = makeRng(1);
  const step = (read: boolean) => {
    const idx = tf.tensor1d(Int32Array.from({ length: B }, () => rng.int(data.n)), 'int32');
    const loss = tf.tidy(() => {
      const rows = tf.gather(Xall, idx);
      const x = single ? rows : tf.broadcastTo(rows, [E, B, 2]);
      const y = tf.gather(Yall, idx);
      return opt.minimize(() => (single ? tf.mean(tf.square(tf.sub(tfForward(vars, x), y))) : tf.sum(tf.mean(tf.square(tf.sub(tfForward(vars, x), y)), [1, 2]))) as tf.Scalar, true, vars) as tf.Scalar;
    });
    idx.dispose();
    const v = read && loss ? loss.dataSync()[0] : NaN;
    loss?.dispose();
    return v;
  };
  for (let w = 0; w < 5; w++) step(true); // warm-up
  const start = performance.now();
  let last = NaN;
  for (let s = 1; s <= b.steps; s++) {
    const v = step(s % 8 === 0 || s === b.steps);
    if (!Number.isNaN(v)) last = v;
  }
  const seconds = (performance.now() - start) / 1000;
  vars.forEach((v) => v.dispose());
  Xall.dispose();
  Yall.dispose();
  return { stepsPerSec: b.steps / seconds, seconds, lastLoss: last / E };
}

/** tf.js landscape grid: 64×64 points θ₀ + a·d₁ + b·d₂, evaluated in chunks of 256 as an ensemble. */
async function tfGrid(backend: 'wasm' | 'cpu', side = 64, chunk = 256) {
  await tf.setBackend(backend);
  await tf.ready();
  const model = mlp({ widths: WIDTHS, activation: 'tanh' });
  const data = smoothRegression({ n: 256, seed: 1 });
  const theta0 = tf.tensor2d(initParams(model, [1]), [1, model.size]);
  const dirs = tf.tensor2d(initParams(model, [2, 3]), [2, model.size]);
  const X = tf.tensor3d(data.X, [1, data.n, 2]);
  const Y = tf.tensor2d(data.Y, [data.n, 1]);
  const once = () => {
    for (let s = 0; s < side * side; s += chunk) {
      const coords = new Float32Array(chunk * 2).map((_, i) => ((s + (i >> 1)) % side) / side);
      const losses = tf.tidy(() => {
        const theta = tf.add(theta0, tf.matMul(tf.tensor2d(coords, [chunk, 2]), dirs));
        const params = model.params.map((p) => tf.reshape(tf.slice(theta, [0, p.offset], [chunk, p.size]), [chunk, ...p.shape]));
        return tf.mean(tf.square(tf.sub(tfForward(params, X), Y)), [1, 2]);
      });
      losses.dataSync();
      losses.dispose();
    }
  };
  once();
  const start = performance.now();
  once();
  const seconds = (performance.now() - start) / 1000;
  return { gridsPerSec: 1 / seconds, secondsPerGrid: seconds };
}

/** Plain TypeScript (float64 arrays): forward, backward and Adam for each member in turn. */
function plainTrain(b: PeerBench) {
  const E = b.members;
  const B = b.batch ?? 256;
  const model = mlp({ widths: WIDTHS, activation: 'tanh' });
  const data = smoothRegression({ n: b.n ?? 1024, seed: 1 });
  const init = initParams(model, Array.from({ length: E }, (_, i) => i + 1));
  const members: { theta: Float64Array<ArrayBufferLike>; state: Float64Array<ArrayBufferLike> }[] = Array.from({ length: E }, (_, e) => ({
    theta: Float64Array.from(init.subarray(e * model.size, (e + 1) * model.size)),
    state: new Float64Array(2 * model.size),
  }));
  const rng = makeRng(1);
  const start = performance.now();
  let loss = 0;
  for (let s = 1; s <= b.steps; s++) {
    const rows = Int32Array.from({ length: B }, () => rng.int(data.n));
    loss = 0;
    for (const m of members) {
      const g = referenceLossAndGrad(refLayersFromFlat(WIDTHS, m.theta), 'tanh', 'mse', data.X, data.Y, rows);
      loss += g.loss;
      const next = referenceUpdate({ kind: 'adam' }, m.theta, flattenGrads(g.gW, g.gb), m.state, 1e-3, s);
      m.theta = next.theta;
      m.state = next.state;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return { stepsPerSec: b.steps / seconds, seconds, lastLoss: loss / E };
}

/** Plain-TS grid: forward pass at every grid point. */
function plainGrid(side = 64) {
  const model = mlp({ widths: WIDTHS, activation: 'tanh' });
  const data = smoothRegression({ n: 256, seed: 1 });
  const theta0 = initParams(model, [1]);
  const dirs = initParams(model, [2, 3]);
  const rows = Int32Array.from({ length: data.n }, (_, i) => i);
  const start = performance.now();
  const P = model.size;
  const theta = new Float64Array(P);
  for (let g = 0; g < side * side; g++) {
    const a = (g % side) / side;
    const c = Math.floor(g / side) / side;
    for (let i = 0; i < P; i++) theta[i] = theta0[i] + a * dirs[i] + c * dirs[P + i];
    referenceLossAndGrad(refLayersFromFlat(WIDTHS, theta), 'tanh', 'mse', data.X, data.Y, rows);
  }
  const seconds = (performance.now() - start) / 1000;
  return { gridsPerSec: 1 / seconds, secondsPerGrid: seconds };
}

/** What the tf.js wasm backend runs with (SIMD, threads), for the benchmark's header line. */
async function tfInfo() {
  await tf.setBackend('wasm');
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return { simd: !!simd, threads: !!threads };
}

declare global {
  interface Window {
    peerHarness: { tfInfo: typeof tfInfo; tfTrain: typeof tfTrain; tfGrid: typeof tfGrid; plainTrain: typeof plainTrain; plainGrid: typeof plainGrid };
  }
}
window.peerHarness = { tfInfo, tfTrain, tfGrid, plainTrain, plainGrid };
