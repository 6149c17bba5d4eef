import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import type { Dataset } from '../../src/core/data/dataset';
import { formatQuantizationReport, quantizeModel } from '../../src/core/quantize/index';
import { quantizationReportMarkdown } from '../../src/extension/quantize/report-markdown';
import { escapeMarkdown } from '../../src/core/common/markdown';
import { loadRuntimeModel } from '../../src/core/runtime/index';
import { BuiltinOperator, loadModel, ModelBuilder, TensorType, type Model, type Operator, type Tensor } from '../../src/core/tflite/index';
import { HAS_SHARED, sharedModel } from '../helpers/paths';

function data(shape: number[], count: number, seed: number): Dataset {
  const r = rng(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  return { source: `synthetic, seed ${seed}`, inputShapes: [shape], samples: Array.from({ length: count }, () => [Float32Array.from({ length: n }, () => 2 * r() - 1)]) };
}

function floatModel(): Model {
  const b = new ModelBuilder({ seed: 11 });
  const x = b.input('image', [1, 6, 6, 2]);
  const c = b.conv2d(x, 6, [3, 3], { activation: 'RELU' });
  const d = b.depthwiseConv2d(c, [3, 3], { activation: 'RELU' });
  const f = b.fullyConnected(b.reshape(d, [1, -1]), 5);
  b.output(b.softmax(f));
  return b.build();
}

/** The weight tensor of each CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED, in operator order (through a DEQUANTIZE if any). */
function weightsOf(model: Model): Tensor[] {
  const sg = model.subgraphs[0]!;
  const code = (op: Operator) => model.operatorCodes[op.opcodeIndex]!.builtinCode;
  const producer = (t: number) => sg.operators.find((op) => op.outputs.includes(t));
  return sg.operators.filter((op) => [BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D, BuiltinOperator.FULLY_CONNECTED].includes(code(op))).map((op) => {
    const p = producer(op.inputs[1]!);
    return sg.tensors[p && code(p) === BuiltinOperator.DEQUANTIZE ? p.inputs[0]! : op.inputs[1]!]!;
  });
}

const bytes = (m: Model, t: Tensor) => Buffer.from(m.buffers[t.buffer]!.data);

/** The same hybrid model with each int8 weight behind a DEQUANTIZE (what some converters write instead). */
function withDequantize(hybrid: Model): Model {
  const sg = hybrid.subgraphs[0]!;
  const tensors = [...sg.tensors];
  const codes = [...hybrid.operatorCodes, { builtinCode: BuiltinOperator.DEQUANTIZE, deprecatedBuiltinCode: BuiltinOperator.DEQUANTIZE, version: 2 }];
  const operators: Operator[] = [];
  for (const op of sg.operators) {
    const inputs = op.inputs.map((t) => {
      const w = sg.tensors[t];
      if (!w || w.type !== TensorType.INT8 || hybrid.buffers[w.buffer]!.data.byteLength === 0) return t;
      const { quantization: _q, ...rest } = w;
      tensors.push({ ...rest, name: `${w.name}_dequantized`, type: TensorType.FLOAT32, buffer: 0 });
      operators.push({ opcodeIndex: codes.length - 1, inputs: [t], outputs: [tensors.length - 1], customOptionsFormat: 0, debugMetadataIndex: -1 });
      return tensors.length - 1;
    });
    operators.push({ ...op, inputs });
  }
  return { ...hybrid, operatorCodes: codes, subgraphs: [{ ...sg, tensors, operators }] };
}

test('a hybrid model (our --mode dynamic output) becomes full int8 keeping the real values of its int8 weights exactly (no second rounding), measured against the hybrid model', async () => {
  const calibration = data([1, 6, 6, 2], 60, 1);
  const heldOut = data([1, 6, 6, 2], 20, 2);
  const hybrid = (await quantizeModel(floatModel(), calibration, { mode: 'dynamic', dynamicMinElements: 0 })).model;
  const hybridWeights = weightsOf(hybrid);
  assert.ok(hybridWeights.every((t) => t.type === TensorType.INT8), 'the dynamic model has int8 weights');

  for (const [label, source] of [['hybrid', hybrid], ['DEQUANTIZE', withDequantize(hybrid)]] as const) {
    const full = await quantizeModel(source, calibration, { heldOut });
    const sg = full.model.subgraphs[0]!;
    assert.ok(sg.tensors.every((t) => t.type !== TensorType.FLOAT32), `${label}: full integer`);
    const fullWeights = weightsOf(full.model);
    fullWeights.forEach((w, k) => {
      // The same real weights, nothing rounded again: per channel, the hybrid's values times 2^k and its scale over
      // 2^k, k the largest power of two that keeps the channel within ±127 (hybrid.ts keepInt8Weights).
      const h = hybridWeights[k]!;
      const hv = Int8Array.from(bytes(hybrid, h), (b) => (b << 24) >> 24), fv = Int8Array.from(bytes(full.model, w), (b) => (b << 24) >> 24);
      const hs = h.quantization!.scale.map(Math.fround), fs = w.quantization!.scale;
      const axis = w.quantization!.quantizedDimension;
      let inner = 1;
      for (let d = axis + 1; d < w.shape.length; d++) inner *= w.shape[d]!;
      const channelMax = new Array<number>(fs.length).fill(0);
      assert.equal(fv.length, hv.length);
      for (let i = 0; i < fv.length; i++) {
        const c = Math.floor(i / inner) % fs.length;
        assert.equal(fv[i]! * fs[c]!, hv[i]! * hs[hs.length > 1 ? c : 0]!, `${label}: op ${k} weight ${i} has the same real value`);
        channelMax[c] = Math.max(channelMax[c]!, Math.abs(fv[i]!));
      }
      assert.ok(channelMax.every((m) => m === 0 || m >= 64), `${label}: op ${k}, every channel uses its int8 range (${channelMax})`);
      assert.ok(fs.every((x, c) => Math.log2(hs[hs.length > 1 ? c : 0]! / x) % 1 === 0), `${label}: op ${k} scales differ by powers of two`);
    });
    assert.equal(full.report.sourceInt8?.weightsKept, 3);
    assert.deepEqual(full.report.sourceInt8?.weightsRequantized, []);
    assert.equal(full.report.sourceInt8?.hybridOps, label === 'hybrid' ? 3 : 0);
    assert.equal(full.report.accuracy?.reference, label === 'hybrid' ? 'hybrid' : undefined);
    // Every surface says what it measured against and what was kept: the CLI text and the markdown report.
    const md = quantizationReportMarkdown(full.report, full.warnings, { source: 'm_dynamic.tflite', output: 'm_int8.tflite' });
    assert.match(md, new RegExp(`Quantized vs the ${label === 'hybrid' ? 'hybrid model as given' : 'float model'} on \\*\\*20 held-out samples\\*\\*`));
    const sourceText = `${label === 'hybrid' ? 'hybrid model (3 operator(s) with int8 weights in float kernels)' : 'model with int8 weights behind DEQUANTIZE'}; 3 int8 weight tensor(s) kept as they were`;
    assert.ok(md.includes(`\nSource: ${escapeMarkdown(sourceText)}.\n`), md);
    assert.match(formatQuantizationReport(full.report), label === 'hybrid' ? /^Source: hybrid model/m : /^Source: model with int8 weights behind DEQUANTIZE/m);
    assert.ok(full.report.accuracy!.outputs[0]!.sqnrDb > 20, `${label}: SQNR ${full.report.accuracy!.outputs[0]!.sqnrDb}`);
    assert.equal(full.report.tflm?.runs, true, full.report.tflm?.notes.join('\n'));
    const rt = await loadRuntimeModel(full.bytes);
    const [y] = rt.run([new Int8Array(72)]);
    rt.dispose();
    assert.equal(y!.length, 5);
  }
});

test('int8 weights that are asymmetric are quantized again, and the report says why', async () => {
  const calibration = data([1, 6, 6, 2], 30, 1);
  const hybrid = (await quantizeModel(floatModel(), calibration, { mode: 'dynamic', dynamicMinElements: 0 })).model;
  const sg = hybrid.subgraphs[0]!;
  const fc = weightsOf(hybrid)[2]!;
  const tensors = sg.tensors.map((t) => (t === fc ? { ...t, quantization: { ...t.quantization!, zeroPoint: [3] } } : t));
  const full = await quantizeModel({ ...hybrid, subgraphs: [{ ...sg, tensors }] }, calibration);
  assert.equal(full.report.sourceInt8?.weightsKept, 2);
  assert.match(full.report.sourceInt8!.weightsRequantized.join('\n'), /asymmetric \(zero point not 0\)/);
  const w = weightsOf(full.model)[2]!;
  assert.ok(w.quantization!.zeroPoint.every((z) => Number(z) === 0));
});

const KWS = process.env['TINYML_KWS_HYBRID'] ?? (HAS_SHARED ? sharedModel('mlperf-tiny/kws_ref_model_float32.tflite') : '');

test('MLPerf Tiny kws_ref_model_float32.tflite (hybrid) becomes full int8 that runs', { skip: KWS && fs.existsSync(KWS) ? false : 'kws_ref_model_float32.tflite not present' }, async () => {
  const { model } = loadModel(new Uint8Array(fs.readFileSync(KWS)));
  const full = await quantizeModel(model, data([1, 49, 10, 1], 50, 3), { heldOut: data([1, 49, 10, 1], 10, 4) });
  assert.ok(full.report.sourceInt8!.hybridOps > 0);
  assert.ok(full.model.subgraphs[0]!.tensors.every((t) => t.type !== TensorType.FLOAT32));
  assert.equal(full.report.tflm?.runs, true);
});
