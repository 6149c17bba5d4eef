import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { layoutGraph } from '../../webview/lib/graph-layout';
import { activationTimeline } from '../../src/core/inspector/activation-timeline';
import { tableToCsv, tableToMarkdown } from '../../webview/lib/table-text';
import { channelQuant, formatOperatorOptions, operatorRows, tensorRows } from '../../src/core/inspector/tables';
import { opCategory } from '../../src/core/tflite/operators';
import { arenaForView, buildInspectorView, checkTflmCompatibility, type InspectorDetails } from '../../src/core/inspector/view';
import { ModelBuilder, TensorType, loadModel, opcodeName, type Model } from '../../src/core/tflite';
import { POSE_HEAVY, SKIP_WITHOUT_SHARED, sharedModel } from '../helpers/paths';

/** input [1,8,8,1] -> CONV_2D (2 filters) -> RESHAPE [1,128] -> FULLY_CONNECTED 3 -> SOFTMAX */
function smallCnn(): Model {
  const b = new ModelBuilder({ seed: 5 });
  const x = b.input('image', [1, 8, 8, 1]);
  const c = b.conv2d(x, 2, [3, 3], { stride: [1, 1], activation: 'RELU', name: 'conv' });
  const r = b.reshape(c, [1, 128]);
  const f = b.fullyConnected(r, 3, { name: 'fc' });
  b.output(b.softmax(f));
  return b.build();
}

test('operator rows carry opcode, category, links, key options and output bytes', () => {
  const model = smallCnn();
  const rows = operatorRows(model, model.subgraphs[0]!);
  assert.deepEqual(rows.map((r) => r.opcode), ['CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX']);
  assert.deepEqual(rows.map((r) => r.category), ['conv', 'shape', 'conv', 'activation']);
  const conv = rows[0]!;
  assert.equal(conv.fusedActivation, 'RELU');
  assert.equal(conv.options, 'stride 1×1 · dilation 1×1 · padding SAME');
  assert.equal(conv.outputBytes, 8 * 8 * 2 * 4);
  assert.equal(conv.macs, 8 * 8 * 2 * 9);
  assert.equal(conv.inputs.length, 3);
});

test('options: pairs merged, defaults and the fused activation left out, other fields kept', () => {
  assert.equal(formatOperatorOptions(undefined), '');
  assert.equal(formatOperatorOptions({ filter_height: 2, filter_width: 3, stride_h: 2, stride_w: 2, padding: 'VALID', fused_activation_function: 'NONE' }),
    'filter 2×3 · stride 2×2 · padding VALID');
  assert.equal(formatOperatorOptions({ axis: 0, keep_num_dims: false, quantized_bias_type: 'FLOAT32', asymmetric_quantize_inputs: false }), 'axis 0');
  assert.equal(formatOperatorOptions({ squeeze_dims: [1, 2] }), 'squeeze dims [1, 2]');
  assert.equal(opCategory('CUSTOM:ethos-u'), 'custom');
  assert.equal(opCategory('SOMETHING_NEW'), 'other');
});

test('tensor rows: constants, producers and consumers, per-channel quantization and its real range', () => {
  const b = new ModelBuilder({ seed: 1 });
  const x = b.input('x', [1, 4], TensorType.INT8);
  const w = b.tensor('w', [2, 4], TensorType.INT8, new Uint8Array(8), { scale: [0.5, 0.25], zeroPoint: [0, 0], quantizedDimension: 0 });
  const [y] = b.op(17 /* placeholder, replaced below */, [x, w], [[1, 2]]);
  b.output(y!);
  const model = b.build();
  // Any opcode will do for the structure; use FULLY_CONNECTED's real code.
  model.operatorCodes[0]!.builtinCode = 9;
  model.subgraphs[0]!.tensors[x.index]!.quantization = { scale: [0.1], zeroPoint: [-128], quantizedDimension: 0 };
  const rows = tensorRows(model, model.subgraphs[0]!);
  const [xr, wr, yr] = rows;
  assert.equal(xr!.constant, false);
  assert.deepEqual(xr!.consumers, [0]);
  assert.equal(xr!.producer, undefined);
  assert.ok(Math.abs(xr!.realRange![0] - 0) < 1e-12 && Math.abs(xr!.realRange![1] - 25.5) < 1e-9);
  assert.equal(wr!.constant, true);
  assert.equal(wr!.quant?.channels, 2);
  assert.equal(wr!.quant?.scaleMin, 0.25);
  assert.equal(wr!.quant?.scaleMax, 0.5);
  assert.deepEqual(channelQuant(model, 0, w.index), { scale: [0.5, 0.25], zeroPoint: [0, 0] }, 'the full lists on request');
  assert.deepEqual(wr!.realRange, [-64, 63.5], 'widest channel: scale 0.5 over [-128, 127]');
  assert.equal(yr!.producer, 0);
  assert.deepEqual(yr!.consumers, []);
  assert.equal(yr!.bytes, 8, 'float32 [1, 2]');
});

test('graph: one node per operator plus inputs and outputs; edges only for activations', () => {
  const model = smallCnn();
  const v = buildInspectorView(model).subgraphs[0]!;
  assert.equal(v.graph.nodes.length, 4 + 1 + 1);
  // input->conv, conv->reshape, reshape->fc, fc->softmax, softmax->output; weights and the reshape shape are constants.
  assert.deepEqual(v.graph.edges.map((e) => `${e.from}>${e.to}`), ['in0>op0', 'op0>op1', 'op1>op2', 'op2>op3', 'op3>out' + v.outputs[0]]);
  assert.equal(v.graph.nodes[0]!.label, 'image');
  assert.equal(v.graph.nodes[1]!.detail, '[1, 8, 8, 2]');
});

test('graph layout: every node placed, a chain runs top to bottom without overlaps', () => {
  const v = buildInspectorView(smallCnn()).subgraphs[0]!;
  const layout = layoutGraph(v.graph);
  assert.equal(layout.nodes.length, v.graph.nodes.length);
  const ys = layout.nodes.map((n) => n.y);
  for (let i = 1; i < ys.length; i++) assert.ok(ys[i]! - ys[i - 1]! >= layout.nodes[i]!.height, `node ${i} is below node ${i - 1}`);
  for (const n of layout.nodes) {
    assert.ok(n.x - n.width / 2 >= 0 && n.x + n.width / 2 <= layout.width, 'inside the drawing');
    assert.ok(n.width >= 96);
  }
  for (const e of layout.edges) assert.ok(e.points.length >= 2, 'each edge is routed');
});

test('activation timeline: live bytes per step on a chain', () => {
  const v = buildInspectorView(smallCnn()).subgraphs[0]!;
  const t = v.activations;
  // in 256 B; conv out 512; reshape out 512; fc out 12; softmax out 12
  assert.deepEqual(t.steps.map((s) => s.liveBytes), [256 + 512, 512 + 512, 512 + 12, 12 + 12]);
  assert.equal(t.peakBytes, 1024);
  assert.equal(t.peakOp, 1);
  assert.deepEqual(t.steps.map((s) => s.outputBytes), [512, 512, 12, 12]);
  assert.deepEqual(activationTimeline([], [], []), { steps: [], peakBytes: 0, peakOp: -1 });
});

test('tables as Markdown and CSV escape what would break them', () => {
  assert.equal(tableToMarkdown(['a', 'b'], [['x|y', 'line\nbreak']]), '| a | b |\n| --- | --- |\n| x\\|y | line break |\n');
  assert.equal(tableToCsv(['a', 'b'], [['1,5', 'say "hi"'], ['plain', '']]), 'a,b\r\n"1,5","say ""hi"""\r\nplain,\r\n');
});

test('the view model is plain JSON and holds no weight bytes', () => {
  const model = smallCnn();
  const view = buildInspectorView(model, { fileBytes: 1234 });
  const json = JSON.stringify(view);
  assert.deepEqual(JSON.parse(json), view, 'survives postMessage as JSON: no typed arrays, bigints or undefined-only fields');
  assert.equal(view.summary.fileBytes, 1234);
  // As the extension host builds them: the arena estimate and the TFLM check, two steps.
  const details: InspectorDetails = { arena: arenaForView(model), tflm: checkTflmCompatibility(model) };
  assert.ok(details.arena.ok);
  // Absent optional fields may be `undefined` there (dropped by JSON); anything else must be plain JSON.
  JSON.stringify(details, (_key, value: unknown) => {
    assert.ok(typeof value !== 'bigint' && !ArrayBuffer.isView(value), 'no bigints or typed arrays');
    return value;
  });
});

test('pose_landmark_heavy: the view model is a small fraction of the weights', { skip: fs.existsSync(POSE_HEAVY) ? false : '@mediapipe/pose is not installed' }, () => {
  const bytes = fs.readFileSync(POSE_HEAVY);
  const { model } = loadModel(bytes);
  const view = buildInspectorView(model, { fileBytes: bytes.length });
  const json = JSON.stringify(view).length;
  assert.ok(view.subgraphs[0]!.operators.length > 600);
  assert.ok(json < bytes.length / 20, `message ${json} B for a ${bytes.length} B file`);
});

test('person_detect: 31 operators in file order, 89 tensors, per-channel quantization listed', { skip: SKIP_WITHOUT_SHARED }, () => {
  const bytes = fs.readFileSync(sharedModel('tflm/models/person_detect.tflite'));
  const { model, warnings } = loadModel(bytes);
  const view = buildInspectorView(model, { fileBytes: bytes.length, warnings });
  const g = view.subgraphs[0]!;
  assert.deepEqual(g.operators.map((o) => o.opcode), model.subgraphs[0]!.operators.map((op) => opcodeName(model.operatorCodes[op.opcodeIndex]!)));
  assert.equal(g.operators.length, 31);
  assert.equal(g.tensors.length, 89);
  assert.ok(g.tensors.filter((t) => t.quant && t.quant.channels > 1).length > 20, 'per-channel weights are listed');
  const json = JSON.stringify(view).length;
  assert.ok(json < bytes.length / 5, `the message (${json} B) is far smaller than the file (${bytes.length} B): per-channel lists are sent on request`);
});
