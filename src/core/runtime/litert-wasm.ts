/**
 * The subset of LiteRT.js's emscripten/embind module that the runtime uses. The package's high-level API
 * (`loadAndCompile`, `Tensor`) only knows float32/int32/uint8 tensors and assumes a browser, so we drive these
 * objects directly. Every embind object must be `delete()`d; the wrappers in this folder do it.
 */
import type { WasmInstance, WasmModule } from '../common/wasm-api';

export interface EmbindObject {
  delete(): void;
}

export interface WasmVector<T> extends EmbindObject {
  size(): number;
  get(i: number): T;
  push_back(v: T): void;
}

export interface WasmEnum {
  value: number;
}

export interface WasmLayout extends EmbindObject {
  dimensions(): WasmVector<number>;
}

export interface WasmRankedTensorType extends EmbindObject {
  elementType(): WasmEnum;
  layout(): WasmLayout;
  bytes(): number;
}

export interface WasmSignature extends EmbindObject {
  key(): string;
  inputNames(): WasmVector<string>;
  outputNames(): WasmVector<string>;
}

export interface WasmModel extends EmbindObject {
  getNumSignatures(): number;
  getSignature(i: number): WasmSignature;
  getInputTensorType(signature: number, i: number): WasmRankedTensorType;
  getOutputTensorType(signature: number, i: number): WasmRankedTensorType;
}

export interface WasmTensorBuffer extends EmbindObject {
  lock(mode: WasmEnum): number;
  unlock(): void;
  tensorType(): WasmRankedTensorType;
  packedSize(): number;
}

export interface WasmCompiledModel extends EmbindObject {
  /** Synchronous in the non-JSPI builds. Returns new output buffers, in signature output order. */
  run(signature: number, inputs: WasmTensorBuffer[]): WasmTensorBuffer[];
}

export type WasmEnvironment = EmbindObject;

export interface LiteRtWasmModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  setupLogging(): void;
  LiteRtEnvironment: { create(webGpuDevice: null): WasmEnvironment };
  VectorInt32: new () => WasmVector<number>;
  LiteRtLayout: { create(dims: WasmVector<number>): WasmLayout };
  LiteRtRankedTensorType: { create(elementType: WasmEnum, layout: WasmLayout): WasmRankedTensorType };
  LiteRtTensorBuffer: {
    createManaged(env: WasmEnvironment, type: WasmEnum, tensorType: WasmRankedTensorType, bytes: number): WasmTensorBuffer;
  };
  LiteRtTensorBufferType: { HOST_MEMORY: WasmEnum };
  LiteRtTensorBufferLockMode: { READ: WasmEnum; WRITE: WasmEnum };
  loadModel(env: WasmEnvironment, ptr: number, bytes: number): WasmModel;
  compileModel(
    env: WasmEnvironment, model: WasmModel,
    options: { accelerator: 'wasm'; cpuOptions: { numThreads: number } },
  ): WasmCompiledModel | Promise<WasmCompiledModel>;
}

/** Emscripten's module arguments we set. */
export interface ModuleArgs {
  print(line: string): void;
  printErr(line: string): void;
  locateFile(file: string): string;
  onAbort(what: unknown): void;
  /** Emscripten's hook to instantiate the wasm ourselves: returns {} and calls `done` once instantiated. */
  instantiateWasm?(imports: object, done: (instance: WasmInstance, module: WasmModule) => void): object;
}

export type ModuleFactory = (args: ModuleArgs) => Promise<LiteRtWasmModule>;
