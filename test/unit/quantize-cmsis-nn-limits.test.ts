/**
 * What the quantizer writes around the limits of TFLite Micro's CMSIS-NN int16x8 kernels (int16-kernels.ts
 * INT16X8_LIMITS), found by running our files on a CMSIS-NN build of TFLM: per-tensor FULLY_CONNECTED weights, a
 * bias for every int16 TRANSPOSE_CONV, and a TRANSPOSE_CONV's fused RELU / RELU6 written as its own operator.
 */
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../src/core/data/dataset';
import { checkTflmCompatibility, isTflmCompatible } from '../../src/core/analysis/tflm-compat';
import { applyPrecision, quantizeModel } from '../../src/core/quantize/index';
import { INT16X8_LIMITS } from '../../src/core/quantize/int16-kernels';
import { TflmReference } from '../../src/core/quantize/tflm-reference';
import { loadRuntimeModel } from '../../src/core/runtime/index';
import { BuiltinOperator, readModel, TensorType, writeModel, type Model } from '../../src/core/tflite/index';
import { kernelModels } from '../helpers/tflm-kernel-models';
import { estimateFit } from '../../src/core/fit/fit';
import { builtinCatalog } from '../../src/core/fit/board-catalog';

function data(c: { shape: number[]; range: [number, number] }, n: number, seed: number): Dataset {
  const r = rng(seed);
  const size = c.shape.reduce((a, b) => a * b, 1);
  return { source: 'synthetic', inputShapes: [c.shape], samples: Array.from({ length: n }, () => [Float32Array.from({ length: size }, () => c.range[0] + (c.range[1] - c.range[0]) * r())]) };
}

const kernelCase = (name: string) => kernelModels().find((c) => c.name === name)!;
const opsOf = (m: Model, code: BuiltinOperator) => m.subgraphs[0]!.operators.filter((o) => m.operatorCodes[o.opcodeIndex]!.builtinCode === code);

async function runsOnLiteRt(bytes: Uint8Array): Promise<void> {
  const rt = await loadRuntimeModel(bytes);
  try {
    rt.run(rt.inputs.map((i) => new (i.dtype === 'int16' ? Int16Array : i.dtype === 'int8' ? Int8Array : Float32Array)(i.shape.reduce((a, b) => a * b, 1))));
  } finally {
    rt.dispose();
  }
}

test('--mode int16x8 for CMSIS-NN writes FULLY_CONNECTED weights per tensor (its int16 kernel refuses per-channel ones); the reference kernels keep them per channel', async () => {
  const c = kernelCase('fc-softmax');
  const cal = data(c, 60, 1);
  for (const kernels of ['cmsis-nn', 'reference'] as const) {
    const q = await quantizeModel(c.model, cal, { mode: 'int16x8', calibration: 'minmax', perChannelFullyConnected: true, build: { kernels } });
    const sg = q.model.subgraphs[0]!;
    const scales = opsOf(q.model, BuiltinOperator.FULLY_CONNECTED).map((o) => sg.tensors[o.inputs[1]!]!.quantization!.scale.length);
    assert.equal(scales.length, 3);
    if (kernels === 'cmsis-nn') {
      assert.deepEqual(scales, [1, 1, 1], INT16X8_LIMITS.perTensorFullyConnected);
      assert.equal(q.report.recipe?.chosen.perChannelFullyConnected, false, 'the report says what was written');
      assert.ok(q.warnings.some((w) => w.includes(INT16X8_LIMITS.perTensorFullyConnected)), 'the forced option is answered');
      const auto = await quantizeModel(c.model, cal, { mode: 'int16x8', heldOut: data(c, 20, 2), build: { kernels } });
      assert.ok(auto.report.recipe!.candidates.every((x) => !x.recipe.perChannelFullyConnected), 'per-channel FC is not a candidate');
    } else assert.ok(scales.every((n) => n > 1), `reference: per channel (${scales})`);
    await runsOnLiteRt(q.bytes);
    assert.equal(TflmReference.unsupported(q.model), undefined);
  }
});

test('an int16 TRANSPOSE_CONV always has a bias (zeros when the float model has none): CMSIS-NN\'s Prepare reads it unchecked', async () => {
  const c = kernelCase('deconv-slice-transpose');
  // Bias correction on: the added bias stands for none, so no weight-rounding shift goes into it.
  const q = await quantizeModel(c.model, data(c, 60, 1), { mode: 'int16x8', calibration: 'minmax', biasCorrection: true });
  const sg = q.model.subgraphs[0]!;
  const deconvs = opsOf(q.model, BuiltinOperator.TRANSPOSE_CONV);
  assert.equal(deconvs.length, 2);
  for (const o of deconvs) {
    const bias = sg.tensors[o.inputs[3] ?? -1];
    assert.equal(bias?.type, TensorType.INT64, 'an int64 bias');
  }
  // The one the float model built without a bias: all zeros, and the op version of a TRANSPOSE_CONV with a bias (3).
  const zero = deconvs.map((o) => sg.tensors[o.inputs[3]!]!).find((t) => t.name.endsWith('_zero_bias'))!;
  assert.ok(zero, 'the added bias is named for its weights');
  assert.ok(new BigInt64Array(q.model.buffers[zero.buffer]!.data.slice().buffer).every((v) => v === 0n));
  const code = q.model.operatorCodes.find((oc) => oc.builtinCode === BuiltinOperator.TRANSPOSE_CONV)!;
  assert.ok(code.version >= 3, `version ${code.version}`);
  await runsOnLiteRt(q.bytes);
  assert.equal(TflmReference.unsupported(q.model), undefined);
});

/** The decoder kernel model with its fused RELU TRANSPOSE_CONV given `act` instead. */
function deconvWith(act: 'RELU' | 'RELU6'): { model: Model; shape: number[]; range: [number, number] } {
  const c = kernelCase('deconv-slice-transpose');
  const sg = c.model.subgraphs[0]!;
  const operators = sg.operators.map((o) => (o.builtinOptions?.table['fused_activation_function'] === 'RELU' && c.model.operatorCodes[o.opcodeIndex]!.builtinCode === BuiltinOperator.TRANSPOSE_CONV
    ? { ...o, builtinOptions: { ...o.builtinOptions, table: { ...o.builtinOptions.table, fused_activation_function: act } } } : o));
  return { ...c, model: { ...c.model, subgraphs: [{ ...sg, operators }] } };
}

for (const act of ['RELU', 'RELU6'] as const) {
  test(`for CMSIS-NN an int16 TRANSPOSE_CONV with a fused ${act} is written unfused (its kernel drops the clamp): the same integers as the fused one on the reference kernels`, async () => {
    const c = deconvWith(act);
    const cal = data(c, 60, 1);
    const cmsis = await quantizeModel(c.model, cal, { mode: 'int16x8', calibration: 'minmax', biasCorrection: false, build: { kernels: 'cmsis-nn' } });
    const ref = await quantizeModel(c.model, cal, { mode: 'int16x8', calibration: 'minmax', biasCorrection: false });
    const sg = cmsis.model.subgraphs[0]!;
    const deconvs = opsOf(cmsis.model, BuiltinOperator.TRANSPOSE_CONV);
    assert.ok(deconvs.every((o) => (o.builtinOptions?.table['fused_activation_function'] ?? 'NONE') === 'NONE'), 'no fused activation left');
    const code = act === 'RELU' ? BuiltinOperator.RELU : BuiltinOperator.RELU6;
    const relu = opsOf(cmsis.model, code);
    assert.equal(relu.length, 1, `the ${act} on its own`);
    assert.equal(sg.tensors[relu[0]!.inputs[0]!]!.type, TensorType.INT16);
    assert.equal(opsOf(ref.model, code).length, 0, 'the reference kernels keep it fused');
    assert.ok(cmsis.warnings.some((w) => w.includes(`its fused ${act} is written as its own int16 operator`)), 'the report says so: a hand-written resolver needs it');
    assert.deepEqual(checkTflmCompatibility(cmsis.model, 'cmsis-nn').filter((p) => p.severity !== 'info' && p.operatorIndex >= 0), []);
    // Same integers: both files through the reference evaluator (bit-exact with TFLM) on the same inputs, beyond
    // the calibration range too (×8), where the clamps act.
    const a = TflmReference.create(cmsis.model), b = TflmReference.create(ref.model);
    const r = rng(9);
    for (let k = 0; k < 6; k++) {
      const x = Int16Array.from({ length: 75 }, () => Math.max(-32768, Math.min(32767, Math.round((r() * 2 - 1) * 32767 * (k % 2 ? 8 : 1)))));
      assert.deepEqual(a.run([x]).map((y) => Array.from(y)), b.run([x]).map((y) => Array.from(y)), `sample ${k}`);
    }
    await runsOnLiteRt(cmsis.bytes);
  });
}

/** Per FULLY_CONNECTED of `m`: its input type and its weights' int8 values and scales. */
function fullyConnecteds(m: Model): { input: TensorType; weights: TensorType; values?: number[]; scales?: number[] }[] {
  const sg = m.subgraphs[0]!;
  return opsOf(m, BuiltinOperator.FULLY_CONNECTED).map((op) => {
    const w = sg.tensors[op.inputs[1]!]!;
    const int8 = w.type === TensorType.INT8 ? { values: Array.from(new Int8Array(m.buffers[w.buffer]!.data.slice().buffer)), scales: w.quantization!.scale } : {};
    return { input: sg.tensors[op.inputs[0]!]!.type, weights: w.type, ...int8 };
  });
}

/** The real bias values of FULLY_CONNECTED number `k` of `m` (float32, or int32 / int64 times their scales). */
function biasOf(m: Model, k: number): number[] {
  const sg = m.subgraphs[0]!;
  const t = sg.tensors[opsOf(m, BuiltinOperator.FULLY_CONNECTED)[k]!.inputs[2]!]!;
  const bytes = m.buffers[t.buffer]!.data.slice().buffer;
  if (t.type === TensorType.FLOAT32) return Array.from(new Float32Array(bytes));
  const scales = t.quantization!.scale;
  const ints = t.type === TensorType.INT64 ? Array.from(new BigInt64Array(bytes), Number) : Array.from(new Int32Array(bytes));
  return ints.map((v, c) => v * scales[scales.length > 1 ? c : 0]!);
}

/** The kept layers as the file has them: int16x8 ones read int16, float ones float (the float model's operator order). */
function assertKeptAsWritten(q: { model: Model; report: { mixedPrecision?: { kept: { index: number; precision: string }[] } } }, label: string): void {
  const fcs = fullyConnecteds(q.model);
  for (const l of q.report.mixedPrecision!.kept) {
    assert.equal(fcs[l.index]!.input, l.precision === 'float' ? TensorType.FLOAT32 : TensorType.INT16, `${label}: layer #${l.index} is ${l.precision} in the report`);
  }
}

test('an accuracy target for CMSIS-NN keeps a per-channel FULLY_CONNECTED in int16x8 only with per-tensor weights, which its int16 kernel takes; the reference kernels keep them per channel', async () => {
  const c = kernelCase('fc-relu-fc hybrid, --target-sqnr 42');
  const model = c.model;
  const cal = data(c, 120, 1), held = data(c, 40, 2);
  const runs = new Map<string, Awaited<ReturnType<typeof quantizeModel>>>();
  for (const kernels of ['cmsis-nn', 'reference'] as const) {
    // 42 dB: the output's int8 grid (43.5 dB) is within the margin, so its FULLY_CONNECTED is written in int16x8.
    const q = await quantizeModel(model, cal, { heldOut: held, targetSqnrDb: 42, perChannelFullyConnected: true, calibration: 'minmax', build: { kernels } });
    runs.set(kernels, q);
    const mp = q.report.mixedPrecision!;
    assert.ok(mp.met && mp.kept.length === 2, `${kernels}: ${JSON.stringify(mp.kept)}`);
    assert.ok(mp.kept.every((l) => l.reason !== INT16X8_LIMITS.perTensorFullyConnected), 'not a reason any more: the rewrite writes around it');
    assertKeptAsWritten(q, kernels);
    if (kernels === 'cmsis-nn') assert.ok(fullyConnecteds(q.model).every((f) => f.input !== TensorType.INT16 || f.scales!.length === 1));
    assert.deepEqual(checkTflmCompatibility(q.model, kernels).filter((p) => p.severity === 'error'), [], kernels);
    await runsOnLiteRt(q.bytes);
  }
  // The first layer's per-tensor weights lose what int16 activations would win: the search writes it in float for
  // CMSIS-NN, in int16x8 with its 24 channel scales for the reference kernels. The output layer (kept for its output's
  // int16 grid, without a search) goes with the layer whose output it reads; its output is int16 either way.
  assert.deepEqual(runs.get('cmsis-nn')!.report.mixedPrecision!.kept.map((l) => [l.index, l.precision]).sort(), [[0, 'float'], [1, 'float']]);
  const cmsisModel = runs.get('cmsis-nn')!.model;
  assert.equal(cmsisModel.subgraphs[0]!.tensors[cmsisModel.subgraphs[0]!.outputs[0]!]!.type, TensorType.INT16);
  assert.deepEqual(runs.get('reference')!.report.mixedPrecision!.kept.map((l) => [l.index, l.precision]).sort(), [[0, 'int16x8'], [1, 'int16x8']]);
  assert.deepEqual(fullyConnecteds(runs.get('reference')!.model).map((f) => f.scales?.length), [24, 6]);
});

test('an accuracy target for CMSIS-NN keeps a hybrid model\'s FULLY_CONNECTED in int16x8 with the hybrid\'s own per-tensor int8 weights (not in float)', async () => {
  const c = kernelCase('fc-relu-fc hybrid, --target-sqnr 42');
  const cal = data(c, 120, 1), held = data(c, 40, 2);
  const ours = (await quantizeModel(c.model, cal, { mode: 'dynamic', dynamicMinElements: 0 })).model;
  // As another converter may write them: integers up to 63, not 127 (one scale from the float weights would give others).
  const halved = readModel(writeModel(ours));
  for (const op of opsOf(halved, BuiltinOperator.FULLY_CONNECTED)) {
    const data8 = halved.buffers[halved.subgraphs[0]!.tensors[op.inputs[1]!]!.buffer]!.data;
    const w = new Int8Array(data8.buffer, data8.byteOffset, data8.byteLength);
    w.forEach((v, i) => { w[i] = v >> 1; });
  }
  for (const [label, hybrid] of [['ours', ours], ['integers up to 63', halved]] as const) {
    const hybridFcs = fullyConnecteds(hybrid);
    assert.deepEqual(hybridFcs.map((f) => [f.weights, f.scales!.length]), [[TensorType.INT8, 1], [TensorType.INT8, 1]]);
    // Without a target the full-integer model keeps those weights spread per channel (exact powers of two, hybrid.ts).
    const int8 = await quantizeModel(hybrid, cal, { heldOut: held, calibration: 'minmax', build: { kernels: 'cmsis-nn' } });
    assert.deepEqual(fullyConnecteds(int8.model).map((f) => f.scales!.length), [24, 6]);
    const q = await quantizeModel(hybrid, cal, { heldOut: held, targetSqnrDb: 42, calibration: 'minmax', build: { kernels: 'cmsis-nn' } });
    const mp = q.report.mixedPrecision!;
    assert.ok(mp.met, `${label}: ${JSON.stringify(mp)}`);
    assertKeptAsWritten(q, 'cmsis-nn');
    const int16 = mp.kept.filter((l) => l.precision === 'int16x8');
    assert.ok(int16.length > 0, `${label}: some FULLY_CONNECTED is kept in int16x8: ${JSON.stringify(mp.kept)}`);
    const fcs = fullyConnecteds(q.model);
    for (const l of int16) {
      // One scale, and the hybrid's own integers and scale: nothing rounded again.
      assert.deepEqual(fcs[l.index]!.values, hybridFcs[l.index]!.values, `${label} #${l.index}`);
      assert.deepEqual(fcs[l.index]!.scales, hybridFcs[l.index]!.scales, `${label} #${l.index}`);
      // The int64 bias at those weights' scale: the hybrid's float bias (half of its odd channels' weights, the
      // model's spread, would double it).
      const bias = biasOf(q.model, l.index), given = biasOf(hybrid, l.index);
      bias.forEach((v, ch) => assert.ok(Math.abs(v - given[ch]!) <= 1e-4 + 1e-3 * Math.abs(given[ch]!), `${label} #${l.index} channel ${ch}: ${v} vs ${given[ch]}`));
    }
    // As accurate as the reference kernels' rewrite, which keeps the spread per-channel weights.
    const ref = await quantizeModel(hybrid, cal, { heldOut: held, targetSqnrDb: 42, calibration: 'minmax', build: { kernels: 'reference' } });
    assert.ok(q.report.accuracy!.outputs[0]!.sqnrDb >= ref.report.accuracy!.outputs[0]!.sqnrDb - 1,
      `${label}: ${q.report.accuracy!.outputs[0]!.sqnrDb} vs ${ref.report.accuracy!.outputs[0]!.sqnrDb} dB`);
    assert.deepEqual(checkTflmCompatibility(q.model, 'cmsis-nn').filter((p) => p.severity === 'error'), []);
    // It runs on the evaluator (TFLM's kernels) and on LiteRT.
    TflmReference.create(q.model).run([new Int8Array(12)]);
    await runsOnLiteRt(q.bytes);
  }
});

test('the TFLite Micro check for CMSIS-NN names what its kernels refuse, crash on or compute wrong; for the reference kernels none of it', async () => {
  // int8 TRANSPOSE_CONV, SAME 5×5 stride 2 (top padding 1) on 6 input channels: CMSIS-NN's arm_transpose_conv_s8 path.
  const deconv = kernelCase('deconv-slice-transpose-argmax');
  const q8 = await quantizeModel(deconv.model, data(deconv, 60, 1), { calibration: 'minmax' });
  const cmsis = checkTflmCompatibility(q8.model, 'cmsis-nn').filter((p) => p.opcode === 'TRANSPOSE_CONV');
  assert.equal(cmsis.length, 1, JSON.stringify(cmsis));
  assert.equal(cmsis[0]!.severity, 'warning');
  assert.match(cmsis[0]!.message, /top padding \(1\) is not a multiple of its stride \(2\), and it takes that function's path \(6 input channels, 16 or fewer\).*CMSIS-NN PR #233/);
  assert.deepEqual(checkTflmCompatibility(q8.model).filter((p) => p.opcode === 'TRANSPOSE_CONV'), []);
  assert.ok(isTflmCompatible(checkTflmCompatibility(q8.model, 'cmsis-nn')), 'a warning: it runs, computing wrong values');
  // CMSIS-NN drops the fused clamp of int8 TRANSPOSE_CONV too: our RELU output starts at 0 (zero point -128), so no
  // warning above; a file whose RELU output reaches below 0 gets one.
  const sg8 = q8.model.subgraphs[0]!;
  const relu = opsOf(q8.model, BuiltinOperator.TRANSPOSE_CONV).find((o) => o.builtinOptions?.table['fused_activation_function'] === 'RELU')!;
  const wide = { ...q8.model, subgraphs: [{ ...sg8, tensors: sg8.tensors.map((t, i) => (i === relu.outputs[0] ? { ...t, quantization: { ...t.quantization!, zeroPoint: [0] } } : t)) }] };
  assert.ok(checkTflmCompatibility(wide, 'cmsis-nn').some((p) => p.opcode === 'TRANSPOSE_CONV' && /fused RELU whose output range reaches beyond it/.test(p.message)));

  // int16 FULLY_CONNECTED with per-channel weights (written for the reference kernels): CMSIS-NN's Prepare refuses it.
  const fc = kernelCase('fc-softmax');
  const q16 = await quantizeModel(fc.model, data(fc, 60, 1), { mode: 'int16x8', calibration: 'minmax', perChannelFullyConnected: true });
  const refused = checkTflmCompatibility(q16.model, 'cmsis-nn').filter((p) => p.severity === 'error');
  assert.equal(refused.length, 3);
  assert.ok(refused.every((p) => p.opcode === 'FULLY_CONNECTED' && p.message.includes(INT16X8_LIMITS.perTensorFullyConnected)));
  assert.ok(isTflmCompatible(checkTflmCompatibility(q16.model)));
  // Per-channel int4 FULLY_CONNECTED weights (int8 input): CMSIS-NN's Prepare refuses them too.
  const fc8 = await quantizeModel(fc.model, data(fc, 60, 1), { calibration: 'minmax', perChannelFullyConnected: true });
  const s8 = fc8.model.subgraphs[0]!;
  const w0 = opsOf(fc8.model, BuiltinOperator.FULLY_CONNECTED)[0]!.inputs[1]!;
  const int4 = { ...fc8.model, subgraphs: [{ ...s8, tensors: s8.tensors.map((t, i) => (i === w0 ? { ...t, type: TensorType.INT4 } : t)) }] };
  assert.ok(checkTflmCompatibility(int4, 'cmsis-nn').some((p) => p.severity === 'error' && /per-channel int4 weights/.test(p.message)));
  assert.ok(!checkTflmCompatibility(int4).some((p) => /per-channel int4 weights/.test(p.message)));
  // The same model quantized for CMSIS-NN passes, and its report says the check was for that kernel set.
  const forCmsis = await quantizeModel(fc.model, data(fc, 60, 1), { mode: 'int16x8', calibration: 'minmax', perChannelFullyConnected: true, build: { kernels: 'cmsis-nn' } });
  assert.equal(forCmsis.report.tflm?.runs, true, forCmsis.report.tflm?.notes.join('\n'));
});

test('fit for a CMSIS-NN build says the model will not run where CMSIS-NN refuses it; for the reference kernels it runs', async () => {
  const fc = kernelCase('fc-softmax');
  const q16 = await quantizeModel(fc.model, data(fc, 60, 1), { mode: 'int16x8', calibration: 'minmax', perChannelFullyConnected: true });
  const board = builtinCatalog().byId.get('nano33ble')!;
  const notRunning = (kernels: 'cmsis-nn' | 'reference') => estimateFit(q16.model, board, { kernels, modelBytes: q16.bytes.length }).assumptions.filter((a) => a.startsWith('TFLite Micro will NOT run'));
  assert.equal(notRunning('cmsis-nn').length, 3);
  assert.ok(notRunning('cmsis-nn').every((a) => a.includes(INT16X8_LIMITS.perTensorFullyConnected)));
  assert.deepEqual(notRunning('reference'), []);
});

test('mixed precision for CMSIS-NN keeps a fused-RELU TRANSPOSE_CONV in int16x8 with the RELU on its own: the same integers as the reference-kernel rewrite', async () => {
  const c = kernelCase('deconv-slice-transpose');
  const int8 = await quantizeModel(c.model, data(c, 60, 1), { calibration: 'minmax', biasCorrection: false });
  const fsg = c.model.subgraphs[0]!;
  const keep = new Map(fsg.operators.flatMap((o, i) => (c.model.operatorCodes[o.opcodeIndex]!.builtinCode === BuiltinOperator.TRANSPOSE_CONV ? [[i, 'int16x8' as const]] : [])));
  assert.equal(keep.size, 2);
  const cmsis = applyPrecision(c.model, int8.model, keep, 'cmsis-nn').model;
  const ref = applyPrecision(c.model, int8.model, keep, 'reference').model;
  assert.equal(opsOf(cmsis, BuiltinOperator.RELU).length, 1);
  assert.equal(opsOf(ref, BuiltinOperator.RELU).length, 0);
  assert.deepEqual(checkTflmCompatibility(cmsis, 'cmsis-nn').filter((p) => p.severity !== 'info' && p.operatorIndex >= 0), []);
  const a = TflmReference.create(cmsis), b = TflmReference.create(ref);
  const r = rng(4);
  for (let k = 0; k < 6; k++) {
    const x = Int8Array.from({ length: 75 }, () => Math.round(r() * 255) - 128);
    assert.deepEqual(a.run([x]).map((y) => Array.from(y)), b.run([x]).map((y) => Array.from(y)), `sample ${k}`);
  }
  await runsOnLiteRt(writeModel(cmsis));
});
