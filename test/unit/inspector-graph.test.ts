import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { buildInspectorView } from '../../src/core/inspector/view';
import { nameScope } from '../../src/core/inspector/graph';
import { collapseScopes, groupKey, maxScopeDepth, operatorScopes } from '../../src/core/inspector/graph-scopes';
import { combinedValue, latencyOverlay, sqnrOverlay, viewOverlays } from '../../src/core/inspector/graph-overlays';
import { BuiltinOperator, ModelBuilder, TensorType, loadModel } from '../../src/core/tflite';
import { layeredLayout, layoutGraph, layoutInput, weightLine, type GraphLayout } from '../../webview/lib/graph-layout';
import { branchingModel } from '../helpers/graph-models';
import { POSE_HEAVY } from '../helpers/paths';

/** No two nodes overlap (same-rank nodes are at least the gap apart; boxes never intersect). */
function assertNoOverlap(layout: GraphLayout): void {
  const byY = [...layout.nodes].sort((a, b) => a.y - b.y || a.x - b.x);
  for (let i = 0; i < byY.length; i++) {
    const a = byY[i]!;
    for (let j = i + 1; j < byY.length && byY[j]!.y - a.y < a.height; j++) {
      const b = byY[j]!;
      const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
      assert.ok(apart, `${a.node.id} and ${b.node.id} overlap`);
    }
  }
}

/** Every edge points down: its target is below its source. */
function assertEdgesDown(layout: GraphLayout): void {
  const at = new Map(layout.nodes.map((n) => [n.node.id, n]));
  for (const e of layout.edges) {
    assert.ok(at.get(e.to)!.y > at.get(e.from)!.y, `${e.from} -> ${e.to} runs down`);
    assert.ok(e.points.length >= 2, 'routed');
  }
}

test('a DEQUANTIZE of a constant (float16 weights) is folded into its consumer, shown as the weight shape', () => {
  const b = new ModelBuilder({ seed: 2 });
  const x = b.input('x', [1, 4]);
  const w16 = b.tensor('dense/kernel_fp16', [3, 4], TensorType.FLOAT16, new Uint8Array(24));
  const w = b.op(BuiltinOperator.DEQUANTIZE, [w16], [[3, 4]], undefined, 'dense/kernel')[0]!;
  const bias = b.constant([3], { name: 'dense/bias' });
  const y = b.op(BuiltinOperator.FULLY_CONNECTED, [x, w, bias], [[1, 3]], { type: 'FullyConnectedOptions', table: { fused_activation_function: 'RELU' } }, 'dense/Relu')[0]!;
  b.output(y);
  const sg = buildInspectorView(b.build()).subgraphs[0]!;
  const g = sg.graph;
  assert.deepEqual(g.nodes.map((n) => n.id), ['in0', 'op1', `out${y.index}`], 'the DEQUANTIZE (op 0) is not a node');
  assert.equal(g.foldedOps, 1);
  const fc = g.nodes[1]!;
  assert.deepEqual(fc.weights, [w16.index, bias.index], 'the stored float16 tensor and the bias');
  assert.deepEqual(fc.folded, [0]);
  assert.equal(fc.activation, 'RELU');
  assert.equal(weightLine(fc, sg.tensors), 'W 3×4 · 3');
  assert.deepEqual(g.edges.map((e) => `${e.from}>${e.to}`), ['in0>op1', `op1>out${y.index}`]);
});

test('a DEQUANTIZE of an activation stays a node', () => {
  const b = new ModelBuilder();
  const x = b.input('q', [1, 4], TensorType.INT8);
  const d = b.op(BuiltinOperator.DEQUANTIZE, [x], [[1, 4]])[0]!;
  b.output(b.relu(d));
  const g = buildInspectorView(b.build()).subgraphs[0]!.graph;
  assert.deepEqual(g.nodes.filter((n) => n.kind === 'op').map((n) => n.label), ['DEQUANTIZE', 'RELU']);
  assert.equal(g.foldedOps, undefined);
});

test('name scopes: a/b/c is in a/b; collapse at depth 2 groups each block, expanding one shows its operators', () => {
  assert.equal(nameScope('model/conv1/Conv2D;model/conv1/BiasAdd'), 'model/conv1');
  assert.equal(nameScope('flat'), '');
  assert.equal(groupKey('a/b/c', 1, new Set()), 'a');
  assert.equal(groupKey('a/b/c', 1, new Set(['a'])), 'a/b');
  assert.equal(groupKey('a/b', 1, new Set(['a', 'a/b'])), undefined);
  const sg = buildInspectorView(branchingModel(60)).subgraphs[0]!;
  const scopes = operatorScopes(sg.operators, sg.tensors);
  assert.equal(maxScopeDepth(scopes), 2);
  const blocks = new Set(scopes).size;
  const collapsed = collapseScopes(sg.graph, scopes, 2);
  const groups = collapsed.nodes.filter((n) => n.kind === 'group');
  assert.equal(groups.length, blocks);
  assert.equal(collapsed.nodes.length, blocks + 2, 'one group per block plus input and output');
  assert.equal(groups.reduce((s, gr) => s + gr.folded!.length, 0), sg.operators.length, 'every operator in exactly one group');
  for (const e of collapsed.edges) assert.notEqual(e.from, e.to);
  const open = collapseScopes(sg.graph, scopes, 2, new Set(['stage0/block0']));
  assert.equal(open.nodes.length, collapsed.nodes.length - 1 + 3, 'block0 shows its three operators');
  assert.ok(open.edges.some((e) => e.from === 'op2' && e.to === 'scope:stage0/block1'), 'block0/add feeds the group of block1');
  // Depth 1: all 60 operators are in stage0.
  assert.equal(collapseScopes(sg.graph, scopes, 1).nodes.length, 3);
});

test('overlays: live memory, output size and MACs per operator; SQNR by tensor name; a group sums or takes the worst', () => {
  const sg = buildInspectorView(branchingModel(9)).subgraphs[0]!;
  const [live, output, macs] = viewOverlays(sg);
  assert.deepEqual(live!.values, sg.activations.steps.map((s) => s.liveBytes));
  assert.deepEqual(output!.values, sg.operators.map((o) => o.outputBytes));
  assert.deepEqual(macs!.values, sg.operators.map((o) => o.macs));
  const sqnr = sqnrOverlay(sg, [{ tensor: 'stage0/block0/add', sqnrDb: 40 }, { tensor: 'stage0/block1/add', sqnrDb: 22.5 }, { tensor: 'elsewhere', sqnrDb: 1 }]);
  assert.equal(sqnr.values[2], 40);
  assert.equal(sqnr.values[5], 22.5);
  assert.equal(sqnr.values.filter((v) => v !== null).length, 2);
  assert.equal(combinedValue(sqnr, [0, 1, 2, 3, 4, 5]), 22.5, 'the worst layer of the group');
  assert.equal(combinedValue(output!, [0, 1]), sg.operators[0]!.outputBytes + sg.operators[1]!.outputBytes);
  assert.equal(combinedValue(sqnr, [0, 1]), null);
});

test('latency overlay: the fit\'s per-operator milliseconds of that subgraph; a group sums them', () => {
  const sg = buildInspectorView(branchingModel(9)).subgraphs[0]!;
  const ms: Record<string, number> = { '0:0': 1.5, '0:2': 0.25, '1:0': 99 };
  const lat = latencyOverlay(sg, 0, ms, 'nano33ble');
  assert.equal(lat.unit, 'ms');
  assert.equal(lat.values.length, sg.operators.length);
  assert.equal(lat.values[0], 1.5);
  assert.equal(lat.values[1], null);
  assert.equal(lat.values[2], 0.25);
  assert.equal(combinedValue(lat, [0, 1, 2]), 1.75);
});

test('layout: branches sit side by side, the join below them, a chain in one column', () => {
  const sg = buildInspectorView(branchingModel(30)).subgraphs[0]!;
  const layout = layoutGraph(sg.graph, sg.tensors);
  assertNoOverlap(layout);
  assertEdgesDown(layout);
  const at = new Map(layout.nodes.map((n) => [n.node.id, n]));
  const relu = at.get('op0')!; const sig = at.get('op1')!; const add = at.get('op2')!;
  assert.equal(relu.y, sig.y, 'the two branches share a rank');
  assert.ok(Math.abs((relu.x + sig.x) / 2 - add.x) < 1, 'the join is centred under its branches');
  const chain = layoutGraph(buildInspectorView(chainModel(20)).subgraphs[0]!.graph);
  const xs = new Set(chain.nodes.map((n) => Math.round(n.x)));
  assert.equal(xs.size, 1, 'a chain is one straight column');
});

test('layout of 10,000 nodes: no stack overflow, every node placed without overlap, edges run down', () => {
  const model = branchingModel(10_000);
  const sg = buildInspectorView(model).subgraphs[0]!;
  assert.ok(sg.graph.nodes.length >= 10_000);
  const input = layoutInput(sg.graph, sg.tensors);
  const r = layeredLayout(input);
  for (let i = 0; i < sg.graph.nodes.length; i++) assert.ok(Number.isFinite(r.x[i]!) && Number.isFinite(r.y[i]!), `node ${i} placed`);
  const layout = layoutGraph(sg.graph, sg.tensors);
  assertNoOverlap(layout);
  assertEdgesDown(layout);
  for (const n of layout.nodes) assert.ok(n.x - n.width / 2 >= 0 && n.x + n.width / 2 <= layout.width + 1e-6, 'inside the drawing');
});

test('layout survives a cycle (not a valid subgraph, but the page must not hang) and an empty graph', () => {
  const r = layeredLayout({ widths: Float64Array.of(100, 100, 100), heights: Float64Array.of(40, 40, 40), edges: Int32Array.of(0, 1, 1, 2, 2, 0) });
  assert.equal(r.x.length, 3);
  for (const v of [...r.x, ...r.y]) assert.ok(Number.isFinite(v));
  const empty = layeredLayout({ widths: new Float64Array(0), heights: new Float64Array(0), edges: new Int32Array(0) });
  assert.equal(empty.x.length, 0);
});

test('pose_landmark_heavy: weight DEQUANTIZEs folded, the rest laid out without overlap', { skip: fs.existsSync(POSE_HEAVY) ? false : '@mediapipe/pose is not installed' }, () => {
  const { model } = loadModel(fs.readFileSync(POSE_HEAVY));
  const sg = buildInspectorView(model).subgraphs[0]!;
  const dequantizes = sg.operators.filter((o) => o.opcode === 'DEQUANTIZE').length;
  assert.ok(sg.graph.foldedOps! > 300, `${sg.graph.foldedOps} of ${dequantizes} DEQUANTIZEs folded`);
  assert.equal(sg.graph.nodes.filter((n) => n.kind === 'op').length, sg.operators.length - sg.graph.foldedOps!);
  const layout = layoutGraph(sg.graph, sg.tensors);
  assertNoOverlap(layout);
  assertEdgesDown(layout);
});

function chainModel(n: number) {
  const b = new ModelBuilder();
  let x = b.input('x', [1, 8]);
  for (let i = 0; i < n; i++) x = i % 2 ? b.relu(x) : b.tanh(x);
  b.output(x);
  return b.build();
}
