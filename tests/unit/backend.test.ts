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
