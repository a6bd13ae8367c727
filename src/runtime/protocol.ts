/**
 * The one message protocol between widgets (main thread) and the training worker.
 * Every message carries the run id it belongs to; replies for a run that is no longer current
 * are dropped by the client, so a reset never shows stale numbers.
 */
import type { Dataset, EvalSet, RunSpec } from '../engine/spec';
import type { BackendPreference, BackendChoice } from './ort';

export type { EvalSet };

export type ToWorker =
  | {
      type: 'start';
      runId: number;
      spec: RunSpec;
      data: Dataset;
      evals: EvalSet[];
      /** Report (and read the loss) every this many calls. */
      reportEvery: number;
      backend: BackendPreference;
      /** Start paused (for "step" use). */
      paused?: boolean;
    }
  | { type: 'pause'; runId: number }
  | { type: 'resume'; runId: number }
  | { type: 'step'; runId: number; calls: number }
  | { type: 'stop'; runId: number }
  /**
   * Destroy the worker's WebGPU device, as a driver reset or an unplugged GPU would: the runs on
   * WebGPU then fall back to WASM. For tests and for trying the fallback by hand.
   */
  | { type: 'loseDevice'; runId: number }
  | { type: 'snapshot'; runId: number; requestId: number }
  | { type: 'predict'; runId: number; requestId: number; X: Float32Array; n: number }
  | {
      type: 'hessian';
      runId: number;
      requestId: number;
      member: number;
      iters: number;
      /** Warm start: the previous top eigenvector. */
      init?: Float32Array;
    }
  | {
      type: 'plane';
      runId: number;
      requestId: number;
      /** 'train' or the name of one of the run's eval sets. */
      set: string;
      theta0: Float32Array;
      d1: Float32Array;
      d2: Float32Array;
      /** (a, b) pairs, [G, 2]. */
      coords: Float32Array;
    };

export interface EvalResult {
  name: string;
  /** Per member. */
  loss: Float32Array;
  acc: Float32Array | null;
}

export type FromWorker =
  | { type: 'ready'; runId: number; backend: BackendChoice; parameters: number; members: number }
  | { type: 'progress'; runId: number; step: number; totalSteps: number; loss: Float32Array; evals: EvalResult[] }
  | { type: 'done'; runId: number; step: number; loss: Float32Array; evals: EvalResult[] }
  | { type: 'diverged'; runId: number; step: number; members: number[]; message: string }
  | { type: 'error'; runId: number; message: string }
  | { type: 'snapshot'; runId: number; requestId: number; step: number; params: Float32Array }
  | { type: 'prediction'; runId: number; requestId: number; pred: Float32Array; shape: number[] }
  | { type: 'hessianResult'; runId: number; requestId: number; step: number; value: number; vector: Float32Array }
  | { type: 'planeResult'; runId: number; requestId: number; loss: Float32Array; acc: Float32Array | null }
  | { type: 'notice'; runId: number; message: string };
