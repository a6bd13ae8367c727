/**
 * Runs a RunSpec: owns the compiled train-step program and the state tensors between calls.
 * Used in the worker (browser) and directly in Node tests. On WebGPU, θ, optimizer state and the
 * loss stay in GPU buffers between calls; the loss is read back once per `advance`.
 */
import { initParams, type Model } from '../engine/models';
import { trainStepGraph } from '../engine/programs';
import { BatchSampler } from '../engine/sampler';
import { buildModel, type Dataset, type RunSpec, validateRun } from '../engine/spec';
import { stateSlots } from '../engine/optimizers';
import { CapturedProgram, replayedOrOrdinary } from './captured';
import { type Backend, floatTensor, intTensor, type OrtTensor, Program, readFloats } from './ort';

export interface TrainerOptions {
  backend: Backend;
  /** Start from these parameters [E × P] instead of the spec's seeded initialization. */
  init?: Float32Array;
  /**
   * On WebGPU, replay the step from a recorded command list (see captured.ts); default true.
   * Where onnxruntime cannot capture the graph, the trainer runs it the ordinary way.
   */
  capture?: boolean;
}

export interface LossReading {
  step: number;
  /**
   * Loss per member of the last fused step: on that step's batch, at the parameters before its
   * update (the loss whose gradient it took), i.e. after `step − 1` steps, not after `step`.
   */
  loss: Float32Array;
}

/** Without a known starting loss, a loss above this is treated as divergence before it overflows to Infinity. */
export const DIVERGENCE_LOSS = 1e8;
/**
 * With a member's starting loss L₀ known (setStartingLoss), its loss counts as diverged once it is
 * above this many times max(|L₀|, 1): far past anything a run that is merely noisy or slow reaches
 * (the run at learning rate 10 that ends at 215 from 0.69 is 300×), yet long before float32 overflows.
 */
export const DIVERGENCE_FACTOR = 1e6;

export class Trainer {
  readonly model: Model;
  readonly members: number;
  stepsDone = 0;
  calls = 0;
  /**
   * Members whose loss stopped being finite or exploded (see DIVERGENCE_FACTOR), ascending. Once
   * flagged a member stays flagged: its later losses read NaN. Training goes on while any member
   * is left (members share nothing but the program, so a diverged one cannot spoil the others).
   */
  diverged: number[] = [];
  /** Per member: a loss above this counts as divergence. */
  private limit: Float64Array;
  private theta: OrtTensor;
  private state: OrtTensor | null;
  private pendingLoss: OrtTensor | null = null;
  private readonly sampler: BatchSampler;
  /** The ordinary path's unchanging feeds (a replayed program holds them in its own buffers). */
  private readonly fixed: Record<string, OrtTensor>;

  private constructor(
    readonly spec: RunSpec,
    private data: Dataset,
    private readonly program: Program | CapturedProgram,
    opts: TrainerOptions,
  ) {
    this.model = buildModel(spec.model);
    this.members = spec.initSeeds.length;
    const E = this.members;
    const P = this.model.size;
    this.limit = new Float64Array(E).fill(DIVERGENCE_LOSS);
    this.theta = floatTensor(opts.init ? Float32Array.from(opts.init) : initParams(this.model, spec.initSeeds), [E, P]);
    const slots = stateSlots(spec.optimizer.kind);
    this.state = slots ? floatTensor(new Float32Array(E * slots * P), [E, slots * P]) : null;
    this.sampler = new BatchSampler(data.n, spec.batch, spec.orderSeeds ?? spec.initSeeds, spec.memberRows);
    const lrs = Float32Array.from(Array.isArray(spec.lr) ? spec.lr : new Array(E).fill(spec.lr));
    if (program instanceof CapturedProgram) {
      program.write('X', data.X);
      program.write('Y', data.Y);
      program.write('lr', lrs);
      program.write('theta', this.theta.data as Float32Array);
      if (this.state) program.write('state', this.state.data as Float32Array);
      this.fixed = {};
    } else {
      this.fixed = { X: floatTensor(data.X, [data.n, data.inDim]), Y: floatTensor(data.Y, [data.n, data.outDim]), lr: floatTensor(lrs, [E, 1]) };
    }
  }

  /**
   * Train on new data of the same shape from the next step on (a policy gradient's fresh
   * rollouts); parameters, optimizer state and batch order carry on.
   */
  setData(data: Dataset): void {
    const d = this.data;
    if (data.n !== d.n || data.inDim !== d.inDim || data.outDim !== d.outDim || data.X.length !== d.n * d.inDim || data.Y.length !== d.n * d.outDim) {
      throw new RangeError(`new data must keep the shape ${d.n} × ${d.inDim} → ${d.outDim} (got ${data.n} × ${data.inDim} → ${data.outDim})`);
    }
    this.data = data;
    if (this.program instanceof CapturedProgram) {
      this.program.write('X', data.X);
      this.program.write('Y', data.Y);
    } else {
      this.fixed.X = floatTensor(data.X, [data.n, data.inDim]);
      this.fixed.Y = floatTensor(data.Y, [data.n, data.outDim]);
    }
  }

  /** Whether WebGPU steps replay a recorded command list (captured.ts). */
  get replayed(): boolean {
    return this.program instanceof CapturedProgram;
  }

  static async create(spec: RunSpec, data: Dataset, opts: TrainerOptions): Promise<Trainer> {
    const problem = validateRun(spec, data);
    if (problem) throw new RangeError(problem);
    const P = buildModel(spec.model).size;
    if (opts.init && opts.init.length !== spec.initSeeds.length * P) {
      throw new RangeError(`starting parameters hold ${opts.init.length} numbers; ${spec.initSeeds.length} members × ${P} parameters need ${spec.initSeeds.length * P}`);
    }
    const graph = trainStepGraph({
      model: buildModel(spec.model),
      loss: spec.loss,
      optimizer: spec.optimizer,
      members: spec.initSeeds.length,
      batch: spec.batch,
      fused: spec.fused,
      data: { n: data.n },
      sharedOrder: spec.sharedOrder,
    });
    const program = await replayedOrOrdinary(graph, opts.backend, opts.capture !== false, ['theta_out', 'state_out', 'loss']);
    return new Trainer(spec, data, program, opts);
  }

  get backend(): Backend {
    return this.program.backend;
  }

  get done(): boolean {
    return this.stepsDone >= this.spec.steps;
  }

  /** Every member diverged: nothing is left to train. */
  get isDiverged(): boolean {
    return this.diverged.length === this.members;
  }

  /**
   * The members' losses at their starting parameters [E]: from now on a member diverges when its
   * loss exceeds DIVERGENCE_FACTOR × max(|L₀|, 1). A member whose starting loss is not finite is
   * diverged from the start.
   */
  setStartingLoss(loss: ArrayLike<number>) {
    const bad = new Set(this.diverged);
    for (let e = 0; e < this.members; e++) {
      if (Number.isFinite(loss[e])) this.limit[e] = DIVERGENCE_FACTOR * Math.max(Math.abs(loss[e]), 1);
      else bad.add(e);
    }
    this.diverged = [...bad].sort((a, b) => a - b);
  }

  /**
   * Run `calls` program calls (K fused steps each); returns the last call's reading (null if none
   * ran): the loss its last step computed before updating (see LossReading).
   */
  async advance(calls = 1): Promise<LossReading | null> {
    let reading: LossReading | null = null;
    for (let c = 0; c < calls && !this.done && !this.isDiverged; c++) {
      const K = this.spec.fused;
      const order = this.spec.sharedOrder ? this.sampler.nextShared(K) : this.sampler.next(K);
      const p = this.program;
      if (p instanceof CapturedProgram) {
        p.write('idx', order);
        p.write('t', Float32Array.of(this.stepsDone));
        await p.run();
        p.copy('theta_out', 'theta');
        if (this.state) p.copy('state_out', 'state');
      } else {
        const idx = intTensor(order, this.spec.sharedOrder ? [K, this.spec.batch] : [K, this.members, this.spec.batch]);
        const feeds: Record<string, OrtTensor> = { ...this.fixed, theta: this.theta, idx, t: floatTensor(Float32Array.of(this.stepsDone), []) };
        if (this.state) feeds.state = this.state;
        const out = await p.run(feeds);
        this.replace(out.theta_out, out.state_out ?? null);
        this.pendingLoss?.dispose();
        this.pendingLoss = out.loss;
      }
      this.stepsDone += K;
      this.calls++;
      if (c === calls - 1 || this.done) reading = await this.readLoss();
    }
    return reading;
  }

  private replace(theta: OrtTensor, state: OrtTensor | null) {
    if (this.theta.location === 'gpu-buffer') this.theta.dispose();
    if (this.state && this.state.location === 'gpu-buffer') this.state.dispose();
    this.theta = theta;
    this.state = state;
  }

  /**
   * Read the newest loss [E] (the call's last fused step, before its update) and flag members that diverged: a
   * member whose parameters stopped being finite at any fused step has a non-finite loss by then.
   * Diverged members' losses read NaN.
   */
  private async readLoss(): Promise<LossReading | null> {
    if (this.calls === 0) return null;
    const loss =
      this.program instanceof CapturedProgram ? await this.program.read('loss') : Float32Array.from(await readFloats(this.pendingLoss!));
    const bad = new Set(this.diverged);
    loss.forEach((v, e) => {
      if (!Number.isFinite(v) || Math.abs(v) > this.limit[e]) bad.add(e);
    });
    this.diverged = [...bad].sort((a, b) => a - b);
    for (const e of this.diverged) loss[e] = NaN;
    return { step: this.stepsDone, loss };
  }

  /** Current parameters [E × P], copied to the CPU. */
  async params(): Promise<Float32Array> {
    if (this.program instanceof CapturedProgram) return this.program.read('theta');
    return Float32Array.from(await readFloats(this.theta));
  }

  async release(): Promise<void> {
    this.pendingLoss?.dispose();
    if (this.theta.location === 'gpu-buffer') this.theta.dispose();
    if (this.state?.location === 'gpu-buffer') this.state.dispose();
    await this.program.release();
  }
}
