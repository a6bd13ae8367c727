import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseBackend, isSoftwareAdapter, loadOrt } from '../../src/runtime/ort';

afterEach(() => vi.unstubAllGlobals());

function stub(gpu: unknown, isolated = true) {
  vi.stubGlobal('navigator', { gpu, hardwareConcurrency: 2 });
  vi.stubGlobal('crossOriginIsolated', isolated);
}

describe('backend choice', () => {
  it('uses WebGPU on a hardware adapter', async () => {
    stub({ requestAdapter: async () => ({ info: { vendor: 'nvidia', architecture: 'hopper' } }) });
    expect(await chooseBackend()).toMatchObject({ backend: 'webgpu', reason: expect.stringMatching(/nvidia/) });
  });
  it('falls back to WASM without WebGPU, with threads only when cross-origin isolated', async () => {
    stub(undefined, false);
    expect(await chooseBackend()).toMatchObject({ backend: 'wasm', threads: 1, reason: expect.stringMatching(/no WebGPU.*not cross-origin isolated/) });
    stub(undefined, true);
    expect(await chooseBackend()).toMatchObject({ backend: 'wasm', threads: 2 });
  });
  it('prefers WASM over a software adapter unless WebGPU is asked for', async () => {
    const swiftshader = { requestAdapter: async () => ({ info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } }) };
    stub(swiftshader);
    expect(await chooseBackend()).toMatchObject({ backend: 'wasm', reason: expect.stringMatching(/software fallback/) });
    expect(await chooseBackend('webgpu')).toMatchObject({ backend: 'webgpu' });
    expect(isSoftwareAdapter({ info: { architecture: 'SwiftShader' } })).toBe(true);
  });
  it('survives an adapter request that throws or returns nothing', async () => {
    stub({ requestAdapter: async () => { throw new Error('GPU process crashed'); } });
    expect(await chooseBackend()).toMatchObject({ backend: 'wasm', reason: expect.stringMatching(/GPU process crashed/) });
    stub({ requestAdapter: async () => null });
    expect(await chooseBackend()).toMatchObject({ backend: 'wasm', reason: expect.stringMatching(/no adapter/) });
  });
});

describe('loadOrt', () => {
  it('refuses WebGPU with a clear message once the WASM-only build is loaded', async () => {
    await loadOrt('wasm');
    await expect(loadOrt('webgpu')).rejects.toThrow(/WASM-only build is loaded/);
    await expect(loadOrt('wasm')).resolves.toBeDefined();
  });
});

describe('ArrayProgram (the evaluation programs, here on WASM)', () => {
  it('takes shapes from the graph, converts float widths, and names a bad input instead of crashing', async () => {
    const { Graph } = await import('../../src/engine/graph');
    const { tanh } = await import('../../src/engine/ops');
    const { ArrayProgram } = await import('../../src/runtime/array-program');
    for (const dtype of ['float32', 'float64'] as const) {
      const G = new Graph(dtype);
      G.output('y', tanh(G, G.input('x', [2, 3])));
      const p = await ArrayProgram.create(G, 'wasm');
      expect(p.replayed).toBe(false);
      const y = (await p.call({ x: Float32Array.of(0, 0.5, 1, -1, 2, -2) })).y;
      expect(y).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
      expect(Array.from(y).map((v) => v.toFixed(5))).toEqual([0, 0.5, 1, -1, 2, -2].map((v) => Math.tanh(v).toFixed(5)));
      await expect(p.call({})).rejects.toThrow(/missing input x/);
      await expect(p.call({ x: new Float32Array(5) })).rejects.toThrow(/x: 5 values for shape \[2,3\]/);
      await p.release();
    }
  });
});

describe('which evaluation programs replay', () => {
  it('landscape slices up to 64×64 of the 16-wide classifier replay; 128×128 (arithmetic-bound, 64 MB values) does not', async () => {
    const { largestValue, REPLAY_MAX_ELEMENTS } = await import('../../src/runtime/array-program');
    const { mlp } = await import('../../src/engine/models');
    const { gridGraph } = await import('../../src/engine/programs');
    const model = mlp({ widths: [2, 16, 16, 3], activation: 'relu' });
    const slice = (side: number) => largestValue(gridGraph({ model, loss: 'softmax-ce', points: side * side, data: { n: 150 } }));
    expect(slice(64)).toBeGreaterThanOrEqual(64 * 64 * 150 * 16); // [points, examples, width] at least
    expect(slice(64)).toBeLessThanOrEqual(REPLAY_MAX_ELEMENTS);
    expect(slice(128)).toBeGreaterThan(REPLAY_MAX_ELEMENTS);
  });
});
