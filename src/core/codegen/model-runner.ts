/**
 * Generates the TFLite Micro runner for a model: a C-callable header and a C++ source with the op resolver sized and
 * filled for exactly the model's operators, an aligned tensor arena, setup with the checks that catch the usual
 * mistakes (schema version, missing op, arena too small) and typed input/output helpers that quantize and
 * dequantize with the model's own parameters.
 */
import { recommendedArenaSize } from '../arena/figures';
import { TARGETS, type TargetName } from '../arena/target-layout';
import { DEFAULT_ARENA_MARGIN_PERCENT } from '../arena/types';
import { BuiltinOperator, TensorType, type Model, type Tensor } from '../tflite/model';
import { tensorTypeName } from '../tflite/names';
import { elementCount, integerRange, tensorByteSize } from '../tflite/tensor-types';
import { assertCIdentifier } from './c-identifier';
import { ExportOptionError } from './errors';
import { markerComment, type ArenaInfo, type ModelProvenance } from './marker';
import { planResolver, type ResolverPlan } from './resolver-plan';

export interface RunnerOptions {
  /** Model array symbol from the data header, e.g. `g_model`. */
  symbol: string;
  /** Prefix of the generated functions and macros, e.g. `model` -> `model_setup()`, `MODEL_TENSOR_ARENA_SIZE`. */
  prefix: string;
  /** Header that declares the model array. */
  dataHeader: string;
  /** Name of the runner header, included by the source. */
  runnerHeader: string;
  /** Arduino library header included before TFLite Micro headers (`TensorFlowLite.h`). */
  arduinoLibraryHeader?: string;
  /** Estimated arena for the target; without it the arena is an upper bound with no memory reuse. */
  arena?: ArenaInfo;
  /** Extra arena on top of the estimate, in percent. Default DEFAULT_ARENA_MARGIN_PERCENT. */
  arenaMarginPercent?: number;
  /** The user's code passes its own arena to `<prefix>_setup_with_arena()`: the runner declares none by default. */
  externalArena?: boolean;
}

/** How a tensor element type appears in C and in TfLiteTensor's data union. */
interface CType {
  c: string;
  member: string;
  tfliteType: string;
  /** Range of a quantized integer type. */
  range?: readonly [number, number];
}

const C_TYPES: Partial<Record<TensorType, CType>> = {
  [TensorType.FLOAT32]: { c: 'float', member: 'f', tfliteType: 'kTfLiteFloat32' },
  [TensorType.INT8]: { c: 'int8_t', member: 'int8', tfliteType: 'kTfLiteInt8', range: integerRange(TensorType.INT8) },
  [TensorType.UINT8]: { c: 'uint8_t', member: 'uint8', tfliteType: 'kTfLiteUInt8', range: integerRange(TensorType.UINT8) },
  [TensorType.INT16]: { c: 'int16_t', member: 'i16', tfliteType: 'kTfLiteInt16', range: integerRange(TensorType.INT16) },
  [TensorType.INT32]: { c: 'int32_t', member: 'i32', tfliteType: 'kTfLiteInt32' },
  [TensorType.INT64]: { c: 'int64_t', member: 'i64', tfliteType: 'kTfLiteInt64' },
  [TensorType.BOOL]: { c: 'bool', member: 'b', tfliteType: 'kTfLiteBool' },
};

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** Dynamic dimensions (-1) count as 1: the runner is for the static shape. */
function staticShape(t: Tensor): number[] {
  return t.shape.map((d) => Math.max(d, 1));
}

function bytesOf(t: Tensor): number {
  // Variable-size types (strings, resources) get a pointer-sized placeholder.
  return tensorByteSize(t.type, staticShape(t)) ?? 8;
}

/**
 * Arena when no estimate is available: every non-constant tensor of every subgraph side by side (no memory reuse)
 * plus 4 KiB for TFLite Micro's own structures. Generous on purpose; the runner logs the real usage.
 */
export function arenaUpperBound(model: Model): number {
  let total = 4096;
  for (const sg of model.subgraphs) {
    for (const t of sg.tensors) {
      const constant = (model.buffers[t.buffer]?.data.length ?? 0) > 0;
      if (!constant) total += roundUp(bytesOf(t), 16);
    }
  }
  return total;
}

export interface ArenaSizing {
  /** Recommended arena for the target: the minimum plus the margin, rounded up to 16 (the default size). */
  bytes: number;
  /** The target's minimum arena (AllocateTensors() succeeds from this size on), when estimated. */
  minBytes?: number;
  /** Recommended arena for a 64-bit host build of the same runner (larger structs and pointers), when estimated. */
  hostBytes?: number;
  /** The 64-bit host's minimum arena, when estimated. */
  hostMinBytes?: number;
  /** Pointer width of the target: its figures apply where UINTPTR_MAX says so. */
  targetBits: 32 | 64;
  /** The estimate's target and host names (e.g. cortex-m, x86_64). */
  target?: string;
  hostTarget?: string;
  /** Whether the minimum is exact; otherwise a lower bound (a kernel's allocations are not modelled). */
  exact: boolean;
  /** One line for the header comment explaining where the number comes from. */
  explanation: string;
}

function pointerBits(target: string): 32 | 64 {
  const layout = (TARGETS as Readonly<Record<string, (typeof TARGETS)[TargetName] | undefined>>)[target];
  return layout?.abi.pointerBytes === 8 ? 64 : 32;
}

export function sizeArena(model: Model, arena: ArenaInfo | undefined, marginPercent = DEFAULT_ARENA_MARGIN_PERCENT): ArenaSizing {
  if (!Number.isFinite(marginPercent) || marginPercent < 0 || marginPercent > 1000) {
    throw new ExportOptionError(`invalid arena margin ${marginPercent}%: use 0 to 1000 (e.g. 20)`);
  }
  if (arena) {
    const minBytes = arena.minArenaBytes ?? arena.recommendedArenaBytes;
    const bytes = recommendedArenaSize(minBytes, marginPercent);
    const targetBits = pointerBits(arena.target);
    const host = arena.host && pointerBits(arena.host.target) !== targetBits ? arena.host : undefined;
    const hostMinBytes = host ? (host.minArenaBytes ?? host.recommendedArenaBytes) : undefined;
    const hostBytes = hostMinBytes !== undefined ? recommendedArenaSize(hostMinBytes, marginPercent) : undefined;
    const exact = arena.exact ?? true;
    return {
      bytes,
      minBytes,
      ...(hostBytes !== undefined && host ? { hostBytes, hostMinBytes, hostTarget: host.target } : {}),
      targetBits,
      target: arena.target,
      exact,
      explanation: `minimum ${exact ? '' : 'at least '}${minBytes} bytes for ${arena.target}${arena.kernels ? `, ${arena.kernels} kernels` : ''}` +
        `${host ? ` (${hostMinBytes} on a 64-bit ${host.target} host)` : ''}; recommended = minimum + ${marginPercent}% margin, rounded up to 16`,
    };
  }
  const bound = roundUp(arenaUpperBound(model), 16);
  return {
    bytes: bound,
    targetBits: 32,
    exact: false,
    explanation: 'no estimate available: all activation tensors without reuse + 4 KiB; shrink it to the size logged by setup',
  };
}

function describe(t: Tensor): string {
  const q = t.quantization;
  const quant =
    q && q.scale.length === 1 ? `, scale ${q.scale[0]}, zero point ${q.zeroPoint[0] ?? 0}` : q && q.scale.length > 1 ? ', per-channel quantized' : '';
  return `"${t.name}" ${tensorTypeName(t.type)} [${t.shape.join(', ')}]${quant}`;
}

function isQuantized(t: Tensor, ct: CType | undefined): boolean {
  const q = t.quantization;
  return !!ct?.range && !!q && q.scale.length === 1 && q.scale[0]! > 0;
}

interface Io {
  index: number;
  tensor: Tensor;
  ct?: CType;
  /** float helper: a copy for float tensors, (de)quantization for quantized ones. */
  floatHelper: boolean;
}

function ioList(model: Model, which: 'inputs' | 'outputs'): Io[] {
  const sg = model.subgraphs[0];
  if (!sg) return [];
  return sg[which].map((ti, index) => {
    const tensor = sg.tensors[ti]!;
    const ct = C_TYPES[tensor.type];
    return { index, tensor, ct, floatHelper: tensor.type === TensorType.FLOAT32 || isQuantized(tensor, ct) };
  });
}

function resolverLines(plan: ResolverPlan): string[] {
  const lines: string[] = [];
  for (const e of plan.entries) {
    if (e.kind === 'method') {
      lines.push(`  TF_LITE_ENSURE_STATUS(resolver.${e.method}());`);
    } else if (e.kind === 'custom') {
      lines.push(
        `  // TODO: "${e.customCode}" is a custom operator that TFLite Micro does not provide. Register your kernel:`,
        `  //   TF_LITE_ENSURE_STATUS(resolver.AddCustom("${e.customCode}", Register_YOUR_KERNEL()));`,
      );
    } else {
      lines.push(
        `  // TODO: ${e.op} has no TFLite Micro kernel: replace it in the model (or write a kernel and register it`,
        '  //   with AddBuiltin). AllocateTensors() fails until then.',
      );
    }
  }
  return lines;
}

/** `#define`s of one pointer width's figures. */
function widthDefines(M: string, minBytes: number | undefined, bytes: number, label: string): string[] {
  const lines = [`// ${label}`];
  if (minBytes !== undefined) lines.push(`#define ${M}_TENSOR_ARENA_MIN_SIZE ${minBytes}`);
  lines.push(`#define ${M}_TENSOR_ARENA_RECOMMENDED_SIZE ${bytes}`);
  if (minBytes !== undefined) lines.push(`#define ${M}_TENSOR_ARENA_MIN_TEXT "${minBytes} bytes (${label})"`);
  return lines;
}

/**
 * The arena figures of the header: the exact minimum and the recommended size for the target's pointer width and,
 * when estimated, for a 64-bit host, picked by UINTPTR_MAX (the target's first, so that a reader evaluating the
 * first definition, like the arena hover, gets the target's); the size, overridable; and a too-small size as a
 * compile-time error that names the minimum.
 */
function arenaHeaderLines(M: string, P: string, arena: ArenaSizing, externalArena: boolean): string[] {
  const target = `${arena.targetBits}-bit target${arena.target ? `, ${arena.target}` : ''}`;
  const lines = [
    `// Tensor arena (${arena.explanation}):`,
    `//   ${M}_TENSOR_ARENA_MIN_SIZE          minimum: the smallest arena for which AllocateTensors() succeeds${arena.exact ? '' : ' (a lower bound: some kernel allocations are not modelled)'}`,
    `//   ${M}_TENSOR_ARENA_RECOMMENDED_SIZE  recommended: the minimum plus the margin; the default of ${M}_TENSOR_ARENA_SIZE`,
    '// After setup, the arena in use (model_arena_used_bytes()) is smaller than the minimum: TFLite Micro needs',
    '// temporary memory while it plans the tensors and gives it back afterwards.',
  ];
  if (arena.minBytes === undefined) {
    lines.push(`#define ${M}_TENSOR_ARENA_RECOMMENDED_SIZE ${arena.bytes}`);
  } else if (arena.hostBytes !== undefined) {
    lines.push(
      '// A 64-bit computer needs more than a 32-bit microcontroller (larger pointers and structs): the figures are',
      '// picked by pointer width, so the same files build unchanged for both.',
      arena.targetBits === 32 ? '#if UINTPTR_MAX <= 0xFFFFFFFFu' : '#if UINTPTR_MAX > 0xFFFFFFFFu',
      ...widthDefines(M, arena.minBytes, arena.bytes, target),
      '#else',
      ...widthDefines(M, arena.hostMinBytes, arena.hostBytes, `64-bit host${arena.hostTarget ? `, ${arena.hostTarget}` : ''}`),
      '#endif',
    );
  } else {
    lines.push(...widthDefines(M, arena.minBytes, arena.bytes, target));
  }
  lines.push(
    `// Override on the compiler command line (-D${M}_TENSOR_ARENA_SIZE=...); a size below the minimum does not compile.`,
    `#ifndef ${M}_TENSOR_ARENA_SIZE`,
    `#define ${M}_TENSOR_ARENA_SIZE ${M}_TENSOR_ARENA_RECOMMENDED_SIZE`,
    '#endif',
  );
  if (arena.minBytes !== undefined) {
    const cond = `${M}_TENSOR_ARENA_SIZE >= ${M}_TENSOR_ARENA_MIN_SIZE`;
    const msg = `"${M}_TENSOR_ARENA_SIZE is below the minimum arena of this model, " ${M}_TENSOR_ARENA_MIN_TEXT ": AllocateTensors() would fail"`;
    lines.push(
      '#if defined(__cplusplus)',
      `static_assert(${cond}, ${msg});`,
      '#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L',
      `_Static_assert(${cond}, ${msg});`,
      '#else',
      `typedef char ${P}_tensor_arena_size_is_below_the_minimum[(${cond}) ? 1 : -1];`,
      '#endif',
    );
  }
  lines.push(
    '',
    `// 1: your code passes its own arena to ${P}_setup_with_arena() and the runner declares none; 0: ${P}_setup() uses`,
    `// the runner's own arena of ${M}_TENSOR_ARENA_SIZE bytes.`,
    `#ifndef ${M}_EXTERNAL_ARENA`,
    `#define ${M}_EXTERNAL_ARENA ${externalArena ? 1 : 0}`,
    '#endif',
    '',
  );
  return lines;
}

/**
 * TF_LITE_STATIC_MEMORY changes TfLiteTensor: code built without it while the library has it sees other fields. The
 * TFLite Micro builds define it (its Makefile, the ESP-IDF, Zephyr and PlatformIO packages); an Arduino library
 * compiles its own sources with its own flags, so there the runtime check in setup is what catches a mismatch.
 */
function staticMemoryCheckLines(M: string): string[] {
  return [
    '// Build with the same TF_LITE_STATIC_MEMORY setting as the TFLite Micro library (its builds define it): the tensor',
    '// structs differ without it. Setup also checks the tensors it sees and fails with the build-flags error.',
    `#if !defined(TF_LITE_STATIC_MEMORY) && !defined(ARDUINO) && !defined(${M}_LIBRARY_WITHOUT_STATIC_MEMORY)`,
    `#error "Define TF_LITE_STATIC_MEMORY (-DTF_LITE_STATIC_MEMORY) like the TFLite Micro library; if your library is built without it, define ${M}_LIBRARY_WITHOUT_STATIC_MEMORY"`,
    '#endif',
    '',
  ];
}

export interface RunnerFiles {
  header: string;
  source: string;
  resolver: ResolverPlan;
  arena: ArenaSizing;
}

export function generateModelRunner(model: Model, provenance: ModelProvenance, opts: RunnerOptions): RunnerFiles {
  assertCIdentifier(opts.symbol);
  assertCIdentifier(`${opts.prefix}_setup`, 'function prefix');
  const P = opts.prefix;
  const M = P.toUpperCase();
  const resolver = planResolver(model);
  const arena = sizeArena(model, opts.arena, opts.arenaMarginPercent);
  const inputs = ioList(model, 'inputs');
  const outputs = ioList(model, 'outputs');
  const status = `${P}_status`;
  const varHandles = model.subgraphs.reduce(
    (n, sg) => n + sg.operators.filter((op) => model.operatorCodes[op.opcodeIndex]?.builtinCode === BuiltinOperator.VAR_HANDLE).length,
    0,
  );

  // ---- header ----
  const guard = `TINYML_${M}_RUNNER_H_`;
  const h: string[] = [
    markerComment(provenance, 'TensorFlow Lite Micro runner declarations').trimEnd(),
    `#ifndef ${guard}`,
    `#define ${guard}`,
    '',
    '#include <stdbool.h>',
    '#include <stddef.h>',
    '#include <stdint.h>',
    '',
    '#ifdef __cplusplus',
    'extern "C" {',
    '#endif',
    '',
    ...arenaHeaderLines(M, P, arena, !!opts.externalArena),
    `#define ${M}_INPUT_COUNT ${inputs.length}`,
    `#define ${M}_OUTPUT_COUNT ${outputs.length}`,
  ];
  for (const io of inputs) h.push(`#define ${M}_INPUT${io.index}_ELEMENTS ${elementCount(staticShape(io.tensor))}`);
  for (const io of outputs) h.push(`#define ${M}_OUTPUT${io.index}_ELEMENTS ${elementCount(staticShape(io.tensor))}`);
  h.push(
    '',
    'typedef enum {',
    `  ${M}_OK = 0,`,
    `  ${M}_ERROR_SCHEMA_VERSION,  // the model was converted for another TFLite schema`,
    `  ${M}_ERROR_OP_REGISTRATION, // the op resolver could not register an operator`,
    `  ${M}_ERROR_ALLOCATION,      // AllocateTensors() failed: arena too small or an op missing`,
    `  ${M}_ERROR_MODEL_MISMATCH,  // the model's inputs/outputs differ from this runner: re-export`,
    `  ${M}_ERROR_NOT_READY,       // call ${P}_setup() first`,
    `  ${M}_ERROR_SIZE,            // element count does not match the tensor`,
    `  ${M}_ERROR_INVOKE,          // Invoke() failed`,
    `  ${M}_ERROR_BUILD_FLAGS,     // the tensors look wrong here: build with the library's TF_LITE_STATIC_MEMORY setting`,
    `  ${M}_ERROR_ARENA_TOO_SMALL, // the arena given to ${P}_setup_with_arena() is below ${M}_TENSOR_ARENA_MIN_SIZE`,
    `  ${M}_ERROR_NO_ARENA,        // ${M}_EXTERNAL_ARENA is 1: call ${P}_setup_with_arena()`,
    `} ${status};`,
    '',
    `// Loads the model and allocates its tensors in the runner's own arena; logs the arena actually used. Safe to call`,
    '// again, also after a failure.',
    `${status} ${P}_setup(void);`,
    '',
    `// The same in your arena (e.g. the tensor_arena your code already has): at least ${M}_TENSOR_ARENA_MIN_SIZE bytes`,
    `// after 16-byte alignment. Set ${M}_EXTERNAL_ARENA to 1 so that the runner declares no arena of its own.`,
    `${status} ${P}_setup_with_arena(uint8_t* arena, size_t arena_bytes);`,
    '',
    '// Runs the model on the current input tensors.',
    `${status} ${P}_invoke(void);`,
    '',
    '// Bytes of the tensor arena in use after setup (0 before).',
    `size_t ${P}_arena_used_bytes(void);`,
  );
  for (const io of inputs) {
    h.push('', `// Input ${io.index}: ${describe(io.tensor)}`);
    if (io.floatHelper) {
      h.push(
        io.tensor.type === TensorType.FLOAT32
          ? `// Copies count floats into the input tensor.`
          : `// Quantizes count floats into the input tensor with its scale and zero point.`,
        `${status} ${P}_set_input${io.index}(const float* values, size_t count);`,
      );
    }
    h.push(`${io.ct ? io.ct.c : 'void'}* ${P}_input${io.index}_data(void);`);
  }
  for (const io of outputs) {
    h.push('', `// Output ${io.index}: ${describe(io.tensor)}`);
    if (io.floatHelper) {
      h.push(
        io.tensor.type === TensorType.FLOAT32
          ? `// Copies the output tensor into count floats.`
          : `// Dequantizes the output tensor into count floats with its scale and zero point.`,
        `${status} ${P}_get_output${io.index}(float* values, size_t count);`,
      );
    }
    h.push(`const ${io.ct ? io.ct.c : 'void'}* ${P}_output${io.index}_data(void);`);
  }
  h.push('', '#ifdef __cplusplus', '}  // extern "C"', '#endif', '', `#endif  // ${guard}`, '');

  // ---- source ----
  const s: string[] = [markerComment(provenance, 'TensorFlow Lite Micro runner').trimEnd()];
  s.push(`#include "${opts.runnerHeader}"`, '');
  if (opts.arduinoLibraryHeader) {
    // Only in an Arduino build: the same file also builds for the computer (the host test, PlatformIO's native).
    s.push('// The Arduino library that provides TensorFlow Lite Micro.', '#ifdef ARDUINO', `#include <${opts.arduinoLibraryHeader}>`, '#endif', '');
  }
  s.push('#include <math.h>', '#include <string.h>', '', '#include <new>', '');
  s.push(`#include "${opts.dataHeader}"`);
  if (varHandles > 0) s.push('#include "tensorflow/lite/micro/micro_allocator.h"');
  s.push(
    '#include "tensorflow/lite/micro/micro_interpreter.h"',
    '#include "tensorflow/lite/micro/micro_log.h"',
    '#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"',
  );
  if (varHandles > 0) s.push('#include "tensorflow/lite/micro/micro_resource_variable.h"');
  s.push('#include "tensorflow/lite/schema/schema_generated.h"', '', ...staticMemoryCheckLines(M), 'namespace {', '');
  s.push(
    `// One slot per distinct operator in the model (${resolver.size}).`,
    `using OpResolver = tflite::MicroMutableOpResolver<${resolver.size}>;`,
    '',
    `#if !${M}_EXTERNAL_ARENA`,
    `constexpr size_t kTensorArenaSize = ${M}_TENSOR_ARENA_SIZE;`,
    '// TFLite Micro requires a 16-byte aligned arena.',
    'alignas(16) uint8_t tensor_arena[kTensorArenaSize];',
    '#endif',
    '',
    'OpResolver op_resolver;',
    '// The resolver keeps what it registered: registering again would fail, so a second setup after a failure skips it.',
    'bool ops_registered = false;',
    '// Built by placement new in setup: a function-local static would need thread-safe static initialization, which',
    '// Zephyr and many bare-metal toolchains do not provide.',
    'alignas(tflite::MicroInterpreter) uint8_t interpreter_storage[sizeof(tflite::MicroInterpreter)];',
    'tflite::MicroInterpreter* interpreter = nullptr;',
  );
  if (varHandles > 0) s.push(`constexpr int kResourceVariables = ${varHandles};  // VAR_HANDLE operators in the model`);
  s.push('', 'TfLiteStatus RegisterOps(OpResolver& resolver) {', ...resolverLines(resolver), '  return kTfLiteOk;', '}');

  const anyQuantIn = inputs.some((io) => io.floatHelper && io.tensor.type !== TensorType.FLOAT32);
  const anyQuantOut = outputs.some((io) => io.floatHelper && io.tensor.type !== TensorType.FLOAT32);
  if (anyQuantIn) {
    s.push(
      '',
      '// real = scale * (q - zero_point), so q = round(real / scale) + zero_point, clamped to the type.',
      'template <typename T>',
      `${status} Quantize(const TfLiteTensor* tensor, T* data, const float* values, size_t count, float lo, float hi) {`,
      `  if (count != tensor->bytes / sizeof(T)) return ${M}_ERROR_SIZE;`,
      '  const float scale = tensor->params.scale;',
      '  const float zero_point = static_cast<float>(tensor->params.zero_point);',
      '  for (size_t i = 0; i < count; ++i) {',
      '    float q = roundf(values[i] / scale) + zero_point;',
      '    if (!(q >= lo)) q = lo;  // also maps NaN to lo',
      '    if (q > hi) q = hi;',
      '    data[i] = static_cast<T>(q);',
      '  }',
      `  return ${M}_OK;`,
      '}',
    );
  }
  if (anyQuantOut) {
    s.push(
      '',
      'template <typename T>',
      `${status} Dequantize(const TfLiteTensor* tensor, const T* data, float* values, size_t count) {`,
      `  if (count != tensor->bytes / sizeof(T)) return ${M}_ERROR_SIZE;`,
      '  const float scale = tensor->params.scale;',
      '  const int32_t zero_point = tensor->params.zero_point;',
      '  for (size_t i = 0; i < count; ++i) {',
      '    values[i] = scale * static_cast<float>(static_cast<int32_t>(data[i]) - zero_point);',
      '  }',
      `  return ${M}_OK;`,
      '}',
    );
  }
  s.push('', '}  // namespace', '');

  // setup
  // Each input and output as this file sees it: another type or size means other tensor structs than the library's.
  const tensorChecks: string[] = [];
  for (const [list, fn] of [[inputs, 'input'], [outputs, 'output']] as const) {
    for (const io of list) {
      if (!io.ct) continue;
      tensorChecks.push(`  if (!TensorIs(interpreter->${fn}(${io.index}), ${io.ct.tfliteType}, ${bytesOf(io.tensor)})) return BuildFlagsMismatch();`);
    }
  }
  s.push(
    'namespace {',
    '',
    'bool TensorIs(const TfLiteTensor* tensor, TfLiteType type, size_t bytes) {',
    '  return tensor != nullptr && tensor->type == type && tensor->bytes == bytes;',
    '}',
    '',
    `${status} BuildFlagsMismatch() {`,
    '  MicroPrintf("The model\'s tensors look wrong from this file: build it with the same TF_LITE_STATIC_MEMORY setting "',
    '              "as the TFLite Micro library.");',
    '  interpreter->~MicroInterpreter();',
    '  interpreter = nullptr;',
    `  return ${M}_ERROR_BUILD_FLAGS;`,
    '}',
    '',
    `${status} Setup(uint8_t* arena, size_t arena_bytes) {`,
    `  if (interpreter != nullptr) return ${M}_OK;`,
    '',
    `  const tflite::Model* model = tflite::GetModel(${opts.symbol});`,
    '  if (model->version() != TFLITE_SCHEMA_VERSION) {',
    '    MicroPrintf("Model schema version %d is not supported by this TFLite Micro (expects %d): re-convert the model.",',
    '                static_cast<int>(model->version()), TFLITE_SCHEMA_VERSION);',
    `    return ${M}_ERROR_SCHEMA_VERSION;`,
    '  }',
    '',
    '  if (!ops_registered) {',
    '    if (RegisterOps(op_resolver) != kTfLiteOk) {',
    `      MicroPrintf("Registering the model's operators failed (resolver size ${resolver.size}).");`,
    `      return ${M}_ERROR_OP_REGISTRATION;`,
    '    }',
    '    ops_registered = true;',
    '  }',
    '',
  );
  if (varHandles > 0) {
    s.push(
      '  tflite::MicroAllocator* allocator = tflite::MicroAllocator::Create(arena, arena_bytes);',
      '  tflite::MicroResourceVariables* variables = tflite::MicroResourceVariables::Create(allocator, kResourceVariables);',
      '  interpreter = new (interpreter_storage) tflite::MicroInterpreter(model, op_resolver, allocator, variables);',
    );
  } else {
    s.push('  interpreter = new (interpreter_storage) tflite::MicroInterpreter(model, op_resolver, arena, arena_bytes);');
  }
  s.push(
    '  if (interpreter->AllocateTensors() != kTfLiteOk) {',
    '    MicroPrintf("AllocateTensors() failed: see the message above. If the arena is too small, raise "',
    `                "${M}_TENSOR_ARENA_SIZE (now %u bytes).", static_cast<unsigned>(arena_bytes));`,
    '    interpreter->~MicroInterpreter();',
    '    interpreter = nullptr;',
    `    return ${M}_ERROR_ALLOCATION;`,
    '  }',
    `  if (interpreter->inputs_size() != ${M}_INPUT_COUNT || interpreter->outputs_size() != ${M}_OUTPUT_COUNT) {`,
    '    MicroPrintf("The model has %u inputs and %u outputs, this runner was generated for %u and %u: re-export it.",',
    '                static_cast<unsigned>(interpreter->inputs_size()), static_cast<unsigned>(interpreter->outputs_size()),',
    `                static_cast<unsigned>(${M}_INPUT_COUNT), static_cast<unsigned>(${M}_OUTPUT_COUNT));`,
    '    interpreter->~MicroInterpreter();',
    '    interpreter = nullptr;',
    `    return ${M}_ERROR_MODEL_MISMATCH;`,
    '  }',
    ...tensorChecks,
    '  MicroPrintf("Model ready: tensor arena uses %u of %u bytes.", static_cast<unsigned>(interpreter->arena_used_bytes()),',
    '              static_cast<unsigned>(arena_bytes));',
    `  return ${M}_OK;`,
    '}',
    '',
    '}  // namespace',
    '',
    `${status} ${P}_setup(void) {`,
    `#if ${M}_EXTERNAL_ARENA`,
    `  MicroPrintf("${M}_EXTERNAL_ARENA is 1: call ${P}_setup_with_arena() with your arena.");`,
    `  return ${M}_ERROR_NO_ARENA;`,
    '#else',
    '  return Setup(tensor_arena, kTensorArenaSize);',
    '#endif',
    '}',
    '',
    `${status} ${P}_setup_with_arena(uint8_t* arena, size_t arena_bytes) {`,
    '  // TFLite Micro starts the arena at the next 16-byte boundary: what is left from there is what counts.',
    '  const size_t skipped = (16 - reinterpret_cast<uintptr_t>(arena) % 16) % 16;',
    `  const size_t usable = arena == nullptr || arena_bytes < skipped ? 0 : arena_bytes - skipped;`,
  );
  if (arena.minBytes !== undefined) {
    s.push(
      `  if (usable < ${M}_TENSOR_ARENA_MIN_SIZE) {`,
      `    MicroPrintf("The arena is %u bytes (%u usable after 16-byte alignment); this model needs at least %u ("`,
      `                "${M}_TENSOR_ARENA_MIN_SIZE).", static_cast<unsigned>(arena_bytes), static_cast<unsigned>(usable),`,
      `                static_cast<unsigned>(${M}_TENSOR_ARENA_MIN_SIZE));`,
      `    return ${M}_ERROR_ARENA_TOO_SMALL;`,
      '  }',
    );
  } else {
    s.push(`  if (usable == 0) return ${M}_ERROR_ARENA_TOO_SMALL;`);
  }
  s.push(
    '  return Setup(arena, arena_bytes);',
    '}',
    '',
    `${status} ${P}_invoke(void) {`,
    `  if (interpreter == nullptr) return ${M}_ERROR_NOT_READY;`,
    '  if (interpreter->Invoke() != kTfLiteOk) {',
    '    MicroPrintf("Invoke() failed.");',
    `    return ${M}_ERROR_INVOKE;`,
    '  }',
    `  return ${M}_OK;`,
    '}',
    '',
    `size_t ${P}_arena_used_bytes(void) {`,
    '  return interpreter == nullptr ? 0 : interpreter->arena_used_bytes();',
    '}',
  );

  for (const io of inputs) {
    const ct = io.ct;
    if (io.floatHelper && ct) {
      s.push('', `${status} ${P}_set_input${io.index}(const float* values, size_t count) {`);
      s.push(`  if (interpreter == nullptr) return ${M}_ERROR_NOT_READY;`);
      s.push(`  TfLiteTensor* tensor = interpreter->input(${io.index});`);
      s.push(`  if (tensor->type != ${ct.tfliteType}) return ${M}_ERROR_MODEL_MISMATCH;`);
      if (io.tensor.type === TensorType.FLOAT32) {
        s.push(`  if (count != tensor->bytes / sizeof(float)) return ${M}_ERROR_SIZE;`);
        s.push('  memcpy(tensor->data.f, values, count * sizeof(float));', `  return ${M}_OK;`);
      } else {
        s.push(`  return Quantize(tensor, tensor->data.${ct.member}, values, count, ${ct.range![0]}.0f, ${ct.range![1]}.0f);`);
      }
      s.push('}');
    }
    const type = ct ? ct.c : 'void';
    s.push('', `${type}* ${P}_input${io.index}_data(void) {`);
    s.push(`  return interpreter == nullptr ? nullptr : ${ct ? `interpreter->input(${io.index})->data.${ct.member}` : `interpreter->input(${io.index})->data.data`};`);
    s.push('}');
  }
  for (const io of outputs) {
    const ct = io.ct;
    if (io.floatHelper && ct) {
      s.push('', `${status} ${P}_get_output${io.index}(float* values, size_t count) {`);
      s.push(`  if (interpreter == nullptr) return ${M}_ERROR_NOT_READY;`);
      s.push(`  const TfLiteTensor* tensor = interpreter->output(${io.index});`);
      s.push(`  if (tensor->type != ${ct.tfliteType}) return ${M}_ERROR_MODEL_MISMATCH;`);
      if (io.tensor.type === TensorType.FLOAT32) {
        s.push(`  if (count != tensor->bytes / sizeof(float)) return ${M}_ERROR_SIZE;`);
        s.push('  memcpy(values, tensor->data.f, count * sizeof(float));', `  return ${M}_OK;`);
      } else {
        s.push(`  return Dequantize(tensor, tensor->data.${ct.member}, values, count);`);
      }
      s.push('}');
    }
    const type = ct ? ct.c : 'void';
    s.push('', `const ${type}* ${P}_output${io.index}_data(void) {`);
    s.push(`  return interpreter == nullptr ? nullptr : ${ct ? `interpreter->output(${io.index})->data.${ct.member}` : `interpreter->output(${io.index})->data.data`};`);
    s.push('}');
  }
  s.push('');
  return { header: h.join('\n'), source: s.join('\n'), resolver, arena };
}
