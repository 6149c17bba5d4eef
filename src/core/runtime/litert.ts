/**
 * Runs .tflite models on the real TFLite runtime (LiteRT.js, CPU/XNNPACK, in wasm).
 *
 *   await initRuntime();                       // optional: loadRuntimeModel starts it too
 *   const m = await loadRuntimeModel(bytes, { name: 'hello_world.tflite' });
 *   const [y] = m.run([new Float32Array([1.5])]);
 *   m.dispose();
 *
 * Nothing here runs at import time: the ~9 MB wasm is read on the first call only. Everything LiteRT cannot do, and
 * every input that does not fit the model, becomes a RuntimeError; LiteRT failures that it only logs (an unresolved
 * custom op makes run() return garbage) are turned into exceptions too.
 */
import {
  arrayElementsPerValue, bytesToArray, elementTypeInfo, expectedArrayName, type RuntimeDType, type RuntimeTypedArray,
} from './element-types';
import { elementCount, readModel } from '../tflite/index';
import type { Model } from '../tflite/model';
import { dynamicOutputs, type DynamicOutput } from './dynamic-outputs';
import { RuntimeError } from './errors';
import { liteRtFailure } from './explain-failure';
import { liteRt, takeLogLines, type LiteRtInstance } from './litert-loader';
import type { WasmCompiledModel, WasmModel, WasmRankedTensorType, WasmTensorBuffer, WasmVector } from './litert-wasm';

export interface RuntimeTensorInfo {
  /** Signature name when the model has signatures, else the tensor name. */
  name: string;
  dtype: RuntimeDType;
  /** The shape run() takes or returns; dynamic dimensions are fixed at 1 (LiteRT.js cannot resize). */
  shape: number[];
  /** Present when some dimension is dynamic: the shape with -1 there. */
  shapeSignature?: number[];
  /** LiteRT's ElementType id. */
  elementType: number;
}

export interface RuntimeModel {
  /** In the order run() takes them (signature order). */
  readonly inputs: readonly RuntimeTensorInfo[];
  /** In the order run() returns them (signature order). */
  readonly outputs: readonly RuntimeTensorInfo[];
  readonly signatureKey: string;
  /** One typed array per input, each with exactly the input's element count and array type (see RuntimeTensorInfo). */
  run(inputs: readonly RuntimeTypedArray[]): RuntimeTypedArray[];
  /**
   * run(), handing each output to `visit` (in run()'s order) as a view of the runtime's memory, valid only during
   * that call: no copy of every output (calibration reads each activation once). Copy what you keep.
   */
  runVisiting(inputs: readonly RuntimeTypedArray[], visit: (output: number, values: RuntimeTypedArray) => void): void;
  /** Frees the wasm memory of this model. Further run() calls throw. */
  dispose(): void;
}

export interface LoadOptions {
  /** Names the model in error messages, e.g. the file name. */
  name?: string;
  numThreads?: number;
  /**
   * The model `bytes` hold, when the caller has it decoded: the check before loading reads it instead of parsing the
   * bytes again. 'checked': these bytes were already loaded in this process (a worker given a model the caller
   * loaded), so the check passed there.
   */
  model?: Model | 'checked';
}

/** Starts the runtime if needed. Idempotent; later calls return at once. */
export async function initRuntime(): Promise<void> {
  await liteRt();
}

/** How the runtime was started, for diagnostics (undefined before the first start). */
export async function runtimeInfo(): Promise<{ wasmDirectory: string; startMs: number }> {
  const inst = await liteRt();
  return { wasmDirectory: inst.dir, startMs: inst.startMs };
}

function vectorToArray<T>(v: WasmVector<T>): T[] {
  try {
    const out: T[] = [];
    for (let i = 0; i < v.size(); i++) out.push(v.get(i));
    return out;
  } finally {
    v.delete();
  }
}

function tensorInfo(name: string, type: WasmRankedTensorType): RuntimeTensorInfo {
  try {
    const elementType = type.elementType().value;
    const layout = type.layout();
    let dims: number[];
    try {
      dims = vectorToArray(layout.dimensions());
    } finally {
      layout.delete();
    }
    const info: RuntimeTensorInfo = { name, dtype: elementTypeInfo(elementType).dtype, shape: dims.map((d) => (d < 0 ? 1 : d)), elementType };
    if (dims.some((d) => d < 0)) info.shapeSignature = dims;
    return info;
  } finally {
    type.delete();
  }
}

/** A wasm trap (emscripten abort, out-of-bounds access): `WebAssembly.RuntimeError`, which our lib typings lack. */
const WasmTrap = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly.RuntimeError;
const isWasmTrap = (e: unknown): boolean => e instanceof WasmTrap;

/** Serializes loads: LiteRT's log is process-wide, so two interleaved loads would mix their error lines. */
let loadQueue: Promise<unknown> = Promise.resolve();

export function loadRuntimeModel(bytes: Uint8Array, opts: LoadOptions = {}): Promise<RuntimeModel> {
  const result = loadQueue.then(() => load(bytes, opts));
  loadQueue = result.catch(() => undefined);
  return result;
}

async function load(bytes: Uint8Array, opts: LoadOptions): Promise<RuntimeModel> {
  const what = opts.name ?? 'the model';
  if (bytes.byteLength < 8) throw new RuntimeError('load-failed', `${what} is too small (${bytes.byteLength} bytes) to be a .tflite model.`);
  if (opts.model !== 'checked') refuseDynamicOutputs(bytes, what, opts.model);
  const inst = await liteRt();
  const { wasm } = inst;
  const exitCode = process.exitCode;
  const numThreads = opts.numThreads ?? 1;
  takeLogLines();
  // LiteRT keeps pointing into this copy of the file: freed in dispose().
  const ptr = wasm._malloc(bytes.byteLength);
  if (!ptr) throw new RuntimeError('load-failed', `${what}: the runtime could not allocate ${bytes.byteLength} bytes.`);
  wasm.HEAPU8.set(bytes, ptr);
  let model: WasmModel | undefined;
  let compiled: WasmCompiledModel | undefined;
  try {
    model = wasm.loadModel(inst.env, ptr, bytes.byteLength);
    let lines = takeLogLines();
    if (lines.some((l) => l.startsWith('ERROR'))) throw liteRtFailure('load', what, lines);
    compiled = await wasm.compileModel(inst.env, model, { accelerator: 'wasm', cpuOptions: { numThreads } });
    lines = takeLogLines();
    if (lines.some((l) => l.startsWith('ERROR'))) throw liteRtFailure('load', what, lines);
    if (model.getNumSignatures() < 1) throw new RuntimeError('load-failed', `${what} has no subgraph LiteRT can run.`);
    const sig = model.getSignature(0);
    let signatureKey: string, inputNames: string[], outputNames: string[];
    try {
      signatureKey = sig.key();
      inputNames = vectorToArray(sig.inputNames());
      outputNames = vectorToArray(sig.outputNames());
    } finally {
      sig.delete();
    }
    const inputs = inputNames.map((n, i) => tensorInfo(n, model!.getInputTensorType(0, i)));
    const outputs = outputNames.map((n, i) => tensorInfo(n, model!.getOutputTensorType(0, i)));
    return new LiteRtRuntimeModel(inst, what, ptr, model, compiled, signatureKey, inputs, outputs);
  } catch (e) {
    process.exitCode = exitCode;
    const lines = takeLogLines();
    // A trap (an out-of-bounds access, not only an abort) leaves the instance's memory unusable: freeing into it
    // traps again, in place of this error. The next use starts a new instance.
    if (isWasmTrap(e)) inst.alive = false;
    if (inst.alive) {
      try {
        compiled?.delete();
        model?.delete();
        wasm._free(ptr);
      } catch (freeing) {
        if (!isWasmTrap(freeing)) throw freeing;
        // A compile that wrote past its buffers without trapping then: the error it gave stays the one said.
        inst.alive = false;
        throw new RuntimeError('runtime-crashed', `The TFLite runtime crashed while loading ${what} (its memory was overwritten); it restarts on next use. `
          + `${e instanceof Error ? e.message : String(e)}`, lines);
      }
    }
    if (e instanceof RuntimeError) throw e;
    if (isWasmTrap(e) || !inst.alive) {
      throw new RuntimeError('runtime-crashed', `The TFLite runtime crashed while loading ${what}; it restarts on next use. ${String(e)}`, lines);
    }
    throw liteRtFailure('load', what, lines, e instanceof Error ? e.message : String(e));
  }
}

/**
 * LiteRT.js returns uninitialized memory for outputs whose shape is computed while running: refuse such models before
 * loading. A file our reader cannot parse is left to LiteRT, which reports its own error.
 */
function refuseDynamicOutputs(bytes: Uint8Array, what: string, decoded?: Model): void {
  let model: Model;
  try {
    model = decoded ?? readModel(bytes);
  } catch {
    return;
  }
  const subgraph = model.signatureDefs[0]?.subgraphIndex ?? 0;
  const found = dynamicOutputs(model, subgraph);
  if (found.length === 0) return;
  const tensors = model.subgraphs[subgraph]!.tensors;
  const describe = (d: DynamicOutput): string => {
    const from = d.shapeInputs.length
      ? `its shape comes from the non-constant input ${d.shapeInputs.map((t) => `tensor ${t} "${tensors[t]?.name ?? ''}"`).join(', ')}`
      : 'its size depends on the data';
    return `output tensor ${d.tensor} "${tensors[d.tensor]?.name ?? ''}" of ${d.operatorName} (operator ${d.operator}): ${from}`;
  };
  throw new RuntimeError(
    'dynamic-shape',
    `${what} cannot be run by the TFLite runtime (LiteRT): ${found.map(describe).join('; ')}. LiteRT.js returns garbage ` +
      'for outputs whose shape is only known while running. Make those inputs constants (convert with fixed shapes).',
  );
}

const isOutputReallocationFailure = (line: string): boolean => /Failed to set custom allocation for output tensor/.test(line);

class LiteRtRuntimeModel implements RuntimeModel {
  private disposed = false;

  constructor(
    private readonly inst: LiteRtInstance,
    private readonly what: string,
    private readonly modelPtr: number,
    private readonly model: WasmModel,
    private readonly compiled: WasmCompiledModel,
    readonly signatureKey: string,
    readonly inputs: readonly RuntimeTensorInfo[],
    readonly outputs: readonly RuntimeTensorInfo[],
  ) {}

  private checkInputs(data: readonly RuntimeTypedArray[]): void {
    if (data.length !== this.inputs.length) {
      const names = this.inputs.map((t) => t.name).join(', ');
      throw new RuntimeError('invalid-input', `${this.what} takes ${this.inputs.length} input(s) (${names}), got ${data.length}.`);
    }
    this.inputs.forEach((info, i) => {
      const arr = data[i]!;
      const spec = `input ${i} "${info.name}" of ${this.what} (${info.dtype}, shape [${info.shape.join(', ')}])`;
      const arrayName = expectedArrayName(info.elementType);
      if (!arrayName) throw new RuntimeError('invalid-input', `${spec}: tensors of type ${info.dtype} cannot be fed from JavaScript.`);
      const Ctor = elementTypeInfo(info.elementType).array!;
      if (!(arr instanceof Ctor)) {
        throw new RuntimeError('invalid-input', `${spec} needs a ${arrayName}, got a ${arr?.constructor?.name ?? typeof arr}.`);
      }
      const count = elementCount(info.shape);
      const expected = info.dtype === 'int4' ? Math.ceil(count / 2) : count * arrayElementsPerValue(info.elementType);
      if (arr.length !== expected) {
        const dynamic = info.shapeSignature
          ? ` Its shape is [${info.shapeSignature.join(', ')}]: dynamic dimensions are fixed at 1 here, since the runtime cannot resize inputs.`
          : '';
        throw new RuntimeError('invalid-input', `${spec} needs ${expected} elements, got ${arr.length}.${dynamic}`);
      }
    });
  }

  private makeBuffer(info: RuntimeTensorInfo, data: RuntimeTypedArray): WasmTensorBuffer {
    const { wasm, env } = this.inst;
    const dims = new wasm.VectorInt32();
    for (const d of info.shape) dims.push_back(d);
    const layout = wasm.LiteRtLayout.create(dims);
    dims.delete();
    const type = wasm.LiteRtRankedTensorType.create({ value: info.elementType }, layout);
    layout.delete();
    let buffer: WasmTensorBuffer;
    try {
      const bytes = type.bytes();
      if (bytes !== data.byteLength) {
        throw new RuntimeError('invalid-input', `input "${info.name}" of ${this.what} needs ${bytes} bytes, got ${data.byteLength}.`);
      }
      buffer = wasm.LiteRtTensorBuffer.createManaged(env, wasm.LiteRtTensorBufferType.HOST_MEMORY, type, bytes);
    } finally {
      type.delete();
    }
    const p = buffer.lock(wasm.LiteRtTensorBufferLockMode.WRITE);
    wasm.HEAPU8.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), p);
    buffer.unlock();
    return buffer;
  }

  /** A copy of an output buffer's values (they outlive the next run). */
  private readBuffer(buffer: WasmTensorBuffer): RuntimeTypedArray {
    let copy: RuntimeTypedArray | undefined;
    this.viewBuffer(buffer, (values) => { copy = values.slice(); });
    return copy!;
  }

  /** A view of an output buffer's values while it is locked (a copy if the memory is not aligned for the type). */
  private viewBuffer(buffer: WasmTensorBuffer, use: (values: RuntimeTypedArray) => void): void {
    const { wasm } = this.inst;
    const type = buffer.tensorType();
    const elementType = type.elementType().value;
    type.delete();
    const p = buffer.lock(wasm.LiteRtTensorBufferLockMode.READ);
    try {
      const Ctor = elementTypeInfo(elementType).array ?? Uint8Array;
      const size = buffer.packedSize();
      use(p % Ctor.BYTES_PER_ELEMENT === 0
        ? new Ctor(wasm.HEAPU8.buffer as ArrayBuffer, p, Math.floor(size / Ctor.BYTES_PER_ELEMENT))
        : bytesToArray(wasm.HEAPU8.subarray(p, p + size), elementType));
    } finally {
      buffer.unlock();
    }
  }

  run(data: readonly RuntimeTypedArray[]): RuntimeTypedArray[] {
    return this.invoke(data, (outputs) => outputs.map((b) => this.readBuffer(b)));
  }

  runVisiting(data: readonly RuntimeTypedArray[], visit: (output: number, values: RuntimeTypedArray) => void): void {
    // The visitor's own errors pass through as they are, not as runtime failures.
    let failure: { error: unknown } | undefined;
    this.invoke(data, (outputs) => {
      for (let i = 0; i < outputs.length && !failure; i++) {
        this.viewBuffer(outputs[i]!, (v) => {
          try {
            visit(i, v);
          } catch (error) {
            failure = { error };
          }
        });
      }
    });
    if (failure) throw failure.error;
  }

  /** Runs the model and hands the output buffers to `read` before they are freed. */
  private invoke<T>(data: readonly RuntimeTypedArray[], read: (outputs: WasmTensorBuffer[]) => T): T {
    if (this.disposed) throw new RuntimeError('model-disposed', `${this.what} was disposed; load it again to run it.`);
    if (!this.inst.alive) {
      throw new RuntimeError('model-disposed', `The TFLite runtime restarted after a crash; load ${this.what} again to run it.`);
    }
    this.checkInputs(data);
    const exitCode = process.exitCode;
    const buffers: WasmTensorBuffer[] = [];
    let outputs: WasmTensorBuffer[] = [];
    takeLogLines();
    try {
      this.inputs.forEach((info, i) => buffers.push(this.makeBuffer(info, data[i]!)));
      outputs = this.compiled.run(0, buffers);
      const lines = takeLogLines();
      if (lines.some(isOutputReallocationFailure)) {
        // A dynamic output that the structural check did not foresee: this run and the one before are garbage.
        throw new RuntimeError(
          'dynamic-shape',
          `${this.what}: an output's shape is computed while running, and LiteRT.js cannot return such outputs ` +
            '(its values were garbage). Give the model fixed shapes (constant shape inputs) to run it here.',
          lines,
        );
      }
      if (lines.some((l) => l.startsWith('ERROR'))) throw liteRtFailure('run', this.what, lines);
      return read(outputs);
    } catch (e) {
      process.exitCode = exitCode;
      const lines = takeLogLines();
      if (isWasmTrap(e)) this.inst.alive = false; // as in load: its memory is not to be touched again
      if (e instanceof RuntimeError) throw e;
      if (isWasmTrap(e) || !this.inst.alive) {
        throw new RuntimeError('runtime-crashed', `The TFLite runtime crashed while running ${this.what}; it restarts on next use. ${String(e)}`, lines);
      }
      throw liteRtFailure('run', this.what, lines, e instanceof Error ? e.message : String(e));
    } finally {
      if (this.inst.alive) {
        for (const b of outputs) b.delete();
        for (const b of buffers) b.delete();
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.inst.alive) return; // its memory went with the crashed instance
    try {
      this.compiled.delete();
      this.model.delete();
      this.inst.wasm._free(this.modelPtr);
    } catch (e) {
      if (!isWasmTrap(e)) throw e;
      // A run wrote past its buffers without trapping then (a damaged model): what it returned is not to be trusted.
      this.inst.alive = false;
      throw new RuntimeError('runtime-crashed', `The TFLite runtime crashed after running ${this.what} (its memory was overwritten); it restarts on next use. ${String(e)}`);
    }
  }
}
