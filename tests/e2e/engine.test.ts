/** The engine in the browser: WebGPU (software adapter), WASM in the JSEP build and the plain WASM build compute the same run. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHarness } from '../../bench/build.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { launch } from './browser';

describe('engine in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: { close(): void; address(): { port: number } };
  beforeAll(async () => {
    server = await startServer({ root: `${await buildHarness()}/`, port: 0 });
    browser = await launch('webgpu');
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/index.html?backend=webgpu`);
    await page.waitForFunction(() => 'engineHarness' in window);
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('the same run on WebGPU and on WASM gives the same losses within 1e-4', async () => {
    const cfg = { members: 2, fused: 2, steps: 12, widths: [2, 8, 8, 1], batch: 32, n: 64, readEvery: 1 };
    const gpu = await page.evaluate((c) => window.engineHarness.train({ ...c, backend: 'webgpu' }), cfg);
    const cpu = await page.evaluate((c) => window.engineHarness.train({ ...c, backend: 'wasm' }), cfg);
    expect(gpu.replayed).toBe(true); // steps replayed from onnxruntime's recorded command list
    expect(gpu.history.length).toBe(cpu.history.length);
    expect(gpu.history.length).toBeGreaterThan(3);
    for (let i = 0; i < gpu.history.length; i++) {
      for (let e = 0; e < 2; e++) expect(Math.abs(gpu.history[i].loss[e] - cpu.history[i].loss[e])).toBeLessThan(1e-4);
    }
    expect(gpu.history.at(-1)!.loss[0]).toBeLessThan(gpu.history[0].loss[0]);
    for (let i = 0; i < gpu.params.length; i++) expect(Math.abs(gpu.params[i] - cpu.params[i])).toBeLessThan(1e-3);

    // A page without WebGPU loads the plain WASM build (not the JSEP one) and computes the same.
    const plain = await browser.newPage();
    const wasmFiles: string[] = [];
    plain.on('request', (r) => {
      if (r.url().endsWith('.wasm')) wasmFiles.push(r.url().split('/').pop()!);
    });
    await plain.goto(`http://127.0.0.1:${server.address().port}/index.html?backend=wasm`);
    await plain.waitForFunction(() => 'engineHarness' in window);
    const other = await plain.evaluate((c) => window.engineHarness.train({ ...c, backend: 'wasm' }), cfg);
    expect(wasmFiles).toEqual(['ort-wasm-simd-threaded.wasm']);
    for (let i = 0; i < cpu.history.length; i++) {
      for (let e = 0; e < 2; e++) expect(Math.abs(other.history[i].loss[e] - cpu.history[i].loss[e])).toBeLessThan(1e-6);
    }
    await plain.close();
  });

  it('replayed WebGPU steps without optimizer state and with one shared batch order match WASM', async () => {
    const cfg = { members: 3, fused: 3, steps: 12, widths: [2, 8, 8, 1], batch: 16, n: 64, readEvery: 1, optimizer: 'sgd' as const, sharedOrder: true };
    const gpu = await page.evaluate((c) => window.engineHarness.train({ ...c, backend: 'webgpu' }), cfg);
    const cpu = await page.evaluate((c) => window.engineHarness.train({ ...c, backend: 'wasm' }), cfg);
    expect(gpu.replayed).toBe(true);
    expect(gpu.history.length).toBe(4);
    for (let i = 0; i < 4; i++) for (let e = 0; e < 3; e++) expect(Math.abs(gpu.history[i].loss[e] - cpu.history[i].loss[e])).toBeLessThan(1e-4);
    expect(new Set(gpu.history.map((h) => h.loss[0].toFixed(5))).size).toBe(4); // the loss read back moves every call
    for (let i = 0; i < gpu.params.length; i++) expect(Math.abs(gpu.params[i] - cpu.params[i])).toBeLessThan(1e-4);
  });

  it('a landscape grid on WebGPU equals the same grid on WASM within 1e-4', async () => {
    const cfg = { side: 8, chunk: 32, repeats: 1, widths: [2, 8, 8, 1] };
    const gpu = await page.evaluate((c) => window.engineHarness.grid({ ...c, backend: 'webgpu' }), cfg);
    const cpu = await page.evaluate((c) => window.engineHarness.grid({ ...c, backend: 'wasm' }), cfg);
    expect(gpu.replayed).toBe(true);
    expect(gpu.losses.length).toBe(64);
    expect(new Set(cpu.losses.map((l) => l.toFixed(4))).size).toBeGreaterThan(32); // a landscape, not a constant
    for (let i = 0; i < 64; i++) expect(Math.abs(gpu.losses[i] - cpu.losses[i])).toBeLessThan(1e-4 * Math.max(1, cpu.losses[i]));
  });

  it('evaluation programs (losses, planes, predictions, gradients) are replayed on WebGPU and match WASM', async () => {
    const gpu = await page.evaluate(() => window.engineHarness.evaluator({ backend: 'webgpu' }));
    const cpu = await page.evaluate(() => window.engineHarness.evaluator({ backend: 'wasm' }));
    expect(gpu.replayed).toBe(true);
    expect(cpu.replayed).toBe(false);
    const close = (a: number[], b: number[], what: string) => {
      expect(a.length, what).toBe(b.length);
      expect(a.length, what).toBeGreaterThan(0);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `${what}[${i}]`).toBeLessThan(1e-4 * Math.max(1, Math.abs(b[i])));
    };
    for (const [c, call] of gpu.calls.entries()) {
      const ref = cpu.calls[c];
      call.evals.forEach((r, i) => {
        close(r.loss, ref.evals[i].loss, `call ${c} ${r.name} loss`);
        expect(r.acc, `call ${c} ${r.name} accuracy`).toEqual(ref.evals[i].acc);
      });
      close(call.plane.loss, ref.plane.loss, `call ${c} plane`);
      close(call.pred, ref.pred, `call ${c} predictions`);
      call.grads.forEach((g, i) => close(g, ref.grads[i], `call ${c} gradient ${i}`));
    }
    // The second call's parameters differ: a replay that left any output stale would repeat the first.
    expect(gpu.calls[1].evals[0].loss[0]).not.toBeCloseTo(gpu.calls[0].evals[0].loss[0], 4);
    expect(gpu.calls[1].plane.loss[3]).not.toBeCloseTo(gpu.calls[0].plane.loss[3], 4);
    expect(gpu.calls[1].pred[0]).not.toBeCloseTo(gpu.calls[0].pred[0], 4);
    expect(gpu.calls[1].grads[0][0]).not.toBeCloseTo(gpu.calls[0].grads[0][0], 4);
  });
});
