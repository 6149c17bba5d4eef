/** Running .tflite models on the real TFLite runtime (LiteRT.js, wasm), and reading intermediate tensors. */
export { initRuntime, loadRuntimeModel, runtimeInfo, type LoadOptions, type RuntimeModel, type RuntimeTensorInfo } from './litert';
export { RuntimeError, type RuntimeErrorKind } from './errors';
export type { RuntimeDType, RuntimeTypedArray } from './element-types';
export { withExtraOutputs, EXTRA_OUTPUT_PREFIX } from './extra-outputs';
export { inputTensorIndices, outputTensorIndices } from './io-tensors';
export { runWithIntermediates, type IntermediatesResult } from './intermediates';
export { setLiteRtDirectory, liteRtWasmModule, setLiteRtWasmModule, LITERT_GLUE_FILE, LITERT_WASM_FILE } from './litert-loader';
export { dynamicOutputs, type DynamicOutput } from './dynamic-outputs';
