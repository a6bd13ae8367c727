/**
 * The one message protocol between figures (main thread) and the training worker. The page asks
 * the worker to run an experiment by name (src/engine/experiments) with a configuration; the
 * worker streams that experiment's reports. Every message carries the run id it belongs to;
 * replies for a run that is no longer current are dropped by the client, so a reset never shows
 * stale numbers. Every request (an action) is answered by exactly one `settled`.
 */
import type { BackendChoice, BackendPreference } from './ort';

export type ToWorker =
  | {
      type: 'run';
      runId: number;
      /** An experiment id (EXPERIMENTS). */
      experiment: string;
      config: Record<string, unknown>;
      backend: BackendPreference;
      /** Training calls between two reports (the reader's speed). */
      speed: number;
      /** Start paused (for "step" use). */
      paused?: boolean;
    }
  | { type: 'pause'; runId: number }
  | { type: 'resume'; runId: number }
  /** While paused: one training call. */
  | { type: 'step'; runId: number }
  | { type: 'speed'; runId: number; calls: number }
  | { type: 'stop'; runId: number }
  | { type: 'action'; runId: number; requestId: number; name: string; args: unknown }
  /**
   * Destroy the worker's WebGPU device, as a driver reset or an unplugged GPU would: the runs on
   * WebGPU then fall back to WASM. For tests and for trying the fallback by hand.
   */
  | { type: 'loseDevice'; runId: number }
  /** Start onnxruntime now (a figure is near the viewport), so a figure's first run does not wait for it. */
  | { type: 'warm'; runId: number; backend: BackendPreference };

export type FromWorker =
  | { type: 'ready'; runId: number; backend: BackendChoice; parameters: number; members: number; restart: boolean }
  | { type: 'report'; runId: number; progress: number; metrics: Record<string, number>; figure: Record<string, unknown> }
  /** `verdict` 'unconverged': the run trained to its end far above its starting loss; `message` says so. */
  | { type: 'done'; runId: number; verdict: 'converged' | 'unconverged'; message?: string }
  | { type: 'diverged'; runId: number; step: number; members: number[]; message: string }
  | { type: 'error'; runId: number; message: string }
  | { type: 'notice'; runId: number; message: string }
  /** The answer to an action: `error` is a reader-facing message when it failed. */
  | { type: 'settled'; runId: number; requestId: number; error?: string };
