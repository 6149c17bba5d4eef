/**
 * Sparse (pruned) constants: the format's decoder (tflite/sparse-tensor.ts) and the quantizer's fold of DENSIFY
 * (quantize/graph.ts foldConstantDensify), so that a model whose weights are stored sparse becomes full integer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeModel } from '../../src/core/analysis/summary';
import { checkTflmCompatibility, isTflmCompatible } from '../../src/core/analysis/tflm-compat';
import { formatSummary } from '../../src/cli/format-summary';
import { floatToHalf, halfToFloat } from '../../src/core/common/float16';
import { toFloatGraph } from '../../src/core/quantize/hybrid';
import { layerSqnr } from '../../src/core/inspector/layer-sqnr';
import { weightStats } from '../../src/core/inspector/weight-stats';
import { foldConstantDensify } from '../../src/core/quantize/graph';
import { quantizeModel } from '../../src/core/quantize/index';
import { loadRuntimeModel } from '../../src/core/runtime/index';
import {
  BuiltinOperator, densify, ModelBuilder, ModelFormatError, TensorType, writeModel, type DimensionMetadata, type Model, type Tensor,
} from '../../src/core/tflite/index';
import { smoothImages } from '../helpers/smooth-images';
import { mulberry32 } from '../../src/core/common/seeded-random';

const f32 = (xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);
const floats = (b: Uint8Array) => Array.from(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4));
const dense = (n: number): DimensionMetadata => ({ format: 0, denseSize: n });
const csr = (segments: number[], indices: number[]): DimensionMetadata => ({
  format: 1, denseSize: 0, arraySegments: { type: 'Uint8Vector', values: segments }, arrayIndices: { type: 'Uint16Vector', values: indices },
});
const sparseTensor = (shape: number[], sparsity: Tensor['sparsity']): Tensor => ({ name: 'w', type: TensorType.FLOAT32, shape, buffer: 1, isVariable: false, hasRank: true, externalBuffer: 0, sparsity: sparsity! });

type Ref = ReturnType<ModelBuilder['input']>;
const FC_OPTIONS = { type: 'FullyConnectedOptions', table: { fused_activation_function: 'NONE', weights_format: 'DEFAULT', keep_num_dims: false, asymmetric_quantize_inputs: false } };
/** A FULLY_CONNECTED of `x` by the weights `w`, `units` outputs. */
const fc = (b: ModelBuilder, x: Ref, w: Ref, units: number, bias: Ref | null = null, name?: string): Ref =>
  b.op(BuiltinOperator.FULLY_CONNECTED, [x, w, bias], [[1, units]], FC_OPTIONS, name)[0]!;
/** `stored` → DENSIFY → DEQUANTIZE, as the TF converter writes pruned float16 or int8 weights. */
function behindDensify(b: ModelBuilder, stored: Ref, shape: number[]): { expanded: Ref; w: Ref } {
  const expanded = b.op(BuiltinOperator.DENSIFY, [stored], [shape])[0]!;
  return { expanded, w: b.op(BuiltinOperator.DEQUANTIZE, [expanded], [shape])[0]! };
}

test('densify: CSR rows (a row without values included) and 2×2 blocks, as TFLite stores them', () => {
  // [[0, a, 0, b], [0, 0, 0, 0], [c, 0, 0, 0]]
  const rows = sparseTensor([3, 4], { traversalOrder: [0, 1], dimMetadata: [dense(3), csr([0, 2, 2, 3], [1, 3, 0])] });
  assert.deepEqual(floats(densify(rows, f32([1.5, -2, 3]))), [0, 1.5, 0, -2, 0, 0, 0, 0, 3, 0, 0, 0]);
  // 4×4 of 2×2 blocks: block (0, 0) and block (1, 1) stored, each row-major
  const blocks = sparseTensor([4, 4], { traversalOrder: [0, 1, 2, 3], blockMap: [0, 1], dimMetadata: [dense(2), csr([0, 1, 2], [0, 1]), dense(2), dense(2)] });
  assert.deepEqual(floats(densify(blocks, f32([1, 2, 3, 4, 5, 6, 7, 8]))), [1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 5, 6, 0, 0, 7, 8]);
  // the same 4×4 with the traversal [1, 0, 3, 2]: block columns outer, then block rows (CSR), and inside a block
  // columns before rows, so each block is stored column by column
  const colBlocks = sparseTensor([4, 4], { traversalOrder: [1, 0, 3, 2], blockMap: [0, 1], dimMetadata: [dense(2), csr([0, 1, 2], [0, 1]), dense(2), dense(2)] });
  assert.deepEqual(floats(densify(colBlocks, f32([1, 3, 2, 4, 5, 7, 6, 8]))), [1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 5, 6, 0, 0, 7, 8]);
  // the traversal order swaps the dimensions: columns outer, CSR over rows
  const cols = sparseTensor([2, 3], { traversalOrder: [1, 0], dimMetadata: [dense(3), csr([0, 1, 1, 3], [1, 0, 1])] });
  assert.deepEqual(floats(densify(cols, f32([7, 8, 9]))), [0, 0, 8, 7, 0, 9]);
});

test('densify: a sparsity that does not fit its values or shape is an error naming the tensor', () => {
  const rows = sparseTensor([3, 4], { traversalOrder: [0, 1], dimMetadata: [dense(3), csr([0, 2, 2, 3], [1, 3, 0])] });
  assert.throws(() => densify(rows, f32([1, 2])), (e: unknown) => e instanceof ModelFormatError && /tensor "w": its sparsity lists more values/.test(e.message));
  assert.throws(() => densify(rows, f32([1, 2, 3, 4])), /tensor "w": 4 values stored, its sparsity places 3/);
  const outside = sparseTensor([3, 4], { traversalOrder: [0, 1], dimMetadata: [dense(3), csr([0, 1, 1, 1], [4])] });
  assert.throws(() => densify(outside, f32([1])), /outside its shape \[3, 4\]/);
  assert.throws(() => densify(sparseTensor([3, 4], { traversalOrder: [0, 1], dimMetadata: [dense(3)] }), f32([1])), /does not describe a rank-2 tensor/);
  // not a permutation, a block level among the first `rank`, a block of a dimension that is not there
  const blocks = (traversalOrder: number[], blockMap: number[]) => sparseTensor([4, 4], { traversalOrder, blockMap, dimMetadata: [dense(2), csr([0, 1, 2], [0, 1]), dense(2), dense(2)] });
  for (const [order, map] of [[[0, 0, 2, 3], [0, 1]], [[0, 2, 1, 3], [0, 1]], [[0, 1, 2, 3], [0, 2]]] as const) {
    assert.throws(() => densify(blocks([...order], [...map]), f32([1, 2, 3, 4, 5, 6, 7, 8])), /does not describe a rank-2 tensor with 2 block/, `${order} ${map}`);
  }
  assert.throws(() => densify(sparseTensor([3, 4], { traversalOrder: [0, 1], dimMetadata: [dense(2), csr([0, 1, 1], [0])] }), f32([1])), /level 0 spans 2 of dimension 0, which needs 3/);
});

/**
 * A convolution whose weights are stored as the TF converter stores pruned float16 weights: sparse (CSR over the last
 * dimension) → DENSIFY → DEQUANTIZE → CONV_2D; and the same network with those weights as a plain float constant.
 */
function prunedConv(): { sparse: Model; plain: Model } {
  const shape = [4, 3, 3, 3];
  const halves = Array.from({ length: 108 }, (_, i) => floatToHalf(i % 3 === 0 ? 0 : Math.sin(i) * 0.4));
  const make = (sparse: boolean) => {
    const b = new ModelBuilder({ seed: 2 });
    const x = b.input('image', [1, 8, 8, 3]);
    let weights;
    let fix = (_: Model) => undefined as void;
    if (sparse) {
      const segments = [0], indices: number[] = [], values: number[] = [];
      for (let r = 0; r < 36; r++) {
        for (let c = 0; c < 3; c++) if (halves[r * 3 + c] !== 0) { indices.push(c); values.push(halves[r * 3 + c]!); }
        segments.push(indices.length);
      }
      const stored = b.tensor('w_sparse', shape, TensorType.FLOAT16, new Uint8Array(Uint16Array.from(values).buffer));
      const { expanded: half, w } = behindDensify(b, stored, shape);
      weights = w;
      fix = (m) => {
        const sg = m.subgraphs[0]!;
        sg.tensors[stored.index]!.sparsity = { traversalOrder: [0, 1, 2, 3], dimMetadata: [dense(4), dense(3), dense(3), csr(segments, indices)] };
        sg.tensors[half.index]!.type = TensorType.FLOAT16;
        // DEQUANTIZE of float16 is version 3 (TFLite's op_version.cc)
        m.operatorCodes.find((c) => c.builtinCode === BuiltinOperator.DEQUANTIZE)!.version = 3;
      };
    } else {
      weights = b.constant(shape, { values: halves.map(halfToFloat) });
    }
    const c = b.op(BuiltinOperator.CONV_2D, [x, weights, b.constant([4], { values: [0.1, -0.1, 0.05, 0] })], [[1, 8, 8, 4]],
      { type: 'Conv2DOptions', table: { padding: 'SAME', stride_w: 1, stride_h: 1, fused_activation_function: 'RELU', dilation_w_factor: 1, dilation_h_factor: 1 } }, 'conv')[0]!;
    b.output(b.conv2d(c, 2, [1, 1], { name: 'head' }));
    const model = b.build();
    fix(model);
    return model;
  };
  return { sparse: make(true), plain: make(false) };
}

test('pruned float16 weights behind DENSIFY: folded to dense constants, the float graph computes what the sparse model does, and it quantizes to a model TFLite Micro runs', async () => {
  const { sparse, plain } = prunedConv();
  assert.ok(!isTflmCompatible(checkTflmCompatibility(sparse)), 'TFLite Micro has no DENSIFY kernel');
  assert.ok(checkTflmCompatibility(sparse).some((p) => p.opcode === 'DENSIFY' && /stored sparse \(pruned\): quantize the whole model.*writes them dense/.test(p.message)));
  const g = toFloatGraph(sparse);
  assert.equal(g.foldedDensify, 1);
  assert.equal(g.foldedDequantize, 1);
  const codes = g.model.subgraphs[0]!.operators.map((op) => g.model.operatorCodes[op.opcodeIndex]!.builtinCode);
  assert.deepEqual(codes, [BuiltinOperator.CONV_2D, BuiltinOperator.CONV_2D]);
  // the folded graph computes what the plain model does, bit for bit (LiteRT's own DENSIFY is not the oracle here:
  // before a 3×3 convolution it gives NaN, see quantize-model.ts)
  const input = smoothImages(1, 5).samples[0]![0]!;
  const run = async (m: Model) => {
    const rt = await loadRuntimeModel(writeModel(m));
    try { return Array.from(rt.run([input])[0] as Float32Array); } finally { rt.dispose(); }
  };
  assert.deepEqual(await run(g.model), await run(plain));
  const q = await quantizeModel(sparse, smoothImages(60, 3), { heldOut: smoothImages(20, 4), modelName: 'pruned.tflite' });
  assert.ok(isTflmCompatible(checkTflmCompatibility(q.model)), JSON.stringify(checkTflmCompatibility(q.model).filter((p) => p.severity !== 'info')));
  assert.ok(q.report.accuracy!.outputs[0]!.sqnrDb > 25, JSON.stringify(q.report.accuracy!.outputs));
  assert.equal(q.report.sizeBefore, writeModel(sparse).byteLength, 'the size before is the sparse file\'s');
  assert.ok(q.warnings.some((x) => /1 sparse weight tensor\(s\).*DENSIFY.*dense/.test(x)), q.warnings.join('\n'));
});

test('LiteRT\'s DENSIFY before a FULLY_CONNECTED reads the weights as densify does', async () => {
  // W = [[0, 1, 2], [3, 0, 0]], CSR over the columns; x = e_j reads column j
  const b = new ModelBuilder({ seed: 1 });
  const x = b.input('x', [1, 3]);
  const stored = b.tensor('ws', [2, 3], TensorType.FLOAT16, new Uint8Array(Uint16Array.from([1, 2, 3].map(floatToHalf)).buffer));
  const { expanded: half, w } = behindDensify(b, stored, [2, 3]);
  b.output(fc(b, x, w, 2));
  const m = b.build();
  const sg = m.subgraphs[0]!;
  sg.tensors[stored.index]!.sparsity = { traversalOrder: [0, 1], dimMetadata: [dense(2), csr([0, 2, 3], [1, 2, 0])] };
  sg.tensors[half.index]!.type = TensorType.FLOAT16;
  m.operatorCodes.find((c) => c.builtinCode === BuiltinOperator.DEQUANTIZE)!.version = 3;
  const dense16 = new Uint16Array(densify(sg.tensors[stored.index]!, m.buffers[sg.tensors[stored.index]!.buffer]!.data).buffer);
  const weights = Array.from(dense16, halfToFloat);
  assert.deepEqual(weights, [0, 1, 2, 3, 0, 0]);
  const rt = await loadRuntimeModel(writeModel(m));
  try {
    for (let j = 0; j < 3; j++) {
      const e = Float32Array.from([0, 1, 2], (k) => (k === j ? 1 : 0));
      assert.deepEqual(Array.from(rt.run([e])[0] as Float32Array), [weights[j]!, weights[3 + j]!]);
    }
  } finally {
    rt.dispose();
  }
});

test('a sparse constant read directly (a FULLY_CONNECTED\'s pruned weights, no DENSIFY) is made dense too', async () => {
  const b = new ModelBuilder({ seed: 3 });
  const x = b.input('x', [1, 4]);
  // W (3×4) = [[0, 0.5, 0, -0.25], [0, 0, 0, 0], [1, 0, 0, 0.75]]
  const w = b.tensor('w', [3, 4], TensorType.FLOAT32, f32([0.5, -0.25, 1, 0.75]));
  b.output(fc(b, x, w, 3, b.constant([3], { values: [0.1, 0.2, 0.3] })));
  const model = b.build();
  model.subgraphs[0]!.tensors[w.index]!.sparsity = { traversalOrder: [0, 1], dimMetadata: [dense(3), csr([0, 2, 2, 4], [1, 3, 0, 3])] };
  const g = toFloatGraph(model);
  assert.equal(g.foldedDensify, 1);
  const wt = g.model.subgraphs[0]!.tensors.find((t) => t.name === 'w')!;
  assert.equal(wt.sparsity, undefined);
  assert.deepEqual(floats(g.model.buffers[wt.buffer]!.data), [0, 0.5, 0, -0.25, 0, 0, 0, 0, 1, 0, 0, 0.75]);
  const r = mulberry32(5);
  const data = { source: 'synthetic', inputShapes: [[1, 4]], samples: Array.from({ length: 120 }, () => [Float32Array.from({ length: 4 }, () => r() * 2 - 1)]) };
  const q = await quantizeModel(model, data, { heldOut: data });
  assert.ok(q.report.accuracy!.outputs[0]!.sqnrDb > 30, JSON.stringify(q.report.accuracy!.outputs));
  assert.ok(q.model.subgraphs[0]!.tensors.every((t) => !t.sparsity), 'the written model has no sparse tensor');
});

test('LiteRT runs of a sparse model go through its dense form: the Compare view\'s per-layer SQNR of the pruned model against the same weights stored plainly is above 100 dB', async () => {
  const { sparse, plain } = prunedConv();
  const layer = (m: Model, name: string) => m.subgraphs[0]!.operators.findIndex((op) => m.subgraphs[0]!.tensors[op.outputs[0]!]!.name === name);
  const pairs = ['conv', 'head'].map((n) => ({ ref: layer(plain, n), other: layer(sparse, n) }));
  const r = await layerSqnr(plain, sparse, pairs, smoothImages(8, 6));
  // the same values; only float rounding differs (a DEQUANTIZE'd filter runs another kernel path than a constant one).
  // LiteRT's own DENSIFY gives NaN here.
  assert.ok(r.sqnrDb.every((db) => db !== null && db > 100), JSON.stringify(r.sqnrDb));
});

test('the inspector\'s weight statistics of a sparse constant are the dense tensor\'s, zeros included', () => {
  const { sparse } = prunedConv();
  const sg = sparse.subgraphs[0]!;
  const stats = weightStats(sparse, 0, sg.tensors.findIndex((t) => t.name === 'w_sparse'));
  assert.equal(stats.count, 108);
  assert.equal(stats.zeros, 36, 'every third weight was pruned');
  assert.equal(stats.type, 'FLOAT16');
});

test('with tensor indices kept (LiteRT runs): a DENSIFY that is also a graph output folds too, the sparse bytes are gone, the dense ones are shared', async () => {
  const b = new ModelBuilder({ seed: 3 });
  const x = b.input('x', [1, 4]);
  const stored = b.tensor('ws', [3, 4], TensorType.FLOAT32, f32([0.5, -0.25, 1, 0.75]));
  const w = b.op(BuiltinOperator.DENSIFY, [stored], [[3, 4]], undefined, 'w')[0]!;
  const y = fc(b, x, w, 3, null, 'y');
  b.output(y, w);
  const model = b.build();
  model.subgraphs[0]!.tensors[stored.index]!.sparsity = { traversalOrder: [0, 1], dimMetadata: [dense(3), csr([0, 2, 2, 4], [1, 3, 0, 3])] };
  const kept = foldConstantDensify(model, true).model;
  const ksg = kept.subgraphs[0]!;
  assert.equal(ksg.tensors.length, model.subgraphs[0]!.tensors.length, 'tensor indices kept');
  assert.deepEqual(ksg.operators.map((op) => kept.operatorCodes[op.opcodeIndex]!.builtinCode), [BuiltinOperator.FULLY_CONNECTED]);
  assert.equal(ksg.tensors[w.index]!.buffer, ksg.tensors[stored.index]!.buffer, 'one dense buffer, shared');
  assert.equal(kept.buffers[model.subgraphs[0]!.tensors[stored.index]!.buffer]!.data.byteLength, 0, 'the sparse bytes are dropped');
  // LiteRT runs it (a DENSIFY left reading a dense input would fail its Prepare), and a model equals itself
  const pair = { ref: 0, other: 0 };
  const r = await layerSqnr(model, model, [pair], { source: 's', inputShapes: [[1, 4]], samples: [[Float32Array.from([1, 2, 3, 4])]] });
  assert.deepEqual(r.sqnrDb, [Infinity]);
});

test('pruned int8 weights (per channel) behind DENSIFY → DEQUANTIZE keep their int8 values and scales as hybrid weights do', () => {
  const b = new ModelBuilder({ seed: 3 });
  const x = b.input('x', [1, 4]);
  // 2 × 4 int8, per output channel: [[0, 10, 0, -20], [30, 0, 0, 0]], scales 0.5 and 0.25
  const q = { scale: [0.5, 0.25], zeroPoint: [0, 0], quantizedDimension: 0 };
  const stored = b.tensor('w8', [2, 4], TensorType.INT8, new Uint8Array(Int8Array.from([10, -20, 30]).buffer), q);
  const { expanded, w } = behindDensify(b, stored, [2, 4]);
  b.output(fc(b, x, w, 2));
  const model = b.build();
  const sg = model.subgraphs[0]!;
  sg.tensors[stored.index]!.sparsity = { traversalOrder: [0, 1], dimMetadata: [dense(2), csr([0, 2, 3], [1, 3, 0])] };
  sg.tensors[expanded.index]!.type = TensorType.INT8;
  const g = toFloatGraph(model);
  assert.equal(g.foldedDensify, 1);
  const wf = g.model.subgraphs[0]!.tensors[g.model.subgraphs[0]!.operators[0]!.inputs[1]!]!;
  const buffer = g.model.buffers[wf.buffer]!;
  assert.deepEqual(floats(buffer.data), [0, 5, 0, -10, 7.5, 0, 0, 0]);
  const origin = g.int8Origins.get(buffer);
  assert.deepEqual(Array.from(origin?.values ?? []), [0, 10, 0, -20, 30, 0, 0, 0], 'the int8 values as stored, made dense');
  assert.deepEqual(origin?.quantization.scale, [0.5, 0.25]);
});

test('tinyml inspect says how many weight tensors are stored sparse', () => {
  const { sparse, plain } = prunedConv();
  assert.equal(summarizeModel(sparse).sparseTensors, 1);
  assert.match(formatSummary('pruned.tflite', summarizeModel(sparse)), /^Weights: .*; 1 tensor stored sparse \(pruned\)$/m);
  assert.doesNotMatch(formatSummary('plain.tflite', summarizeModel(plain)), /sparse/);
});

test('a damaged sparse weight stops quantization before calibration with an error naming the file and the tensor', async () => {
  const { sparse } = prunedConv();
  const sg = sparse.subgraphs[0]!;
  const w = sg.tensors.find((t) => t.name === 'w_sparse')!;
  sparse.buffers[w.buffer] = { ...sparse.buffers[w.buffer]!, data: sparse.buffers[w.buffer]!.data.slice(0, 10) };
  await assert.rejects(quantizeModel(sparse, smoothImages(10, 1), { modelName: 'pruned.tflite' }), (e: unknown) => {
    assert.ok(e instanceof ModelFormatError);
    assert.match(e.message, /^pruned\.tflite: tensor "w_sparse": its sparsity lists more values than its 5 stored ones/);
    return true;
  });
});
