/**
 * Models whose outputs are indices (ARG_MAX / ARG_MIN heads): the quantizer scores the values they index and puts the
 * heads back on the quantized model (src/core/quantize/index-heads.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatQuantizationReport, quantizeModel } from '../../src/core/quantize/index';
import { argIndices, attachIndexHeads, stripIndexHeads } from '../../src/core/quantize/index-heads';
import { TflmReference } from '../../src/core/quantize/tflm-reference';
import { toTensorArray } from '../../src/core/quantize/tensor-io';
import { loadRuntimeModel } from '../../src/core/runtime/index';
import { BuiltinOperator, ModelBuilder, readModel, TensorType, writeModel, type Model } from '../../src/core/tflite/index';
import { smoothImages } from '../helpers/smooth-images';

/** The body of a small image classifier: an 8×8 RGB input, a convolution and its 10 scores ("scores"). */
function classifierBody(seed: number, signatureKey?: string) {
  const b = new ModelBuilder({ seed, ...(signatureKey ? { signatureKey } : {}) });
  const x = b.input('image', [1, 8, 8, 3]);
  const c = b.conv2d(x, 6, [3, 3], { padding: 'SAME', activation: 'RELU' });
  return { b, c, scores: b.fullyConnected(b.reshape(c, [1, 384]), 10, { name: 'scores' }) };
}

type Ref = ReturnType<ModelBuilder['input']>;

/** An ARG_MAX / ARG_MIN over axis 1 writing int32 indices named `name`. */
function indexHead(b: ModelBuilder, code: BuiltinOperator.ARG_MAX | BuiltinOperator.ARG_MIN, of: Ref, name: string): Ref {
  const options = code === BuiltinOperator.ARG_MAX ? 'ArgMaxOptions' : 'ArgMinOptions';
  return b.op(code, [of, b.int32Constant([1])], [[1]], { type: options, table: { output_type: TensorType.INT32 } }, name)[0]!;
}

/** The built model, with the heads' tensors typed int32 (the builder types outputs float32). */
function withInt32(m: Model, heads: Ref[]): Model {
  for (const h of heads) m.subgraphs[0]!.tensors[h.index]!.type = TensorType.INT32;
  return m;
}

/** A small image classifier that returns its class number (ARG_MAX of the 10 scores), and the scores' name. */
function argMaxClassifier(): Model {
  const { b, scores } = classifierBody(4, 'serving_default');
  const idx = indexHead(b, BuiltinOperator.ARG_MAX, scores, 'class');
  b.output(idx);
  return withInt32(b.build(), [idx]);
}

const outputName = (m: Model, k = 0) => m.subgraphs[0]!.tensors[m.subgraphs[0]!.outputs[k]!]!.name;
const codes = (m: Model) => m.subgraphs[0]!.operators.map((o) => m.operatorCodes[o.opcodeIndex]!.builtinCode);

test('index heads come off with their input as the output in their place, and go back on as given', () => {
  const model = argMaxClassifier();
  const { model: stripped, heads } = stripIndexHeads(model);
  assert.equal(heads.length, 1);
  assert.equal(heads[0]!.of, 'scores');
  assert.equal(outputName(stripped), 'scores');
  assert.ok(!codes(stripped).includes(BuiltinOperator.ARG_MAX));
  const sig = stripped.signatureDefs[0];
  if (sig) assert.equal(stripped.subgraphs[0]!.tensors[sig.outputs[0]!.tensorIndex]!.name, 'scores', 'the signature follows');
  const back = attachIndexHeads(stripped, heads);
  assert.equal(outputName(back), 'class');
  assert.equal(back.subgraphs[0]!.tensors[back.subgraphs[0]!.outputs[0]!]!.type, TensorType.INT32);
  assert.deepEqual(codes(back).slice(-1), [BuiltinOperator.ARG_MAX]);
  // A model without heads is left alone.
  assert.equal(stripIndexHeads(stripped).heads.length, 0);
});

test('a classifier that returns its class number: the recipe is chosen on its scores, and the report counts equal indices', async () => {
  const model = argMaxClassifier();
  const q = await quantizeModel(model, smoothImages(96, 1), { heldOut: smoothImages(40, 2) });
  // Before, every candidate scored 0 dB on the int32 output and the report measured nothing.
  const r = q.report.recipe!;
  assert.ok(r.candidates.length > 1 && r.candidates.every((c) => c.scoreDb > 20), r.candidates.map((c) => c.scoreDb).join(', '));
  const a = q.report.accuracy!;
  assert.deepEqual(a.outputs.map((o) => o.name), ['scores']);
  assert.ok(a.outputs[0]!.sqnrDb > 20);
  assert.equal(a.indexOutputs?.length, 1);
  const x = a.indexOutputs![0]!;
  assert.equal(x.name, 'class');
  assert.equal(x.values, 40);
  assert.ok(x.agree >= 34, `${x.agree} of 40 indices agree`);
  assert.match(formatQuantizationReport(q.report), /output class: indices \(ARG_MAX of scores, scored above\) equal the float model's in \d+ of 40/);
  assert.match(formatQuantizationReport(q.report), /As TFLite Micro computes it \(reference kernels, bit-exact; first \d+ samples\): scores SQNR/);
  // The file written returns the class number as given, int8 ARG_MAX on the int8 scores, and runs on LiteRT and TFLM.
  const written = readModel(q.bytes);
  const sg = written.subgraphs[0]!;
  assert.equal(outputName(written), 'class');
  const head = sg.operators.find((o) => written.operatorCodes[o.opcodeIndex]!.builtinCode === BuiltinOperator.ARG_MAX)!;
  assert.equal(sg.tensors[head.inputs[0]!]!.type, TensorType.INT8);
  assert.equal(TflmReference.unsupported(written), undefined);
  const [rf, rq] = [await loadRuntimeModel(writeModel(model)), await loadRuntimeModel(q.bytes)];
  try {
    let agree = 0, sameOnTflm = 0;
    const ref = TflmReference.create(written);
    for (const s of smoothImages(40, 2).samples) {
      const xq = toTensorArray(sg.tensors[sg.inputs[0]!]!, s[0]!) as Int8Array;
      const want = Number(rf.run([s[0]!])[0]![0]);
      const got = Number(rq.run([xq])[0]![0]);
      if (got === want) agree++;
      assert.ok(Number.isInteger(got) && got >= 0 && got < 10);
      if (Number(ref.run([xq])[0]![0]) === got) sameOnTflm++;
    }
    assert.equal(agree, x.agree, 'the report counts what the written model computes');
    // TFLite Micro's kernels round a few scores differently from LiteRT's: an index may flip where two scores tie
    assert.ok(sameOnTflm >= 36, `${sameOnTflm} of 40 indices the same on TFLite Micro's kernels`);
  } finally {
    rf.dispose();
    rq.dispose();
  }
});

test('with float inputs/outputs the head reads the int8 scores (the output DEQUANTIZE goes); with a target, the scores are what the search meets', async () => {
  const model = argMaxClassifier();
  const f = await quantizeModel(model, smoothImages(96, 1), { heldOut: smoothImages(40, 2), io: 'float' });
  const fm = readModel(f.bytes);
  assert.ok(!codes(fm).includes(BuiltinOperator.DEQUANTIZE), 'no DEQUANTIZE left on the way to the head');
  assert.equal(fm.subgraphs[0]!.tensors[fm.subgraphs[0]!.outputs[0]!]!.type, TensorType.INT32);
  const t = await quantizeModel(model, smoothImages(96, 1), { heldOut: smoothImages(40, 2), targetSqnrDb: 45 });
  const mp = t.report.mixedPrecision!;
  assert.ok(mp.outputsBeforeDb.length === 1 && mp.outputsBeforeDb[0]! > 20, 'the target is measured on the scores, not on the indices');
  const tm = readModel(t.bytes);
  assert.equal(outputName(tm), 'class');
  assert.equal(TflmReference.unsupported(tm), undefined, 'TFLite Micro takes the head (int8 or float input)');
  const rt = await loadRuntimeModel(t.bytes);
  try {
    const sg = tm.subgraphs[0]!;
    const y = rt.run([toTensorArray(sg.tensors[sg.inputs[0]!]!, smoothImages(1, 3).samples[0]![0]!)])[0]!;
    assert.ok(Number(y[0]) >= 0 && Number(y[0]) < 10);
  } finally {
    rt.dispose();
  }
});

test('a head that writes int64 indices writes int32 in the quantized model (TFLite Micro has no int64 ARG_MAX), with a warning', async () => {
  const model = argMaxClassifier();
  const sg0 = model.subgraphs[0]!;
  sg0.tensors[sg0.outputs[0]!]!.type = TensorType.INT64;
  const head = sg0.operators.find((o) => model.operatorCodes[o.opcodeIndex]!.builtinCode === BuiltinOperator.ARG_MAX)!;
  head.builtinOptions = { type: 'ArgMaxOptions', table: { output_type: TensorType.INT64 } };
  const q = await quantizeModel(model, smoothImages(96, 1), { heldOut: smoothImages(40, 2) });
  const w = readModel(q.bytes);
  assert.equal(w.subgraphs[0]!.tensors[w.subgraphs[0]!.outputs[0]!]!.type, TensorType.INT32);
  assert.equal(TflmReference.unsupported(w), undefined);
  assert.ok(q.warnings.some((x) => /output "class": the model as given writes int64 indices.*int32/.test(x)), q.warnings.join('\n'));
  const x = q.report.accuracy!.indexOutputs![0]!;
  assert.ok(x.values === 40 && x.agree >= 34, `${x.agree} of ${x.values}: int64 indices of the float model compared with the int32 ones`);
});

test('an ARG_MAX whose indices another operator also reads stays in the model (it is not an output head)', () => {
  const model = argMaxClassifier();
  const sg = model.subgraphs[0]!;
  // a second operator reading the indices
  const idx = sg.outputs[0]!;
  sg.operators.push({ ...sg.operators[sg.operators.length - 1]!, inputs: [idx], outputs: [idx] });
  assert.equal(stripIndexHeads({ ...model, subgraphs: [{ ...sg, operators: sg.operators }] }).heads.length, 0);
  sg.operators.pop();
  assert.equal(stripIndexHeads(model).heads.length, 1);
});

test('the report numbers operators as the model as given, also when a head is not the last operator', async () => {
  // ARG_MAX is operator 3 of 6; two operators after it go on to a second output
  const { b, c, scores } = classifierBody(6);
  const idx = indexHead(b, BuiltinOperator.ARG_MAX, scores, 'class');
  const side = b.mean(b.conv2d(c, 4, [1, 1]), [1, 2], false);
  b.output(idx, side);
  const model = withInt32(b.build(), [idx]);
  assert.equal(codes(model)[3], BuiltinOperator.ARG_MAX);
  const q = await quantizeModel(model, smoothImages(64, 1), { heldOut: smoothImages(20, 2) });
  const ops = q.report.operators;
  assert.deepEqual(ops.map((o) => o.index), [0, 1, 2, 3, 4, 5]);
  for (const o of ops) assert.equal(o.op, BuiltinOperator[codes(model)[o.index]!], `operator #${o.index}`);
  // the per-layer accuracy names its producers the same way
  const layers = q.report.accuracy!.layers;
  assert.ok(layers.some((l) => /^#[45] /.test(l.producer)), JSON.stringify(layers.map((l) => l.producer)));
  for (const l of layers) {
    const [, n, op] = /^#(\d+) (\S+)$/.exec(l.producer)!;
    assert.equal(op, BuiltinOperator[codes(model)[Number(n)]!], l.producer);
  }
});

test('two heads on the same scores: one comes off, the other stays in place, and the report counts both', async () => {
  const { b, scores } = classifierBody(4);
  const best = indexHead(b, BuiltinOperator.ARG_MAX, scores, 'best');
  const worst = indexHead(b, BuiltinOperator.ARG_MIN, scores, 'worst');
  b.output(best, worst);
  const model = withInt32(b.build(), [best, worst]);
  assert.equal(stripIndexHeads(model).heads.length, 1, 'the second head reads what is an output already');
  const q = await quantizeModel(model, smoothImages(96, 1), { heldOut: smoothImages(40, 2) });
  const a = q.report.accuracy!;
  assert.deepEqual(a.outputs.map((o) => o.name), ['scores']);
  assert.deepEqual(a.indexOutputs?.map((o) => [o.name, o.op, o.of, o.values]), [['best', 'ARG_MAX', 'scores', 40], ['worst', 'ARG_MIN', 'scores', 40]]);
  // what the written model computes on LiteRT, against the float model
  const rq = await loadRuntimeModel(q.bytes), rf = await loadRuntimeModel(writeModel(model));
  try {
    // counted from the evaluation's own outputs (no second run of the models): the same as what LiteRT computes
    const sg = q.model.subgraphs[0]!;
    for (const [j, name] of ['best', 'worst'].entries()) {
      let agree = 0;
      for (const s of smoothImages(40, 2).samples) {
        const yq = rq.run([toTensorArray(sg.tensors[sg.inputs[0]!]!, s[0]!)]), yf = rf.run([s[0]!]);
        const k = rq.outputs.findIndex((o) => o.name === name), kf = rf.outputs.findIndex((o) => o.name === name);
        if (Number(yq[k]![0]) === Number(yf[kf]![0])) agree++;
      }
      assert.equal(a.indexOutputs![j]!.agree, agree, name);
    }
  } finally {
    rq.dispose();
    rf.dispose();
  }
});

test('argIndices: the first index on ties, along any axis, per sample, as ARG_MAX / ARG_MIN', () => {
  // two samples of shape [1, 2, 3]
  const v = Float32Array.from([1, 5, 5, 0, -2, 0, /* sample 2 */ 7, 7, 1, 3, 3, 9]);
  assert.deepEqual([...argIndices(v, [1, 2, 3], -1, false)], [1, 0, 0, 2]);
  assert.deepEqual([...argIndices(v, [1, 2, 3], 2, true)], [0, 1, 2, 0]);
  assert.deepEqual([...argIndices(v, [1, 2, 3], 1, false)], [0, 0, 0, 0, 0, 1]);
  assert.deepEqual([...argIndices(v, [1, 2, 3], 0, false)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});
