/** Code generation for firmware: the model as a C array and the TFLite Micro runner (the export plan is firmware/). */
export * from './errors';
export * from './marker';
export { isCIdentifier, assertCIdentifier, toIdentifierFragment } from './c-identifier';
export {
  generateCArraySource, generateCArrayHeader, formatByteLines, bytesPerLine, modelFileBase, DEFAULT_SYMBOL,
  DEFAULT_LINE_WIDTH, type CArrayOptions, type CLanguage,
} from './c-array';
export { parseCArray, parseCArrays, type ParsedCArray } from './c-array-parse';
export { sha256Hex } from './sha256';
export * from './resolver-plan';
export {
  generateModelRunner, sizeArena, arenaUpperBound, type RunnerOptions, type RunnerFiles,
  type ArenaSizing,
} from './model-runner';
export { estimateArenaForExport, DEFAULT_ARENA_TARGET, type ArenaForExport, type ExportKernels } from './arena-info';
export { generateHostTest, generateHostTestCmake, hostTestUnsupported, GOLDEN_TOLERANCE_LSB, GOLDEN_FLOAT_TOLERANCE, type GoldenData, type GoldenCase, type HostTestStyle } from './host-test';
// computeGolden (core/codegen/golden.ts) runs the model in LiteRT: imported from there, so that this index stays light.
