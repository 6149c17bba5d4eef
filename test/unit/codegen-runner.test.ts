import assert from 'node:assert/strict';
import fs from 'node:fs';
import test from 'node:test';
import { estimateArenaForExport, generateModelRunner, sha256Hex, sizeArena, type ArenaInfo, type ModelProvenance } from '../../src/core/codegen';
import {
  BuiltinOperator, loadModel, ModelBuilder, opcodeName, TensorType, TFLM_BUILTIN_METHODS, TFLM_CUSTOM_OPERATORS, type Model,
} from '../../src/core/tflite';
import { recommendedArenaSize } from '../../src/core/arena/figures';
import { compilePatterns, DEFAULT_ARENA_CONSTANT_PATTERNS, findArenaConstants } from '../../src/core/firmware/arena-constants';
import { PROJECT_ROOT, sharedModel, SKIP_WITHOUT_SHARED } from '../helpers/paths';

const DATE = new Date('2026-01-02T00:00:00Z');

function provenance(bytes: Uint8Array): ModelProvenance {
  return { modelPath: 'm.tflite', sha256: sha256Hex(bytes), byteSize: bytes.length, date: DATE };
}

function runnerFor(model: Model, arena?: ArenaInfo) {
  return generateModelRunner(model, provenance(new Uint8Array(4)), {
    symbol: 'g_model', prefix: 'model', dataHeader: 'model_data.h', runnerHeader: 'model_runner.h', arena,
  });
}

function registeredMethods(source: string): string[] {
  return [...source.matchAll(/^ {2}TF_LITE_ENSURE_STATUS\(resolver\.(Add[A-Za-z0-9]+)\(\)\);$/gm)].map((m) => m[1]!);
}

function resolverSize(source: string): number {
  return Number(/MicroMutableOpResolver<(\d+)>/.exec(source)![1]);
}

/** Op resolvers of TFLite Micro's own examples for the same models (micro_speech_test.cc, person_detection_test.cc). */
const TFLM_EXAMPLE_RESOLVERS: Record<string, string[]> = {
  'tflm/models/person_detect.tflite': ['AddAveragePool2D', 'AddConv2D', 'AddDepthwiseConv2D', 'AddReshape', 'AddSoftmax'],
  'tflm/examples/micro_speech/micro_speech_quantized.tflite': ['AddReshape', 'AddFullyConnected', 'AddDepthwiseConv2D', 'AddSoftmax'],
  'tflm/examples/micro_speech/audio_preprocessor_int8.tflite': [
    'AddReshape', 'AddCast', 'AddStridedSlice', 'AddConcatenation', 'AddMul', 'AddAdd', 'AddDiv', 'AddMinimum', 'AddMaximum',
    'AddWindow', 'AddFftAutoScale', 'AddRfft', 'AddEnergy', 'AddFilterBank', 'AddFilterBankSquareRoot',
    'AddFilterBankSpectralSubtraction', 'AddPCAN', 'AddFilterBankLog',
  ],
};

test('resolver matches the op resolvers of TFLite Micro examples (builtins and signal custom ops)', { skip: SKIP_WITHOUT_SHARED }, () => {
  for (const [rel, expected] of Object.entries(TFLM_EXAMPLE_RESOLVERS)) {
    const { model } = loadModel(fs.readFileSync(sharedModel(rel)));
    const { source, resolver } = runnerFor(model);
    assert.deepEqual(registeredMethods(source).sort(), [...expected].sort(), rel);
    assert.equal(resolver.size, expected.length, rel);
    assert.equal(resolverSize(source), expected.length, rel);
  }
});

test('resolver of models with many op types: one Add call per distinct op, N = distinct ops', { skip: SKIP_WITHOUT_SHARED }, () => {
  for (const rel of [
    'xtensa/pytorch_to_tflite/mobilenet_v2_quantized_1x3x224x224.tflite',
    'examples/mnist_lstm/trained_lstm_int8.tflite',
    'models/keyword_scrambled.tflite',
  ].map((r) => `tflm/${r}`).concat(['mlperf-tiny/pretrainedResnet_quant.tflite', 'mlperf-tiny/ad01_int8.tflite'])) {
    assert.ok(fs.existsSync(sharedModel(rel)), `${rel} is missing from ../shared/models`);
    const { model } = loadModel(fs.readFileSync(sharedModel(rel)));
    const distinct = new Set<string>();
    for (const sg of model.subgraphs) for (const op of sg.operators) distinct.add(opcodeName(model.operatorCodes[op.opcodeIndex]!));
    const { source } = runnerFor(model);
    const methods = registeredMethods(source);
    assert.equal(resolverSize(source), distinct.size, rel);
    assert.equal(new Set(methods).size, methods.length, `${rel}: a method registered twice`);
    const expected = [...distinct].map((n) => TFLM_BUILTIN_METHODS[n] ?? TFLM_CUSTOM_OPERATORS[n.replace(/^CUSTOM:/, '')]).filter(Boolean);
    assert.deepEqual(methods.sort(), (expected as string[]).sort(), rel);
  }
});

test('op table spells the resolver methods of the compile-check stub (and so of tflite-micro)', () => {
  const stub = fs.readFileSync(`${PROJECT_ROOT}/test/compile-check/tflm-stubs/tensorflow/lite/micro/micro_mutable_op_resolver.h`, 'utf8');
  const declared = new Set([...stub.matchAll(/TfLiteStatus (Add[A-Za-z0-9]+)\(/g)].map((m) => m[1]!));
  for (const m of [...Object.values(TFLM_BUILTIN_METHODS), ...Object.values(TFLM_CUSTOM_OPERATORS)]) assert.ok(declared.has(m), m);
  assert.equal(TFLM_BUILTIN_METHODS['CONV_2D'], 'AddConv2D');
  assert.equal(TFLM_BUILTIN_METHODS['DEPTHWISE_CONV_2D'], 'AddDepthwiseConv2D');
  assert.equal(TFLM_BUILTIN_METHODS['FULLY_CONNECTED'], 'AddFullyConnected');
  for (const name of Object.keys(TFLM_BUILTIN_METHODS)) assert.ok(name in BuiltinOperator, `${name} is not a schema operator`);
});

function smallModel(): Model {
  const b = new ModelBuilder({ seed: 3 });
  const x = b.input('x', [1, 4]);
  const h = b.relu(b.fullyConnected(x, 3));
  b.output(b.softmax(h));
  return b.build();
}

test('custom and unsupported ops are counted and flagged with a TODO naming them', () => {
  const model = smallModel();
  // Turn the softmax into an unknown custom op and add a builtin TFLite Micro has no kernel for.
  const softmaxCode = model.operatorCodes.findIndex((c) => c.builtinCode === BuiltinOperator.SOFTMAX);
  model.operatorCodes[softmaxCode] = { builtinCode: BuiltinOperator.CUSTOM, deprecatedBuiltinCode: 32, customCode: 'MyFancyOp', version: 1 };
  const reluCode = model.operatorCodes.findIndex((c) => c.builtinCode === BuiltinOperator.RELU);
  model.operatorCodes[reluCode] = { builtinCode: BuiltinOperator.NON_MAX_SUPPRESSION_V4, deprecatedBuiltinCode: 120, version: 1 };
  const { source, resolver } = runnerFor(model);
  assert.equal(resolver.size, 3);
  assert.equal(resolverSize(source), 3);
  assert.deepEqual(registeredMethods(source), ['AddFullyConnected']);
  assert.match(source, /TODO: "MyFancyOp" is a custom operator that TFLite Micro does not provide/);
  assert.match(source, /resolver\.AddCustom\("MyFancyOp", Register_YOUR_KERNEL\(\)\)/);
  assert.match(source, /TODO: NON_MAX_SUPPRESSION_V4 has no TFLite Micro kernel/);
});

test('runner: aligned arena from the estimate + margin, schema check, AllocateTensors reporting, typed helpers', () => {
  const model = smallModel();
  const { source, header, arena } = runnerFor(model, { recommendedArenaBytes: 1000, target: 'cortex-m' });
  assert.equal(arena.bytes, 1200); // 1000 * 1.2, already a multiple of 16
  assert.match(header, /#define MODEL_TENSOR_ARENA_MIN_SIZE 1000\n#define MODEL_TENSOR_ARENA_RECOMMENDED_SIZE 1200\n/);
  assert.match(header, /#ifndef MODEL_TENSOR_ARENA_SIZE\n#define MODEL_TENSOR_ARENA_SIZE MODEL_TENSOR_ARENA_RECOMMENDED_SIZE\n#endif/);
  assert.match(header, /minimum 1000 bytes for cortex-m; recommended = minimum \+ 20% margin, rounded up to 16/);
  assert.match(header, /static_assert\(MODEL_TENSOR_ARENA_SIZE >= MODEL_TENSOR_ARENA_MIN_SIZE, /);
  assert.match(source, /#if !MODEL_EXTERNAL_ARENA\n.*\n.*\nalignas\(16\) uint8_t tensor_arena\[kTensorArenaSize\];\n#endif/);
  assert.match(source, /if \(usable < MODEL_TENSOR_ARENA_MIN_SIZE\) \{/);
  assert.match(source, /model->version\(\) != TFLITE_SCHEMA_VERSION/);
  assert.match(source, /interpreter->AllocateTensors\(\) != kTfLiteOk/);
  assert.match(source, /MODEL_TENSOR_ARENA_SIZE \(now %u bytes\)/);
  // A second setup after a failed one does not register the operators again (the resolver would refuse them).
  assert.match(source, /if \(!ops_registered\) \{\n {4}if \(RegisterOps\(op_resolver\) != kTfLiteOk\) \{[\s\S]*?\n {4}ops_registered = true;\n {2}\}/);
  assert.match(source, /same TF_LITE_STATIC_MEMORY setting as the TFLite Micro library/);
  assert.match(source, /#if !defined\(TF_LITE_STATIC_MEMORY\) && !defined\(ARDUINO\) && !defined\(MODEL_LIBRARY_WITHOUT_STATIC_MEMORY\)\n#error /);
  // Setup checks each input and output as this file sees it (type and bytes): other structs mean other build flags.
  assert.match(source, /if \(!TensorIs\(interpreter->input\(0\), kTfLiteFloat32, 16\)\) return BuildFlagsMismatch\(\);/);
  // Float model: copy helpers, no quantization code.
  assert.match(header, /model_status model_set_input0\(const float\* values, size_t count\);/);
  assert.match(header, /model_status model_get_output0\(float\* values, size_t count\);/);
  assert.match(header, /#define MODEL_INPUT0_ELEMENTS 4/);
  assert.match(header, /#define MODEL_OUTPUT0_ELEMENTS 3/);
  assert.doesNotMatch(source, /Quantize\(/);
  assert.equal(sizeArena(model, { recommendedArenaBytes: 1001, target: 'x' }, 0).bytes, 1008);
});

test('runner for an int8 model quantizes inputs and dequantizes outputs with the tensor parameters', { skip: SKIP_WITHOUT_SHARED }, () => {
  const { model } = loadModel(fs.readFileSync(sharedModel('tflm/examples/hello_world/hello_world_int8.tflite')));
  const input = model.subgraphs[0]!.tensors[model.subgraphs[0]!.inputs[0]!]!;
  assert.equal(input.type, TensorType.INT8);
  const { source, header } = runnerFor(model);
  assert.match(header, new RegExp(`INT8 \\[1, 1\\], scale ${input.quantization!.scale[0]}, zero point ${input.quantization!.zeroPoint[0]}`));
  assert.match(source, /return Quantize\(tensor, tensor->data\.int8, values, count, -128\.0f, 127\.0f\);/);
  assert.match(source, /return Dequantize\(tensor, tensor->data\.int8, values, count\);/);
  assert.match(source, /q = round\(real \/ scale\) \+ zero_point/);
});

test('runner arena: the minimum and recommended sizes of the 32-bit target and the 64-bit host, picked by UINTPTR_MAX', () => {
  const model = smallModel();
  const { header, arena } = runnerFor(model, {
    recommendedArenaBytes: 1008, minArenaBytes: 1001, target: 'cortex-m', host: { recommendedArenaBytes: 1344, minArenaBytes: 1340, target: 'x86_64' },
  });
  assert.equal(arena.minBytes, 1001);
  assert.equal(arena.bytes, 1216); // 1001 * 1.2 = 1201.2, rounded up to 16
  assert.equal(arena.hostMinBytes, 1340);
  assert.equal(arena.hostBytes, 1616); // 1340 * 1.2 = 1608, rounded up to 16
  assert.equal(arena.bytes, recommendedArenaSize(1001, 20), 'the one recommended-size rule');
  // The target's branch first: a reader that takes the first definition (the arena hover) gets the target's figure.
  assert.match(header, new RegExp([
    '#if UINTPTR_MAX <= 0xFFFFFFFFu', '// 32-bit target, cortex-m', '#define MODEL_TENSOR_ARENA_MIN_SIZE 1001',
    '#define MODEL_TENSOR_ARENA_RECOMMENDED_SIZE 1216', '#define MODEL_TENSOR_ARENA_MIN_TEXT "1001 bytes \\(32-bit target, cortex-m\\)"',
    '#else', '// 64-bit host, x86_64', '#define MODEL_TENSOR_ARENA_MIN_SIZE 1340', '#define MODEL_TENSOR_ARENA_RECOMMENDED_SIZE 1616',
    '#define MODEL_TENSOR_ARENA_MIN_TEXT "1340 bytes \\(64-bit host, x86_64\\)"', '#endif',
  ].join('\n')));
  assert.match(header, /minimum 1001 bytes for cortex-m \(1340 on a 64-bit x86_64 host\); recommended = minimum \+ 20% margin/);
  // The arena hover evaluates the header's constant: the target's recommended size.
  const [constant] = findArenaConstants(header, compilePatterns(DEFAULT_ARENA_CONSTANT_PATTERNS).regexes);
  assert.equal(constant?.name, 'MODEL_TENSOR_ARENA_SIZE');
  assert.deepEqual(constant?.value, { ok: true, value: 1216 });
  // The figure from the estimator: on a real model the host arena is the larger one.
  const est = estimateArenaForExport(model, 'cortex-m');
  assert.equal(est.arena?.host?.target, 'x86_64');
  assert.ok(est.arena!.host!.recommendedArenaBytes >= est.arena!.recommendedArenaBytes);
  assert.equal(estimateArenaForExport(model, 'x86_64').arena?.host, undefined, 'no second figure when the target is the host');
});

test('without an estimate the arena is an upper bound and says so', () => {
  const model = smallModel();
  const { header, arena } = runnerFor(model);
  assert.ok(arena.bytes >= 4096 && arena.bytes % 16 === 0);
  assert.match(header, /no estimate available/);
});

test('models with VAR_HANDLE get resource variables, others do not', () => {
  const plain = runnerFor(smallModel()).source;
  assert.doesNotMatch(plain, /MicroResourceVariables/);
  assert.match(plain, /new \(interpreter_storage\) tflite::MicroInterpreter\(model, op_resolver, arena, arena_bytes\)/);
  const model = smallModel();
  const reluCode = model.operatorCodes.findIndex((c) => c.builtinCode === BuiltinOperator.RELU);
  model.operatorCodes[reluCode] = { builtinCode: BuiltinOperator.VAR_HANDLE, deprecatedBuiltinCode: 127, version: 1 };
  const { source } = runnerFor(model);
  assert.match(source, /constexpr int kResourceVariables = 1;/);
  assert.match(source, /tflite::MicroResourceVariables::Create\(allocator, kResourceVariables\)/);
  assert.match(source, /TF_LITE_ENSURE_STATUS\(resolver\.AddVarHandle\(\)\);/);
});
