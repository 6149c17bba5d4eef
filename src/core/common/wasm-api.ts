/**
 * The part of the WebAssembly JS API the core uses (the project's lib typings, ES2022 without DOM, have none):
 * the SIMD dot-product module of the TFLite Micro evaluator and LiteRT's compiled wasm, shared with worker threads.
 */

/** A compiled WebAssembly.Module: opaque here; a worker thread of the same process can be posted one. */
export type WasmModule = object & { readonly __wasmModule?: never };
export interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
export interface WasmInstance { readonly exports: Record<string, unknown> }

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => WasmInstance;
}

/** The engine's WebAssembly, or undefined where there is none. */
export const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
