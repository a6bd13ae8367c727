/**
 * Loss-landscape geometry helpers (pure): directions for 2-D slices, PCA of a training
 * trajectory, and the ReLU rescaling that changes weights but not the function.
 */
import type { Model } from '../models';
import type { Rng } from '../random';

/**
 * A random direction for a landscape slice (Li et al. 2018). d ~ N(0, I) for weights, 0 for biases;
 * with `normalize`, each filter — for a dense layer, the incoming weights of one output unit
 * (a column of W [in, out]) — is rescaled so that ‖d_j‖ = ‖θ_j‖. Without it the slice's scale
 * depends on how the weights happen to be scaled, which the function does not see.
 */
export function filterNormalizedDirection(model: Model, theta: ArrayLike<number>, rng: Rng, normalize = true): Float32Array {
  const d = new Float32Array(model.size);
  for (const p of model.params) {
    if (p.isBias) continue;
    for (let i = 0; i < p.size; i++) d[p.offset + i] = rng.normal();
    if (!normalize || p.shape.length !== 2) continue;
    const [rows, cols] = p.shape;
    for (let j = 0; j < cols; j++) {
      let nd = 0;
      let nt = 0;
      for (let i = 0; i < rows; i++) {
        const k = p.offset + i * cols + j;
        nd += d[k] * d[k];
        nt += theta[k] * theta[k];
      }
      const scale = nd > 0 ? Math.sqrt(nt / nd) : 0;
      for (let i = 0; i < rows; i++) d[p.offset + i * cols + j] *= scale;
    }
  }
  return d;
}

/** Coordinates (a, b) of a side×side grid over [−extent, extent]², row-major with b rows and a columns. */
export function gridCoords(side: number, extent: number): Float32Array {
  const c = new Float32Array(side * side * 2);
  for (let r = 0; r < side; r++)
    for (let q = 0; q < side; q++) {
      const i = r * side + q;
      c[2 * i] = -extent + (2 * extent * q) / (side - 1);
      c[2 * i + 1] = extent - (2 * extent * r) / (side - 1);
    }
  return c;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/**
 * The top two principal directions of a trajectory θ₀…θ_T and the trajectory's coordinates in
 * their plane, as Li et al. (2018, Sec. 7) compute them in their code (tomgoldstein/loss-landscape,
 * projection.py: `setup_PCA_directions` stacks the rows θᵢ − θ_final and fits sklearn's PCA, which
 * subtracts the rows' mean first; `project_trajectory` then projects each θᵢ − θ_final on the two
 * components, so the end point sits at the origin of the slice). Centring matters: without it the
 * first "direction" is mostly the mean offset of the path from its end point and the second is
 * distorted by it. Computed by power iteration with deflation on the small T×T Gram matrix of the
 * centred rows. `explained` is each direction's share of the centred variance (sklearn's
 * explained_variance_ratio_), so their sum is below 1 unless the path lies in a plane.
 */
export function pcaDirections(snapshots: Float32Array[], final: Float32Array) {
  const T = snapshots.length;
  const P = final.length;
  const M = snapshots.map((s) => Float64Array.from(s, (v, i) => v - final[i]));
  const centre = new Float64Array(P);
  for (const m of M) for (let i = 0; i < P; i++) centre[i] += m[i] / T;
  const C = M.map((m) => m.map((v, i) => v - centre[i]));
  const gram = C.map((a) => C.map((b) => dot(a, b)));
  const total = gram.reduce((s, row, i) => s + row[i], 0) || 1;
  const vecs: Float64Array[] = [];
  const values: number[] = [];
  for (let k = 0; k < 2; k++) {
    let u = Float64Array.from({ length: T }, (_, i) => 1 + ((i * 7919) % 13) / 13);
    let lambda = 0;
    for (let it = 0; it < 200; it++) {
      const w = Float64Array.from(gram, (row) => dot(row, u));
      for (const v of vecs) {
        const c = dot(w, v);
        for (let i = 0; i < T; i++) w[i] -= c * v[i];
      }
      const n = Math.sqrt(dot(w, w)) || 1;
      lambda = dot(u, w);
      u = w.map((x) => x / n);
    }
    vecs.push(u);
    values.push(Math.max(0, lambda));
  }
  const dirs = vecs.map((u) => {
    const d = new Float32Array(P);
    for (let t = 0; t < T; t++) for (let i = 0; i < P; i++) d[i] += u[t] * C[t][i];
    const n = Math.sqrt(dot(d, d)) || 1;
    return d.map((x) => x / n);
  });
  // the path itself is projected uncentred, relative to the end point (the slice's centre)
  const coords = M.map((m) => [dot(m, dirs[0]), dot(m, dirs[1])] as [number, number]);
  return { d1: dirs[0], d2: dirs[1], coords, explained: values.map((v) => v / total) };
}

/**
 * ReLU is positively homogeneous: scaling layer l's weights and bias by α and layer l+1's weights
 * by 1/α leaves the function unchanged (Dinh et al. 2017) — but not the unnormalized landscape.
 */
export function rescaleLayers(model: Model, theta: ArrayLike<number>, layer: number, alpha: number): Float32Array {
  const out = Float32Array.from(theta);
  for (const p of model.params) {
    const scale = p.name === `W${layer}` || p.name === `b${layer}` ? alpha : p.name === `W${layer + 1}` ? 1 / alpha : 1;
    if (scale !== 1) for (let i = 0; i < p.size; i++) out[p.offset + i] *= scale;
  }
  return out;
}
