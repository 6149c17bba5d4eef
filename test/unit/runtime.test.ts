import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  initRuntime, inputTensorIndices, loadRuntimeModel, runWithIntermediates, RuntimeError, withExtraOutputs, type RuntimeModel, type RuntimeTypedArray,
} from '../../src/core/runtime/index';
import { currentLiteRt } from '../../src/core/runtime/litert-loader';
import { liteRtFailure } from '../../src/core/runtime/explain-failure';
import { BuiltinOperator, ModelBuilder, readModel, TensorType, writeModel, type Model } from '../../src/core/tflite/index';

// Compiled to out/test/unit/: the project root is three levels up, the shared models next to it.
const ROOT = path.resolve(__dirname, '../../..');
const MODELS = path.resolve(ROOT, '../shared/models');
const HAVE_MODELS = fs.existsSync(MODELS);
const NO_MODELS = HAVE_MODELS ? false : 'needs ../shared/models';
const HELLO_FLOAT = 'tflm/examples/hello_world/hello_world_float.tflite';
const HELLO_INT8 = 'tflm/examples/hello_world/hello_world_int8.tflite';

function modelFile(rel: string): Uint8Array {
  return fs.readFileSync(path.join(MODELS, rel));
}

/** Little-endian float32 weights of a constant tensor, widened to float64. */
function constantValues(model: Model, tensorIndex: number): Float64Array {
  const t = model.subgraphs[0]!.tensors[tensorIndex]!;
  const data = model.buffers[t.buffer]!.data;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return Float64Array.from({ length: data.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

async function rejectsWith(p: Promise<unknown>, kind: RuntimeError['kind'], message: RegExp): Promise<RuntimeError> {
  let caught: unknown;
  await p.then(() => assert.fail(`expected a RuntimeError (${kind})`), (e: unknown) => { caught = e; });
  assert.ok(caught instanceof RuntimeError, `expected RuntimeError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  assert.match(caught.message, message);
  return caught;
}

function throwsWith(fn: () => unknown, kind: RuntimeError['kind'], message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RuntimeError, `expected RuntimeError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, message);
    return true;
  });
}

/** x = 0 .. 2π in n steps. */
const xs = (n: number): number[] => Array.from({ length: n }, (_, i) => (2 * Math.PI * i) / (n - 1));

test('the runtime starts without leaving loader globals behind', async () => {
  await initRuntime();
  await initRuntime(); // idempotent
  const g = globalThis as Record<string, unknown>;
  for (const name of ['self', 'importScripts', 'Module', 'ModuleFactory']) assert.equal(g[name], undefined, name);
});

test('hello_world_float approximates sin(x)', { skip: NO_MODELS }, async () => {
  const m = await loadRuntimeModel(modelFile(HELLO_FLOAT), { name: 'hello_world_float.tflite' });
  try {
    assert.deepEqual(m.inputs.map((i) => [i.name, i.dtype, i.shape]), [['dense_input', 'float32', [1, 1]]]);
    assert.deepEqual(m.inputs[0]!.shapeSignature, [-1, 1]);
    assert.deepEqual(m.outputs.map((o) => [o.dtype, o.shape]), [['float32', [1, 1]]]);
    let worst = 0;
    for (const x of xs(50)) {
      const [y] = m.run([new Float32Array([x])]);
      assert.ok(y instanceof Float32Array);
      worst = Math.max(worst, Math.abs(y[0]! - Math.sin(x)));
    }
    assert.ok(worst < 0.2, `max |y - sin x| = ${worst}`);
  } finally {
    m.dispose();
  }
});

test('hello_world_int8 approximates sin(x) once dequantized with the model\'s own scales', { skip: NO_MODELS }, async () => {
  const bytes = modelFile(HELLO_INT8);
  const model = readModel(bytes);
  const sg = model.subgraphs[0]!;
  const inQ = sg.tensors[sg.inputs[0]!]!.quantization!;
  const outQ = sg.tensors[sg.outputs[0]!]!.quantization!;
  const m = await loadRuntimeModel(bytes, { name: 'hello_world_int8.tflite' });
  const floatModel = await loadRuntimeModel(modelFile(HELLO_FLOAT));
  try {
    assert.equal(m.inputs[0]!.dtype, 'int8');
    assert.equal(m.outputs[0]!.dtype, 'int8');
    let worstSin = 0;
    let worstFloat = 0;
    for (const x of xs(50)) {
      const q = Math.max(-128, Math.min(127, Math.round(x / inQ.scale[0]! + inQ.zeroPoint[0]!)));
      const y = m.run([new Int8Array([q])])[0];
      assert.ok(y instanceof Int8Array);
      const real = outQ.scale[0]! * (y[0]! - outQ.zeroPoint[0]!);
      const yf = floatModel.run([new Float32Array([x])])[0] as Float32Array;
      worstSin = Math.max(worstSin, Math.abs(real - Math.sin(x)));
      worstFloat = Math.max(worstFloat, Math.abs(real - yf![0]!));
    }
    assert.ok(worstSin < 0.25, `max |y - sin x| = ${worstSin}`);
    assert.ok(worstFloat < 0.15, `max |int8 - float| = ${worstFloat}`);
  } finally {
    m.dispose();
    floatModel.dispose();
  }
});

test('person_detect is rejected with an explanation of its bias quantized_dimension', { skip: NO_MODELS }, async () => {
  const e = await rejectsWith(
    loadRuntimeModel(modelFile('tflm/models/person_detect.tflite'), { name: 'person_detect.tflite' }),
    'invalid-quantization',
    /^person_detect\.tflite cannot be loaded .*quantized_dimension=3.*TFLite Micro accepts it/,
  );
  assert.ok(e.details.some((l) => /Tensor \d+ has invalid quantization parameters/.test(l)), e.details.join('\n'));
});

/**
 * A 96x96 8-bit BMP as the TFLM person_detection test feeds it: rows top-down, each byte copied into the int8
 * input as is (generate_cc_arrays.py writes PIL's tobytes(), the test memcpy()s it).
 */
function bmpToInt8(file: string): Int8Array {
  const bmp = fs.readFileSync(file);
  const offset = bmp.readUInt32LE(10);
  const width = bmp.readInt32LE(18);
  const height = bmp.readInt32LE(22);
  assert.equal(bmp.readUInt16LE(28), 8);
  const stride = Math.ceil(width / 4) * 4;
  const out = new Int8Array(width * Math.abs(height));
  for (let y = 0; y < Math.abs(height); y++) {
    const row = height > 0 ? Math.abs(height) - 1 - y : y; // positive height: stored bottom-up
    for (let x = 0; x < width; x++) {
      out[y * width + x] = bmp[offset + row * stride + x]!; // wraps to int8 like memcpy
    }
  }
  return out;
}

const TESTDATA = path.resolve(ROOT, '../shared/data/tflm-testdata');

test('person_detect runs once its 1-D tensors get quantized_dimension 0, as the error suggests', { skip: HAVE_MODELS && fs.existsSync(TESTDATA) ? false : 'needs ../shared/models and ../shared/data' }, async () => {
  const model = readModel(modelFile('tflm/models/person_detect.tflite'));
  const sg = model.subgraphs[0]!;
  const tensors = sg.tensors.map((t) =>
    t.quantization && t.quantization.quantizedDimension >= t.shape.length ? { ...t, quantization: { ...t.quantization, quantizedDimension: 0 } } : t);
  assert.ok(tensors.some((t, i) => t !== sg.tensors[i]));
  const m = await loadRuntimeModel(writeModel({ ...model, subgraphs: [{ ...sg, tensors }] }), { name: 'person_detect (fixed)' });
  try {
    assert.deepEqual(m.inputs.map((i) => [i.dtype, i.shape]), [['int8', [1, 96, 96, 1]]]);
    // Output [no person, person] scores, as in the TFLM example.
    const person = m.run([bmpToInt8(path.join(TESTDATA, 'person.bmp'))])[0] as Int8Array;
    const noPerson = m.run([bmpToInt8(path.join(TESTDATA, 'no_person.bmp'))])[0] as Int8Array;
    assert.ok(person[1]! > person[0]!, `person.bmp scored ${Array.from(person)}`);
    assert.ok(noPerson[0]! > noPerson[1]!, `no_person.bmp scored ${Array.from(noPerson)}`);
  } finally {
    m.dispose();
  }
});

test('an SVDF model (keyword_scrambled) is rejected: variable tensors', { skip: NO_MODELS }, async () => {
  await rejectsWith(
    loadRuntimeModel(modelFile('tflm/models/keyword_scrambled.tflite'), { name: 'keyword_scrambled.tflite' }),
    'variable-tensors',
    /^keyword_scrambled\.tflite cannot be loaded .*variable tensors/,
  );
});

test('an unresolved custom op fails the run instead of returning garbage', { skip: NO_MODELS }, async () => {
  const m = await loadRuntimeModel(modelFile('tflm/examples/micro_speech/audio_preprocessor_int8.tflite'), { name: 'audio_preprocessor_int8.tflite' });
  try {
    throwsWith(() => m.run([new Int16Array(480)]), 'unsupported-op', /custom operator "SignalWindow"/);
  } finally {
    m.dispose();
  }
});

test('inputs that do not fit are rejected, naming the input, its shape and type', { skip: NO_MODELS }, async () => {
  const m = await loadRuntimeModel(modelFile(HELLO_FLOAT), { name: 'hello_world_float.tflite' });
  try {
    throwsWith(() => m.run([new Float32Array(2)]), 'invalid-input', /input 0 "dense_input" of hello_world_float\.tflite \(float32, shape \[1, 1\]\) needs 1 elements, got 2\. .*dynamic/);
    throwsWith(() => m.run([new Int8Array(1)]), 'invalid-input', /"dense_input".*needs a Float32Array, got a Int8Array/);
    throwsWith(() => m.run([]), 'invalid-input', /takes 1 input\(s\) \(dense_input\), got 0/);
    // Still usable after rejected calls.
    assert.equal(m.run([new Float32Array([0])]).length, 1);
  } finally {
    m.dispose();
  }
  throwsWith(() => m.run([new Float32Array(1)]), 'model-disposed', /disposed/);
});

test('bytes that are not a model are a RuntimeError', async () => {
  await rejectsWith(loadRuntimeModel(new Uint8Array(3), { name: 'x.tflite' }), 'load-failed', /x\.tflite is too small/);
  const junk = new Uint8Array(64).fill(7);
  await rejectsWith(loadRuntimeModel(junk, { name: 'junk.tflite' }), 'load-failed', /^junk\.tflite cannot be loaded/);
});

test('intermediates of hello_world_float match a float64 recomputation; outputs stay bit-identical', { skip: NO_MODELS }, async () => {
  const bytes = modelFile(HELLO_FLOAT);
  const model = readModel(bytes);
  const sg = model.subgraphs[0]!;
  const first = sg.operators[0]!;
  assert.equal(model.operatorCodes[first.opcodeIndex]!.builtinCode, BuiltinOperator.FULLY_CONNECTED);
  assert.equal(first.builtinOptions?.table.fused_activation_function, 'RELU');
  const [inT, wT, bT] = first.inputs as [number, number, number];
  const hidden = first.outputs[0]!;
  const w = constantValues(model, wT); // [units, in] = [16, 1]
  const b = constantValues(model, bT);
  const units = b.length;

  const plain = await loadRuntimeModel(bytes);
  try {
    for (const x of [0, 0.5, 1.7, 3.1, 4.4, 6.2]) {
      const input = new Float32Array([x]);
      const res = await runWithIntermediates(model, [input], [hidden, inT, wT]);
      const act = res.intermediates.get(hidden) as Float32Array;
      assert.ok(act instanceof Float32Array && act.length === units);
      for (let u = 0; u < units; u++) {
        const expected = Math.max(0, w[u]! * Math.fround(x) + b[u]!);
        assert.ok(Math.abs(act[u]! - expected) <= 1e-5, `x=${x} unit ${u}: ${act[u]} vs ${expected}`);
      }
      assert.equal(res.intermediates.get(inT), input); // inputs come back as given
      assert.deepEqual(Array.from(res.intermediates.get(wT) as Float32Array), Array.from(Float32Array.from(w)));
      const [y] = plain.run([input]);
      assert.deepEqual(res.outputTensors, sg.outputs);
      assert.ok(sameBytes(res.outputs[0]!, y!), `x=${x}: ${res.outputs[0]![0]} vs ${y![0]}`);
    }
    // Every activation at once, from the bytes.
    const all = sg.tensors.map((_, i) => i).filter((i) => model.buffers[sg.tensors[i]!.buffer]!.data.length === 0);
    const res = await runWithIntermediates(bytes, [new Float32Array([2])], all);
    assert.deepEqual([...res.intermediates.keys()], all);
    assert.ok(sameBytes(res.outputs[0]!, plain.run([new Float32Array([2])])[0]!));
  } finally {
    plain.dispose();
  }
});

test('withExtraOutputs returns a modified copy and leaves the model alone', { skip: NO_MODELS }, () => {
  const model = readModel(modelFile(HELLO_FLOAT));
  const before = JSON.stringify({ o: model.subgraphs[0]!.outputs, s: model.signatureDefs });
  const copy = withExtraOutputs(model, [7, 9, 8, 7]);
  assert.equal(JSON.stringify({ o: model.subgraphs[0]!.outputs, s: model.signatureDefs }), before);
  assert.deepEqual(copy.subgraphs[0]!.outputs, [9, 7, 8]);
  assert.deepEqual(copy.signatureDefs[0]!.outputs, [
    { name: 'dense_2', tensorIndex: 9 }, { name: 'tinyml_tensor_7', tensorIndex: 7 }, { name: 'tinyml_tensor_8', tensorIndex: 8 },
  ]);
  assert.equal(copy.buffers, model.buffers);
  assert.throws(() => withExtraOutputs(model, [99]), /tensor 99 does not exist in subgraph 0, which has 10 tensors/);
});

/** input [1, 4] -> FULLY_CONNECTED(3, RELU) -> FULLY_CONNECTED(2) */
function builtModel(): { model: Model; hidden: number } {
  const b = new ModelBuilder({ seed: 7 });
  const x = b.input('x', [1, 4]);
  const h = b.fullyConnected(x, 3, { activation: 'RELU', name: 'hidden' });
  const y = b.fullyConnected(h, 2, { name: 'y' });
  b.output(y);
  return { model: b.build(), hidden: h.index };
}

test('a model built in code runs and matches a float64 recomputation from its weights', async () => {
  const { model, hidden } = builtModel();
  const sg = model.subgraphs[0]!;
  const [op1, op2] = sg.operators as [Model['subgraphs'][0]['operators'][0], Model['subgraphs'][0]['operators'][0]];
  const dense = (input: Float64Array, op: typeof op1, relu: boolean): Float64Array => {
    const w = constantValues(model, op.inputs[1]!);
    const bias = op.inputs[2]! >= 0 ? constantValues(model, op.inputs[2]!) : undefined;
    const units = w.length / input.length;
    return Float64Array.from({ length: units }, (_, u) => {
      let s = bias?.[u] ?? 0;
      for (let i = 0; i < input.length; i++) s += w[u * input.length + i]! * input[i]!;
      return relu ? Math.max(0, s) : s;
    });
  };
  const bytes = writeModel(model);
  const m = await loadRuntimeModel(bytes, { name: 'built.tflite' });
  try {
    assert.deepEqual(m.inputs.map((i) => [i.dtype, i.shape]), [['float32', [1, 4]]]);
    assert.deepEqual(m.outputs.map((o) => [o.dtype, o.shape]), [['float32', [1, 2]]]);
    const input = new Float32Array([0.5, -1, 2, 0.25]);
    const h = dense(Float64Array.from(input), op1, true);
    const expected = dense(h, op2, false);
    const y = m.run([input])[0] as Float32Array;
    expected.forEach((v, i) => assert.ok(Math.abs(y[i]! - v) < 1e-5, `${y[i]} vs ${v}`));

    const res = await runWithIntermediates(model, [input], [hidden]);
    const act = res.intermediates.get(hidden) as Float32Array;
    h.forEach((v, i) => assert.ok(Math.abs(act[i]! - v) < 1e-5, `${act[i]} vs ${v}`));
    assert.ok(sameBytes(res.outputs[0]!, y));
  } finally {
    m.dispose();
  }
});

/** Values for an int32 input that is TRANSPOSE_CONV's output_shape: the shape of that op's output. */
function outputShapeFeeding(model: Model, tensor: number): number[] | undefined {
  const sg = model.subgraphs[0]!;
  const op = sg.operators.find((o) => model.operatorCodes[o.opcodeIndex]!.builtinCode === BuiltinOperator.TRANSPOSE_CONV && o.inputs[0] === tensor);
  return op && sg.tensors[op.outputs[0]!]!.shape;
}

function sampleInputs(model: Model, m: RuntimeModel, seed: number): RuntimeTypedArray[] {
  const tensors = inputTensorIndices(model, m.inputs.map((i) => i.name));
  let s = seed >>> 0;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return m.inputs.map((info, k) => {
    const n = info.shape.reduce((a, d) => a * d, 1);
    switch (info.dtype) {
      case 'float32': return Float32Array.from({ length: n }, () => next() * 2 - 1);
      case 'int8': return Int8Array.from({ length: n }, () => Math.floor(next() * 256) - 128);
      case 'int16': return Int16Array.from({ length: n }, () => Math.floor(next() * 65536) - 32768);
      case 'uint8': return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
      case 'int32': return Int32Array.from(outputShapeFeeding(model, tensors[k]!) ?? new Array<number>(n).fill(1));
      default: throw new Error(`no sample input for ${info.dtype}`);
    }
  });
}

test('every element type goes in and comes out through CAST (float16 as its bits, bool as bytes), by run and by runVisiting', async () => {
  const cases: [TensorType, RuntimeTypedArray, number[]][] = [
    [TensorType.INT8, new Int8Array([-128, -1, 0, 127]), [-128, -1, 0, 127]],
    [TensorType.UINT8, new Uint8Array([0, 1, 200, 255]), [0, 1, 200, 255]],
    [TensorType.INT16, new Int16Array([-32768, -1, 0, 32767]), [-32768, -1, 0, 32767]],
    [TensorType.INT32, new Int32Array([-5, 0, 7, 1 << 20]), [-5, 0, 7, 1 << 20]],
    [TensorType.INT64, new BigInt64Array([-5n, 0n, 7n, 1n << 40n]), [-5, 0, 7, 2 ** 40]],
    [TensorType.BOOL, new Uint8Array([0, 1, 1, 0]), [0, 1, 1, 0]],
    [TensorType.FLOAT16, new Uint16Array([0x3c00, 0xc000, 0x0000, 0x3800]), [1, -2, 0, 0.5]],
    [TensorType.FLOAT64, new Float64Array([0.5, -2, 3, 1e6]), [0.5, -2, 3, 1e6]],
    [TensorType.UINT16, new Uint16Array([0, 1, 65535, 7]), [0, 1, 65535, 7]],
    [TensorType.UINT32, new Uint32Array([0, 1, 2 ** 31, 7]), [0, 1, 2 ** 31, 7]],
  ];
  for (const [type, input, values] of cases) {
    const name = TensorType[type]!;
    // x (type) -> CAST -> float32 output; f (float32) -> CAST -> output of the type.
    const b = new ModelBuilder();
    const x = b.input('x', [4], type);
    const f = b.input('f', [4]);
    const [xAsFloat] = b.op(BuiltinOperator.CAST, [x], [[4]], undefined, 'x_as_float');
    const [fAsType] = b.op(BuiltinOperator.CAST, [f], [[4]], undefined, 'f_as_type');
    b.output(xAsFloat!, fAsType!);
    const model = b.build();
    model.subgraphs[0]!.tensors[fAsType!.index]!.type = type;
    const m = await loadRuntimeModel(writeModel(model), { name });
    try {
      assert.equal(m.inputs[0]!.dtype, name.toLowerCase(), name);
      const [asFloat, asType] = m.run([input, Float32Array.from(values)]);
      assert.deepEqual(Array.from(asFloat as Float32Array), values, name);
      assert.equal(asType!.constructor, input.constructor, name);
      assert.deepEqual(Array.from(asType as Float64Array, String), Array.from(input as Float64Array, String), name);
      // runVisiting hands the same values over as views of the runtime's memory (copied here, as its callers do).
      const seen: string[][] = [];
      m.runVisiting([input, Float32Array.from(values)], (i, v) => { seen[i] = Array.from(v.slice() as Float64Array, String); });
      assert.deepEqual(seen, [asFloat!, asType!].map((v) => Array.from(v as Float64Array, String)), `${name}, runVisiting`);
      const boom = new Error('the visitor failed');
      assert.throws(() => m.runVisiting([input, Float32Array.from(values)], () => { throw boom; }), (e) => e === boom, `${name}: a visitor's error is not a runtime failure`);
    } finally {
      m.dispose();
    }
  }
});

test('every shared model runs twice with the same result, also when all activations are read, or throws a RuntimeError saying why it cannot', { skip: NO_MODELS }, async () => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.tflite')) files.push(p);
    }
  };
  walk(MODELS);
  assert.ok(files.length > 0);
  let ran = 0;
  for (const file of files) {
    const name = path.relative(MODELS, file);
    const bytes = fs.readFileSync(file);
    try {
      const m = await loadRuntimeModel(bytes, { name });
      try {
        const model = readModel(bytes);
        const inputs = sampleInputs(model, m, 42);
        const first = m.run(inputs);
        const second = m.run(inputs);
        assert.equal(first.length, m.outputs.length, name);
        first.forEach((o, i) => assert.ok(sameBytes(o, second[i]!), `${name}: output ${i} differs between runs`));
        // Reading every activation must not change the outputs by a bit.
        const sg = model.subgraphs[0]!;
        const activations = sg.tensors.map((_, i) => i).filter((i) => model.buffers[sg.tensors[i]!.buffer]!.data.length === 0);
        const withActivations = await runWithIntermediates(model, inputs, activations, { name });
        assert.equal(withActivations.intermediates.size, activations.length, name);
        first.forEach((o, i) => assert.ok(sameBytes(o, withActivations.outputs[i]!), `${name}: output ${i} changed when activations were read`));
        ran++;
      } finally {
        m.dispose();
      }
    } catch (e) {
      assert.ok(e instanceof RuntimeError, `${name}: ${String(e)}`);
      assert.ok(e.message.startsWith(name), e.message);
      // The only reasons a model of the corpus may not run: stateful layers, custom ops, person_detect's quantization,
      // the single-op transpose_conv models whose output_shape is an input.
      assert.ok(['variable-tensors', 'unsupported-op', 'invalid-quantization', 'dynamic-shape'].includes(e.kind), `${name}: ${e.kind}: ${e.message}`);
    }
  }
  assert.ok(ran > files.length / 2, `only ${ran} of ${files.length} ran`);
});

test('outputs whose shape is computed while running are refused (LiteRT.js would return garbage)', { skip: NO_MODELS }, async () => {
  // transpose_conv0 takes its output_shape as a model input.
  await rejectsWith(
    loadRuntimeModel(modelFile('tflm/seanet/transpose_conv/transpose_conv0.tflite'), { name: 'transpose_conv0.tflite' }),
    'dynamic-shape',
    /^transpose_conv0\.tflite cannot be run .*output tensor 4 ".*" of TRANSPOSE_CONV \(operator 0\): its shape comes from the non-constant input tensor 0 ".*conv\/stack"/,
  );
});

test('a RESHAPE with a run-time shape is refused as an output, and fine inside the model', async () => {
  const build = (relu: boolean): Uint8Array => {
    const b = new ModelBuilder();
    const x = b.input('x', [1, 6]);
    const shape = b.input('shape', [2], TensorType.INT32);
    const [y] = b.op(BuiltinOperator.RESHAPE, [x, shape], [[2, 3]]);
    b.output(relu ? b.relu(y!) : y!);
    return writeModel(b.build());
  };
  await rejectsWith(loadRuntimeModel(build(false), { name: 'reshape.tflite' }), 'dynamic-shape', /tensor 1 "shape"/);
  const m = await loadRuntimeModel(build(true));
  try {
    for (let r = 0; r < 2; r++) {
      const y = m.run([new Float32Array([1, -2, 3, -4, 5, 6]), new Int32Array([2, 3])])[0] as Float32Array;
      assert.deepEqual(Array.from(y), [1, 0, 3, 0, 5, 6]);
    }
  } finally {
    m.dispose();
  }
});

test('after a wasm crash the runtime restarts and models loaded before say so', { skip: NO_MODELS }, async () => {
  const bytes = modelFile(HELLO_FLOAT);
  const before = await loadRuntimeModel(bytes, { name: 'hello_world_float.tflite' });
  // Provoke an abort through the raw module: LiteRT aborts on an out-of-range signature index.
  const inst = currentLiteRt()!;
  const ptr = inst.wasm._malloc(bytes.length);
  inst.wasm.HEAPU8.set(bytes, ptr);
  const raw = inst.wasm.loadModel(inst.env, ptr, bytes.length);
  assert.throws(() => raw.getSignature(5), /Aborted/);
  assert.equal(inst.alive, false);
  throwsWith(() => before.run([new Float32Array([1])]), 'model-disposed', /restarted after a crash; load hello_world_float\.tflite again/);
  before.dispose(); // harmless

  const after = await loadRuntimeModel(bytes);
  try {
    assert.notEqual(currentLiteRt(), inst);
    const y = after.run([new Float32Array([1])])[0] as Float32Array;
    assert.ok(Math.abs(y[0]! - Math.sin(1)) < 0.2);
  } finally {
    after.dispose();
  }
});

test('a trap that is not an abort (overwritten memory, found while freeing) is runtime-crashed, and the next load starts a new instance', { skip: NO_MODELS }, async () => {
  const bytes = modelFile(HELLO_FLOAT);
  const model = await loadRuntimeModel(bytes, { name: 'hello_world_float.tflite' });
  const inst = currentLiteRt()!;
  // What a run that wrote past its buffers leaves behind: the compiled model's own memory overwritten (its vtable).
  const ptr = (model as unknown as { compiled: { $$: { ptr: number } } }).compiled.$$.ptr;
  inst.wasm.HEAPU8.fill(0xff, ptr, ptr + 64);
  throwsWith(() => model.dispose(), 'runtime-crashed', /crashed after running hello_world_float\.tflite \(its memory was overwritten\); it restarts on next use/);
  assert.equal(inst.alive, false);
  const after = await loadRuntimeModel(bytes);
  try {
    assert.notEqual(currentLiteRt(), inst);
    assert.ok(Math.abs((after.run([new Float32Array([1])])[0] as Float32Array)[0]! - Math.sin(1)) < 0.2);
  } finally {
    after.dispose();
  }
});

test('an operator whose Prepare rejects the file is named with its node, and damage given as the likely cause', () => {
  const e = liteRtFailure('run', 'm.tflite', [
    'ERROR: third_party/tensorflow/lite/kernels/conv.cc:338 has_bias || node->inputs->size == 2 was not true.',
    'ERROR: Node number 10 (CONV_2D) failed to prepare.',
    'ERROR: Failed to allocate tensors',
  ]);
  assert.equal(e.kind, 'run-failed');
  assert.match(e.message, /^m\.tflite failed to run on the TFLite runtime \(LiteRT\): LiteRT's node 10 \(CONV_2D\) rejects its inputs or options: most often a damaged or hand-edited file \(convert or export the model again\), else .*\. LiteRT said: .*conv\.cc:338/);
});

test('a runtime name the model\'s signature does not have is refused with the fix, not matched by position', () => {
  const b = new ModelBuilder({ seed: 6 });
  b.output(b.fullyConnected(b.input('x', [1, 4]), 2));
  const model = b.build();
  assert.deepEqual(inputTensorIndices(model, ['x']), [model.subgraphs[0]!.inputs[0]]);
  throwsWith(() => inputTensorIndices(model, ['y']), 'load-failed', /runtime input "y" is: 0 inputs of the model have that name in its signature "serving_default"\. The file's names disagree .*convert or export the model again/);
});
