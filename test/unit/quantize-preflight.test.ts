import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Dataset } from '../../src/core/data/dataset';
import { checkQuantizable, QuantizeError, quantizeBlockers, quantizeModel, type QuantizeOptions } from '../../src/core/quantize/index';
import { BuiltinOperator, loadModel, ModelBuilder, TensorType, type Model } from '../../src/core/tflite/index';
import { PROJECT_ROOT } from '../helpers/paths';

const SELFIE = path.join(PROJECT_ROOT, 'node_modules', '@mediapipe', 'selfie_segmentation', 'selfie_segmentation.tflite');

/** A dataset that does not fit any of these models: a check that ran after the data check would name the data. */
const WRONG_DATA: Dataset = { source: 'wrong.npy', inputShapes: [[1, 3]], samples: [[new Float32Array(3)]] };

function rejectsWith(model: Model, kind: QuantizeError['kind'], pattern: RegExp, keepFloat = false, extra: QuantizeOptions = {}): Promise<void> {
  return assert.rejects(quantizeModel(model, WRONG_DATA, { modelName: 'm.tflite', keepUnsupportedInFloat: keepFloat, ...extra }), (e: unknown) => {
    assert.ok(e instanceof QuantizeError, String(e));
    assert.equal(e.kind, kind);
    assert.match(e.message, pattern);
    return true;
  });
}

function fcModel(): ModelBuilder & { x: ReturnType<ModelBuilder['input']> } {
  const b = new ModelBuilder({ seed: 1 });
  return Object.assign(b, { x: b.input('x', [1, 4]) });
}

test('selfie_segmentation: the custom op is named with its index and a builtin replacement, before any data is looked at', { skip: fs.existsSync(SELFIE) ? false : 'needs @mediapipe/selfie_segmentation' }, async () => {
  const { model } = loadModel(new Uint8Array(fs.readFileSync(SELFIE)));
  await rejectsWith(model, 'unsupported-op', /m\.tflite cannot be quantized: custom operator\(s\) CUSTOM:Convolution2DTransposeBias #\d+ .*keeping them in float does not help.*TRANSPOSE_CONV/);
  // --keep-float cannot rescue it: the runtime that calibrates has no kernel.
  await rejectsWith(model, 'unsupported-op', /Convolution2DTransposeBias/, true);
  // Weight-only modes need no runtime: they go ahead.
  const f16 = await quantizeModel(model, WRONG_DATA, { mode: 'float16' });
  assert.ok(f16.bytes.byteLength > 0);
});

test('every blocker is reported at once: custom op, variable tensor, dynamic input dimension', async () => {
  const b = fcModel();
  const h = b.fullyConnected(b.x, 4);
  const e = b.op(BuiltinOperator.EXP, [h], [[1, 4]])[0]!;
  b.output(b.fullyConnected(e, 2));
  const built = b.build();
  const sg = built.subgraphs[0]!;
  const model: Model = {
    ...built,
    operatorCodes: built.operatorCodes.map((c) => (c.builtinCode === BuiltinOperator.EXP ? { ...c, builtinCode: BuiltinOperator.CUSTOM, customCode: 'MyExp' } : c)),
    subgraphs: [{
      ...sg,
      tensors: sg.tensors.map((t, i) => (i === sg.inputs[0] ? { ...t, shapeSignature: [1, -1] } : i === h.index ? { ...t, isVariable: true } : t)),
    }],
  };
  await rejectsWith(model, 'unsupported-op', /CUSTOM:MyExp #1 .*MyExp → the builtin operators it computes.*Also: it keeps state in variable tensors: CUSTOM:MyExp #1 \(state in "fully_connected_0"\).*stateless.*Also: input\(s\) "x" \[1, -1\] have dynamic dimensions.*fixed input shape/);
});

test('an op with no int8 form fails before calibration unless kept in float; computed weights are named', async () => {
  const b = fcModel();
  const e = b.op(BuiltinOperator.EXP, [b.x], [[1, 4]])[0]!;
  b.output(b.fullyConnected(e, 2));
  await rejectsWith(b.build(), 'unsupported-op', /1 operator\(s\) have no int8 form here: EXP #0\. Keep them in float/);
  assert.ok(checkQuantizable(b.build(), { mode: 'int8', keepUnsupportedInFloat: true, name: 'm' }).model);
  // in int16x8, an operator with no integer form at all is told apart from one TFLite Micro has no int16 kernel for:
  // only for the second is --mode int8 a way out
  const r = fcModel();
  const resized = r.op(BuiltinOperator.RESIZE_BILINEAR, [r.reshape(r.x, [1, 2, 2, 1]), r.int32Constant([4, 4])], [[1, 4, 4, 1]], { type: 'ResizeBilinearOptions', table: { align_corners: false, half_pixel_centers: false } })[0]!;
  r.output(r.op(BuiltinOperator.EXP, [resized], [[1, 4, 4, 1]])[0]!);
  assert.throws(() => checkQuantizable(r.build(), { mode: 'int16x8', keepUnsupportedInFloat: false, name: 'm' }), (e: Error) => {
    assert.match(e.message, /1 operator\(s\) have no integer form here: EXP #2\. Keep them in float .*replace them in the source model\. 1 operator\(s\) have no int16x8 kernel that TFLite Micro runs: RESIZE_BILINEAR #1 \(TFLite Micro's reference kernels have none: resize_bilinear\.cc.*--mode int8/);
    assert.doesNotMatch(e.message.slice(0, e.message.indexOf('RESIZE_BILINEAR')), /--mode int8/);
    return true;
  });

  const c = fcModel();
  const w = c.op(BuiltinOperator.RELU, [c.constant([2, 4])], [[2, 4]])[0]!;
  c.output(c.op(BuiltinOperator.FULLY_CONNECTED, [c.x, w, null], [[1, 2]], { type: 'FullyConnectedOptions', table: {} })[0]!);
  await rejectsWith(c.build(), 'unsupported-model', /FULLY_CONNECTED #1 \("relu_0"\) take their weights from a tensor the model computes.*Fix: fold/);
});

test('NaN weights are named before calibration in every mode, infinite ones in the integer modes: no internal error, no quiet NaN model', async () => {
  const b = fcModel();
  b.output(b.fullyConnected(b.x, 3));
  const model = b.build();
  const sg = model.subgraphs[0]!;
  const weights = sg.tensors[sg.operators[0]!.inputs[1]!]!;
  const data = model.buffers[weights.buffer]!.data;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  view.setFloat32(4, Number.NaN, true);
  view.setFloat32(8, Number.POSITIVE_INFINITY, true);
  await rejectsWith(model, 'unsupported-model', new RegExp(`m\\.tflite cannot be quantized: its constant tensor\\(s\\) "${weights.name}" \\(1 of 12 values\\) hold NaN values: .*Fix: export the model again`));
  for (const mode of ['float16', 'dynamic', 'int16x8'] as const) {
    assert.throws(() => checkQuantizable(model, { mode, keepUnsupportedInFloat: false, name: 'm' }), /hold NaN values/, mode);
  }
  // ±∞ alone (a mask, −∞ padding) is a float value: float16 and dynamic range keep it; the integer grids cannot.
  view.setFloat32(4, Number.NEGATIVE_INFINITY, true);
  await rejectsWith(model, 'unsupported-model', new RegExp(`"${weights.name}" \\(2 of 12 values\\) hold infinite values, which an integer grid cannot hold.*Fix: replace them by a large finite value`));
  assert.throws(() => checkQuantizable(model, { mode: 'int16x8', keepUnsupportedInFloat: false, name: 'm' }), /hold infinite values/);
  for (const mode of ['float16', 'dynamic'] as const) assert.ok(checkQuantizable(model, { mode, keepUnsupportedInFloat: false, name: 'm' }).model, mode);
  // int8 weights (a hybrid model's) whose scale is NaN.
  const h = fcModel();
  h.output(h.fullyConnected(h.x, 3));
  const hybrid = h.build();
  const hw = hybrid.subgraphs[0]!.tensors[hybrid.subgraphs[0]!.operators[0]!.inputs[1]!]!;
  hw.type = TensorType.INT8;
  hw.quantization = { scale: [Number.NaN], zeroPoint: [0], quantizedDimension: 0 };
  assert.throws(() => checkQuantizable(hybrid, { mode: 'int8', keepUnsupportedInFloat: false, name: 'm' }), new RegExp(`"${hw.name}" \\(1 of 1 quantization scales\\) hold NaN values`));
});

test('several subgraphs name the control-flow op; an all-integer model is called already quantized', async () => {
  const b = fcModel();
  b.output(b.fullyConnected(b.x, 2));
  const built = b.build();
  const loop: Model = {
    ...built,
    operatorCodes: [...built.operatorCodes, { builtinCode: BuiltinOperator.WHILE, deprecatedBuiltinCode: BuiltinOperator.WHILE, version: 1 }],
    subgraphs: [{ ...built.subgraphs[0]!, operators: [...built.subgraphs[0]!.operators, { ...built.subgraphs[0]!.operators[0]!, opcodeIndex: built.operatorCodes.length }] }, built.subgraphs[0]!],
  };
  await rejectsWith(loop, 'unsupported-model', /2 subgraphs \(control flow: WHILE #1\).*unroll/);
  const q = await quantizeModel(built, { source: 's', inputShapes: [[1, 4]], samples: Array.from({ length: 4 }, () => [new Float32Array([0.1, -0.2, 0.3, 0.5])]) });
  await rejectsWith(q.model, 'unsupported-model', /already quantized/);
});

test('operators are named by their number in the file as given, also where constant DEQUANTIZEs are folded before the check', async () => {
  const b = fcModel();
  const e = b.op(BuiltinOperator.EXP, [b.fullyConnected(b.x, 4)], [[1, 4]])[0]!;
  b.output(b.fullyConnected(e, 2));
  const calibration: Dataset = { source: 's', inputShapes: [[1, 4]], samples: Array.from({ length: 4 }, () => [new Float32Array([0.1, -0.2, 0.3, 0.5])]) };
  // float16 weights: a DEQUANTIZE per weight and bias ahead of the layers, which the quantizer folds away
  const f16 = (await quantizeModel(b.build(), calibration, { mode: 'float16' })).model;
  const sg = f16.subgraphs[0]!;
  const exp = sg.operators.findIndex((o) => f16.operatorCodes[o.opcodeIndex]!.builtinCode === BuiltinOperator.EXP);
  assert.ok(exp > 1, `EXP is operator ${exp} of the float16 file`);
  await rejectsWith(f16, 'unsupported-op', new RegExp(`no int8 form here: EXP #${exp}\\.`));
});

test('quantizeBlockers: what checkQuantizable throws per integer mode, without throwing, and whether keeping in float is the fix', () => {
  const messageOf = (m: Model, mode: 'int8' | 'int16x8') => {
    try {
      checkQuantizable(m, { mode, keepUnsupportedInFloat: false, name: 'm.tflite' });
      return undefined;
    } catch (e) {
      return { kind: (e as QuantizeError).kind, message: (e as Error).message };
    }
  };
  // EXP has no integer form: both modes blocked, --keep-float the fix
  const b = fcModel();
  b.output(b.fullyConnected(b.op(BuiltinOperator.EXP, [b.x], [[1, 4]])[0]!, 2));
  const exp = b.build();
  const blocked = quantizeBlockers(exp, { name: 'm.tflite' });
  for (const mode of ['int8', 'int16x8'] as const) {
    assert.deepEqual({ kind: blocked[mode]!.kind, message: blocked[mode]!.message }, messageOf(exp, mode), mode);
    assert.equal(blocked[mode]!.keepFloatHelps, true, mode);
  }
  // a custom operator: LiteRT cannot run it for calibration, keeping it in float does not help
  const custom: Model = { ...exp, operatorCodes: exp.operatorCodes.map((c) => (c.builtinCode === BuiltinOperator.EXP ? { ...c, builtinCode: BuiltinOperator.CUSTOM, customCode: 'MyExp' } : c)) };
  const c = quantizeBlockers(custom, { name: 'm.tflite' });
  assert.match(c.int8!.message, /^m\.tflite cannot be quantized: custom operator\(s\) CUSTOM:MyExp #0/);
  assert.equal(c.int8!.keepFloatHelps, false);
  // RESIZE_BILINEAR has int8 kernels but no int16 one in TFLite Micro's reference set: only int16x8 is blocked
  const r = fcModel();
  r.output(r.op(BuiltinOperator.RESIZE_BILINEAR, [r.reshape(r.x, [1, 2, 2, 1]), r.int32Constant([4, 4])], [[1, 4, 4, 1]], { type: 'ResizeBilinearOptions', table: { align_corners: false, half_pixel_centers: false } })[0]!);
  const resize = quantizeBlockers(r.build(), { name: 'm.tflite' });
  assert.equal(resize.int8, undefined);
  assert.deepEqual({ kind: resize.int16x8!.kind, message: resize.int16x8!.message }, messageOf(r.build(), 'int16x8'));
  // a quantizable model has none
  const ok = fcModel();
  ok.output(ok.fullyConnected(ok.x, 2));
  assert.deepEqual(quantizeBlockers(ok.build(), { name: 'm.tflite' }), {});
});

test('a float graph checked by the caller (the CLI, before loading data) is used for that model only', async () => {
  const ok = fcModel();
  ok.output(ok.fullyConnected(ok.x, 2));
  const good = ok.build();
  const checked = checkQuantizable(good, { mode: 'int8', keepUnsupportedInFloat: false, name: 'm' });
  assert.equal(checked.source, good);
  const data: Dataset = { source: 'x.npy', inputShapes: [[1, 4]], samples: Array.from({ length: 20 }, (_, i) => [Float32Array.from({ length: 4 }, (_, k) => Math.sin(i + k))]) };
  assert.ok((await quantizeModel(good, data, { calibration: 'minmax', checked })).bytes.byteLength > 0);
  // another model is checked as it is, whatever graph comes with it
  const b = fcModel();
  b.output(b.fullyConnected(b.op(BuiltinOperator.EXP, [b.x], [[1, 4]])[0]!, 2));
  await rejectsWith(b.build(), 'unsupported-op', /EXP #0/, false, { checked });
});
