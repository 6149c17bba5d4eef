/**
 * The second core for LiteRT's forward passes: a worker thread with its own LiteRT (forward-worker.ts) runs batches
 * of a pass that it claims, each batch claimed once (by it or by the calling thread) through a shared array; the
 * caller still visits every batch's outputs itself, in order. The results are exactly those of one
 * thread: the same batches (same samples, same padding) go through the same wasm, and every histogram, sum and
 * score sees its values in the same order. On ResNet-8 LiteRT's passes are about two thirds of `tinyml quantize`,
 * and the floor it is judged against (the float pass alone) keeps 1.5 cores busy with V8's own threads. The TFLite
 * Micro reference evaluation (evaluate.ts) shares its inferences the same way.
 *
 * Not the extension's job RPC (src/extension/common/worker-rpc.ts): that runs one job per fresh worker and answers
 * once; this worker lives for one quantizeModel call and serves every pass of it, batch by batch.
 *
 * Anything that goes wrong in the worker (it cannot start, a model it cannot load, a crash) only means the caller
 * runs those batches itself. The worker never keeps the process alive, and close() ends it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WasmModule } from '../common/wasm-api';
import { operatorMacs } from '../analysis/op-cost';
import type { RuntimeTypedArray } from '../runtime/index';
import type { Model } from '../tflite/index';
import { liteRtSearchPath, liteRtWasmModule } from '../runtime/litert-loader';
import type { ClaimOrder, ForwardPasses, PassRunner, SharedPass } from './forward-pass';

/** What the worker is started with. */
export interface ForwardWorkerData {
  liteRtDir?: string;
}

/** The first message to the worker: LiteRT's compiled wasm module, or undefined when this thread could not compile it. */
export interface ForwardInit {
  wasm: WasmModule | undefined;
}

/** One pass: the model's bytes, every batch's inputs, and the claims (Int32 per batch: 0 free, 1 caller, 2 worker). */
export interface ForwardRequest {
  pass: number;
  name: string;
  runner: PassRunner;
  order: ClaimOrder;
  /** Which model: the bytes come only with the first pass of a model the worker does not have loaded. */
  modelKey: number;
  model?: Uint8Array;
  batches: RuntimeTypedArray[][];
  claims: SharedArrayBuffer;
}

export type ForwardReply =
  | { pass: number; batch: number; outputs: RuntimeTypedArray[]; ms: number }
  | { pass: number; done: true }
  | { pass: number; failed: string }
  | { ready: true };

const CALLER = 1;

/**
 * Forward work (multiply-accumulates × calibration samples) below which no helper starts. The worker's start (its
 * own Node environment and LiteRT) costs 0.3-0.4 s of CPU on a busy machine, which the forward passes it takes over
 * must repay: ResNet-8 on 160 samples is 2·10^9 and about 1.2 s of forward passes; ad01 on 400 samples 10^8 (the
 * helper added 0.5 s of CPU there), hello_world less.
 */
export const HELPER_MIN_FORWARD_MACS = 1e9;

/**
 * Whether a second thread pays: cores with room (a load average below their number; where every core is busy the
 * helper's extra CPU only slows every process down: 7-40% more wall time on ResNet-8 at a load of 8 on 2 cores) and
 * forward work that repays its start.
 */
export function worthHelping(model: Model, samples: number, loadAverage: number, cores: number): boolean {
  if (cores < 2 || loadAverage >= cores) return false;
  const sg = model.subgraphs[0]!;
  const macs = sg.operators.reduce((a, op) => a + operatorMacs(model, sg, op), 0);
  return macs * samples >= HELPER_MIN_FORWARD_MACS;
}

/** The worker script: bundled next to the bundle that loads this module (dist/), transpiled next to this file (out/). */
export const FORWARD_WORKER_FILE = path.join(__dirname, 'forward-worker.js');

interface Pending {
  results: Map<number, { outputs: RuntimeTypedArray[]; ms: number }>;
  waiting: Map<number, (r: { outputs: RuntimeTypedArray[]; ms: number } | undefined) => void>;
  /** The worker answered every batch it claimed (or gave up): an unanswered batch is the caller's. */
  over: boolean;
}

export class ForwardHelper implements ForwardPasses {
  private nextPass = 0;
  private readonly keys = new WeakMap<Uint8Array, number>();
  private nextKey = 0;
  /** The model the worker has loaded (it keeps the last one). */
  private loadedKey = -1;
  private readonly passes = new Map<number, Pending>();
  private dead = false;
  private answered = 0;
  private onReady!: (up: boolean) => void;
  /** Resolves when the worker's LiteRT is up (true), or the worker is gone (false). */
  readonly ready = new Promise<boolean>((resolve) => { this.onReady = resolve; });

  private constructor(private readonly worker: Worker) {
    worker.unref();
    worker.on('message', (m: ForwardReply) => this.onReply(m));
    const fail = () => {
      this.dead = true;
      this.onReady(false);
      for (const id of [...this.passes.keys()]) this.finish(id);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
  }

  /**
   * A helper for quantizing `model` over `samples` samples, when it is worth one (worthHelping), else undefined.
   * @param loadAverage the machine's 1-minute load average (os.loadavg), @param cores its cores (os.availableParallelism)
   */
  static startFor(model: Model, samples: number, loadAverage = os.loadavg()[0]!, cores = os.availableParallelism()): ForwardHelper | undefined {
    return worthHelping(model, samples, loadAverage, cores) ? ForwardHelper.start() : undefined;
  }

  /** A helper with its worker starting (LiteRT too), or undefined where no worker can run (no worker script). */
  static start(): ForwardHelper | undefined {
    if (!fs.existsSync(FORWARD_WORKER_FILE)) return undefined;
    try {
      const worker = new Worker(FORWARD_WORKER_FILE, { workerData: { liteRtDir: liteRtSearchPath()[0] } satisfies ForwardWorkerData });
      // This thread's compiled LiteRT (its own start compiles it anyway): the worker shares V8's code, optimized tiers
      // included, instead of compiling and tiering up 9 MB of wasm a second time. Without it the worker compiles.
      const init = (wasm: WasmModule | undefined) => worker.postMessage({ wasm } satisfies ForwardInit);
      liteRtWasmModule().then(init, () => init(undefined));
      return new ForwardHelper(worker);
    } catch {
      return undefined;
    }
  }

  /** ForwardPasses.share; undefined when the worker is gone. */
  share(model: Uint8Array, name: string, batches: RuntimeTypedArray[][], runner: PassRunner = 'litert', order: ClaimOrder = 'front'): SharedPass | undefined {
    if (this.dead) return undefined;
    const pass = this.nextPass++;
    const claims = new Int32Array(new SharedArrayBuffer(4 * batches.length));
    const pending: Pending = { results: new Map(), waiting: new Map(), over: false };
    this.passes.set(pass, pending);
    try {
      let modelKey = this.keys.get(model);
      if (modelKey === undefined) this.keys.set(model, (modelKey = this.nextKey++));
      const send = modelKey !== this.loadedKey;
      this.loadedKey = modelKey;
      this.worker.postMessage({ pass, name, runner, order, modelKey, ...(send ? { model } : {}), batches, claims: claims.buffer } satisfies ForwardRequest);
    } catch {
      this.passes.delete(pass);
      return undefined;
    }
    return {
      claim: (k) => Atomics.compareExchange(claims, k, 0, CALLER) === 0,
      answered: (k) => pending.results.has(k),
      take: (k) => {
        const r = pending.results.get(k);
        if (r) {
          pending.results.delete(k);
          return Promise.resolve(r);
        }
        if (pending.over) return Promise.resolve(undefined);
        return new Promise((resolve) => pending.waiting.set(k, resolve));
      },
      end: () => {
        for (let k = 0; k < claims.length; k++) Atomics.compareExchange(claims, k, 0, CALLER);
        pending.results.clear();
      },
    };
  }

  /** How many batches the worker has run and answered so far. */
  get batchesRun(): number {
    return this.answered;
  }

  /** Ends the worker (its LiteRT with it). */
  close(): void {
    this.dead = true;
    this.onReady(false);
    void this.worker.terminate();
    for (const id of [...this.passes.keys()]) this.finish(id);
  }

  private onReply(m: ForwardReply): void {
    if ('ready' in m) {
      this.onReady(true);
      return;
    }
    const pending = this.passes.get(m.pass);
    if (!pending) return;
    if ('batch' in m) {
      this.answered++;
      const r = { outputs: m.outputs, ms: m.ms };
      const waiter = pending.waiting.get(m.batch);
      if (waiter) {
        pending.waiting.delete(m.batch);
        waiter(r);
      } else {
        pending.results.set(m.batch, r);
      }
      return;
    }
    // A worker that failed may have dropped its model: the next pass sends it again.
    if ('failed' in m) this.loadedKey = -1;
    this.finish(m.pass);
  }

  /** The worker will answer nothing more in this pass: whoever still waits runs the batch itself. */
  private finish(pass: number): void {
    const pending = this.passes.get(pass);
    if (!pending) return;
    pending.over = true;
    for (const resolve of pending.waiting.values()) resolve(undefined);
    pending.waiting.clear();
    this.passes.delete(pass);
  }
}
