/**
 * The page's one training worker (connection.ts does the bookkeeping).
 */
import { Connection, type WorkerLike } from './connection';

export type { RunHandle } from './connection';

export const connection = new Connection(
  () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'training' }) as unknown as WorkerLike,
);

/**
 * Simulate losing the GPU (the worker destroys its WebGPU device; runs on WebGPU fall back to
 * WASM and say so). Reachable from the console and tests as `learningDynamics.loseGpuDevice()`.
 */
export function loseGpuDevice(): void {
  connection.loseDevice();
}
(globalThis as { learningDynamics?: object }).learningDynamics = { loseGpuDevice };
