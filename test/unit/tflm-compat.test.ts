import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkTflmCompatibility, isTflmCompatible } from '../../src/core/analysis/tflm-compat';
import { planResolver } from '../../src/core/codegen';
import { quantizeModel } from '../../src/core/quantize/index';
import { BuiltinOperator, ModelBuilder, operatorInfo, TensorType, TFLM_BUILTIN_METHODS } from '../../src/core/tflite';
import { bytes, handMadeModel, t } from '../helpers/arena-models';
import { buildAllOpsModel } from '../helpers/sample-models';
import { int16ResizeBilinearModel, resizeBilinearModel } from '../helpers/tflm-kernel-models';

const FC_OPTIONS = { type: 'FullyConnectedOptions', table: { fused_activation_function: 'NONE', weights_format: 'DEFAULT', keep_num_dims: false, asymmetric_quantize_inputs: false } };
const q = (n = 1) => ({ scale: new Array(n).fill(0.05), zeroPoint: new Array(n).fill(0), quantizedDimension: 0 });

function fc(inputType: TensorType, weightType: TensorType) {
  return handMadeModel({
    tensors: [t('x', [1, 8], inputType, inputType === TensorType.FLOAT32 ? {} : { quantization: q() }), t('w', [4, 8], weightType, { quantization: q() }), t('y', [1, 4], inputType)],
    ops: [{ code: BuiltinOperator.FULLY_CONNECTED, inputs: [0, 1, -1], outputs: [2], options: FC_OPTIONS }],
    inputs: [0], outputs: [2], constants: { 1: bytes(weightType === TensorType.FLOAT32 ? 128 : 32) },
  });
}

function single(code: BuiltinOperator, custom?: string, tensors = [t('x', [4]), t('y', [4])]) {
  return handMadeModel({ tensors, ops: [{ code, custom, inputs: [0], outputs: [1] }], inputs: [0], outputs: [1] });
}

describe('TFLite Micro compatibility', () => {
  test('a float model made of supported builtin ops has no problem', () => {
    const problems = checkTflmCompatibility(buildAllOpsModel());
    assert.deepEqual(problems, []);
    assert.equal(isTflmCompatible(problems), true);
  });

  test('fully int8 and 16x8 fully-connected layers are fine', () => {
    assert.deepEqual(checkTflmCompatibility(fc(TensorType.INT8, TensorType.INT8)), []);
    assert.deepEqual(checkTflmCompatibility(fc(TensorType.INT16, TensorType.INT8)), []);
  });

  test('float input with int8 weights is a hybrid op TFLM rejects', () => {
    const [p, ...rest] = checkTflmCompatibility(fc(TensorType.FLOAT32, TensorType.INT8));
    assert.equal(rest.length, 0);
    assert.equal(p!.operatorIndex, 0);
    assert.equal(p!.opcode, 'FULLY_CONNECTED');
    assert.equal(p!.severity, 'error');
    assert.match(p!.message, /Hybrid models are not supported on TFLite Micro/);
    assert.match(p!.message, /TinyML: Quantize Model/);
  });

  test('float16 weights behind DEQUANTIZE are reported', () => {
    const m = handMadeModel({
      tensors: [t('w16', [4], TensorType.FLOAT16), t('w', [4])],
      ops: [{ code: BuiltinOperator.DEQUANTIZE, inputs: [0], outputs: [1] }],
      inputs: [], outputs: [1], constants: { 0: bytes(8) },
    });
    const problems = checkTflmCompatibility(m);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /float16 weights/);
    assert.equal(isTflmCompatible(problems), false);
  });

  test('an operator TFLM has no kernel for is an error naming it', () => {
    const [p] = checkTflmCompatibility(single(BuiltinOperator.RANGE));
    assert.equal(p?.opcode, 'RANGE');
    assert.match(p!.message, /no kernel for RANGE/);
  });

  test('custom ops: TFLM ones need registering, Flex and unknown ones cannot run', () => {
    const [ethos] = checkTflmCompatibility(single(BuiltinOperator.CUSTOM, 'ethos-u'));
    assert.equal(ethos?.severity, 'info');
    assert.match(ethos!.message, /AddEthosU\(\)/);
    const [flex] = checkTflmCompatibility(single(BuiltinOperator.CUSTOM, 'FlexRFFT'));
    assert.equal(flex?.severity, 'error');
    assert.match(flex!.message, /SELECT_TF_OPS/);
    const [mine] = checkTflmCompatibility(single(BuiltinOperator.CUSTOM, 'MyOp'));
    assert.equal(mine?.severity, 'error');
    assert.match(mine!.message, /AddCustom\("MyOp"/);
  });

  test('dynamic dimensions: a -1 in shape_signature is a warning, a -1 in the shape an error', () => {
    const sig = checkTflmCompatibility(single(BuiltinOperator.RELU, undefined, [t('x', [1, 4], TensorType.FLOAT32, { shapeSignature: [-1, 4] }), t('y', [1, 4])]));
    assert.deepEqual(sig.map((p) => [p.severity, p.operatorIndex]), [['warning', -1]]);
    assert.match(sig[0]!.message, /fixed input shape/);
    const dyn = checkTflmCompatibility(single(BuiltinOperator.RELU, undefined, [t('x', [-1, 4]), t('y', [-1, 4])]));
    assert.ok(dyn.length >= 1 && dyn.every((p) => p.severity === 'error'));
  });

  test('uint8 (asymmetric) quantized convolutions are reported', () => {
    const m = handMadeModel({
      tensors: [t('x', [1, 4, 4, 1], TensorType.UINT8, { quantization: q() }), t('w', [1, 1, 1, 1], TensorType.UINT8, { quantization: q() }), t('y', [1, 4, 4, 1], TensorType.UINT8)],
      ops: [{ code: BuiltinOperator.CONV_2D, inputs: [0, 1, -1], outputs: [2] }],
      inputs: [0], outputs: [2], constants: { 1: bytes(1) },
    });
    const [p] = checkTflmCompatibility(m);
    assert.match(p!.message, /uint8/);
  });
});

test('the compatibility check and the runner\'s op resolver read one operator registry', () => {
  const names = Object.keys(BuiltinOperator).filter((k) => Number.isNaN(Number(k)) && k !== 'CUSTOM');
  let withKernel = 0;
  for (const name of names) {
    const b = new ModelBuilder({ seed: 1 });
    b.output(b.op(BuiltinOperator[name as keyof typeof BuiltinOperator], [b.input('x', [1, 4])], [[1, 4]])[0]!);
    const model = b.build();
    const noKernel = checkTflmCompatibility(model).some((p) => p.message.startsWith(`TFLite Micro has no kernel for ${name}`));
    const entry = planResolver(model).entries[0]!;
    assert.equal(noKernel, entry.kind === 'unsupported', name);
    assert.equal(entry.kind === 'method' ? entry.method : undefined, operatorInfo(name).tflm, name);
    if (!noKernel) withKernel++;
  }
  assert.equal(withKernel, Object.keys(TFLM_BUILTIN_METHODS).length);
});

test('a 16x8 model with an operator TFLite Micro has no int16 kernel for (the TF converter\'s int16 RESIZE_BILINEAR) is an error naming it', () => {
  const problems = checkTflmCompatibility(int16ResizeBilinearModel()).filter((p) => p.severity === 'error');
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0]!.opcode, 'RESIZE_BILINEAR');
  assert.match(problems[0]!.message, /no int16 kernel.*resize_bilinear\.cc.*--mode int8/);
  assert.ok(isTflmCompatible(checkTflmCompatibility(int16ResizeBilinearModel(true))));
});

test('--mode int16x8 names an operator TFLite Micro has no int16 kernel for before calibration; kept in float it runs there, as int8 does', async () => {
  const float = resizeBilinearModel();
  const data = { source: 's', inputShapes: [[1, 4, 4, 2]], samples: Array.from({ length: 8 }, (_, i) => [Float32Array.from({ length: 32 }, (_, j) => Math.sin(i + j))]) };
  // Samples of the wrong shape: the operator is named before calibration would read them.
  const wrong = { ...data, inputShapes: [[1, 3]], samples: [[new Float32Array(3)]] };
  await assert.rejects(quantizeModel(float, wrong, { mode: 'int16x8', modelName: 'up.tflite' }), (e: Error & { kind?: string }) => {
    assert.equal(e.kind, 'unsupported-op');
    assert.match(e.message, /^up\.tflite cannot be quantized: 1 operator\(s\) have no int16x8 kernel that TFLite Micro runs: RESIZE_BILINEAR #1 \(TFLite Micro's reference kernels have none: resize_bilinear\.cc/);
    assert.match(e.message, /--keep-float.*--mode int8/);
    return true;
  });
  const q16 = await quantizeModel(float, data, { mode: 'int16x8', keepUnsupportedInFloat: true, heldOut: data });
  const sg = q16.model.subgraphs[0]!;
  const resize = sg.operators.find((op) => q16.model.operatorCodes[op.opcodeIndex]!.builtinCode === BuiltinOperator.RESIZE_BILINEAR)!;
  assert.equal(sg.tensors[resize.inputs[0]!]!.type, TensorType.FLOAT32);
  const conv = sg.operators.find((op) => q16.model.operatorCodes[op.opcodeIndex]!.builtinCode === BuiltinOperator.CONV_2D)!;
  assert.equal(sg.tensors[conv.outputs[0]!]!.type, TensorType.INT16);
  assert.ok(isTflmCompatible(checkTflmCompatibility(q16.model)), JSON.stringify(checkTflmCompatibility(q16.model).filter((p) => p.severity !== 'info')));
  assert.equal(q16.report.tflm?.runs, true);
  assert.ok(q16.report.accuracy!.tflm!.samples > 0 && !q16.report.accuracy!.tflm!.notComputed, JSON.stringify(q16.report.accuracy!.tflm));
  const q8 = await quantizeModel(float, data, { mode: 'int8' });
  assert.ok(isTflmCompatible(checkTflmCompatibility(q8.model)));
});
