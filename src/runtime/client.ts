/**
 * The page's one training worker (connection.ts does the bookkeeping).
 */
import { Connection, type WorkerLike } from './connection';
import type { BackendPreference } from './ort';

export type { RunHandle } from './connection';

export const connection = new Connection(
  () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'training' }) as unknown as WorkerLike,
);

/** `?backend=wasm` forces the WASM path (tests, and readers whose GPU path misbehaves). */
export function preferredBackend(): BackendPreference {
  const b = new URLSearchParams(location.search).get('backend');
  return b === 'wasm' || b === 'webgpu' ? b : 'auto';
}

/**
 * On a page with live figures, start the worker and onnxruntime as soon as the page is loaded,
 * before any figure is on screen: a reader may jump to a figure (a link, the contents, a fast
 * scroll), and the first frame should then wait only for its own run. Figures start their runs
 * themselves, when visible (WidgetFrame).
 */
export function warmForFigures(root: ParentNode = document): void {
  if (!root.querySelector('figure[data-widget]')) return;
  connection.warm(preferredBackend());
}

/**
 * Simulate losing the GPU (the worker destroys its WebGPU device; runs on WebGPU fall back to
 * WASM and say so). Reachable from the console and tests as `learningDynamics.loseGpuDevice()`.
 */
export function loseGpuDevice(): void {
  connection.loseDevice();
}
(globalThis as { learningDynamics?: object }).learningDynamics = { loseGpuDevice };
