/**
 * The inspector's Graph tab at scale, in a real VS Code (code-server): a generated 5,000-operator branching model
 * and pose_landmark_heavy. The tests check what is drawn (node counts after folding, layout in the worker, first
 * view at a legible zoom, overlay legend, search hits) and print the figures the issue asks for (first graph paint,
 * the page's longest task); the budgets are judged by bench/vscode/, not here.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { buildInspectorView, type SubgraphView } from '../../../src/core/inspector/view';
import { loadModel, writeModel } from '../../../src/core/tflite';
import * as vscode from 'vscode';
import type { CompareCommandArgs, CompareCommandResult } from '../../../src/extension/compare/compare-command';
import type { TinymlApi } from '../../../src/extension/extension';
import type { RenderReport } from '../../../src/protocol/inspector';
import { branchingModel } from '../../helpers/graph-models';
import { copyIntoWorkspace, openAndPaint, workspaceFile } from './inspector-tests';
import type { TestCase } from './runner';
import { activated } from './tinyml-api';

export interface GraphFigures { firstPaintMs: number; renderMs: number; longestTaskMs: number; layoutMs: number; nodes: number }

/** Opens `uri` on its Overview, then clicks through to the Graph: the first graph paint, timed from the reveal. */
export async function firstGraphPaint(api: TinymlApi, uri: vscode.Uri): Promise<{ report: RenderReport; figures: GraphFigures }> {
  await openAndPaint(api, uri, 60_000);
  await api.revealInInspector(uri, { view: 'overview' });
  const t0 = performance.now();
  const report = await api.revealInInspector(uri, { view: 'graph' });
  const firstPaintMs = performance.now() - t0;
  assert.equal(report.kind, 'summary', report.errorText);
  assert.ok(report.graph, 'the graph view reports its figures');
  return {
    report,
    figures: { firstPaintMs, renderMs: report.renderMs, longestTaskMs: report.longestTaskMs ?? 0, layoutMs: report.graph.layoutMs, nodes: report.graph.nodes },
  };
}

/** Operators (not folded) whose opcode or a tensor they read or write contains `q`: what the search finds. */
function searchHits(sg: SubgraphView, q: string): number {
  const low = q.toLowerCase();
  const drawn = new Set(sg.graph.nodes.filter((n) => n.kind === 'op').map((n) => n.ref));
  const has = (t: number) => t >= 0 && sg.tensors[t]!.name.toLowerCase().includes(low);
  return sg.operators.filter((o) => drawn.has(o.index) && (o.opcode.toLowerCase().includes(low) || o.inputs.some(has) || o.outputs.some(has))).length;
}

export function graphTests(): TestCase[] {
  return [
    {
      name: 'graph: a generated 5,000-operator branching model is laid out in the worker and drawn, at a legible first zoom',
      timeoutMs: 120_000,
      fn: async () => {
        const api = await activated();
        const uri = workspaceFile('branching_5000.tflite');
        const model = branchingModel(5000);
        fs.writeFileSync(uri.fsPath, writeModel(model));
        const sg = buildInspectorView(model).subgraphs[0]!;
        const { report, figures } = await firstGraphPaint(api, uri);
        console.log(`    branching 5,000 ops: first graph paint ${figures.firstPaintMs.toFixed(0)} ms after the click (webview ${figures.renderMs.toFixed(0)} ms), ` +
          `layout ${figures.layoutMs.toFixed(0)} ms in ${report.graph!.inWorker ? 'the worker' : 'the page'}, longest task ${figures.longestTaskMs.toFixed(0)} ms, ` +
          `${report.graph!.visibleNodes} of ${figures.nodes} nodes in view, canvas ${report.graph!.canvasWidth} px wide`);
        assert.equal(report.graphNodes, sg.graph.nodes.length);
        assert.equal(report.graphEdges, sg.graph.edges.length);
        assert.ok(sg.graph.nodes.length > 5000);
        assert.equal(report.graph!.inWorker, true, 'laid out in the Web Worker');
        assert.ok(report.graph!.scale * 12 >= 11, 'labels at 11 px or more on screen');
        assert.ok(report.graph!.visibleNodes > 3 && report.graph!.visibleNodes < 200, 'the first view shows a readable part, not the whole graph');
        const t = report.graph!.marks['constructed'] ?? 0;
        const rel = (x: number) => Math.round(x - t);
        console.log(`    branching 5,000 ops, page steps (ms): ${JSON.stringify(report.graph!.pageSteps, (_k, v: unknown) => typeof v === 'number' ? Math.round(v) : v)}; ` +
          `from the view's construction: ${Object.entries(report.graph!.marks).map(([k, v]) => `${k} ${rel(v)}`).join(', ')}; ` +
          `long tasks: ${(report.longTasks ?? []).map((l) => `${l.ms.toFixed(0)} ms at ${rel(l.start)}`).join(', ') || 'none'}`);
        // Search by scope: the operators of one block and those reading its output.
        const found = await api.revealInInspector(uri, { view: 'graph', filter: 'block42/' });
        assert.equal(found.graph!.hits, searchHits(sg, 'block42/'));
        const scoped = await api.revealInInspector(uri, { view: 'graph', overlay: 'macs' });
        assert.match(scoped.graph!.legend, /MACs/);
      },
    },
    {
      name: 'graph: Compare Models shows hello_world float and int8 side by side, every layer of the float model matched',
      timeoutMs: 60_000,
      fn: async () => {
        await activated();
        const a = copyIntoWorkspace('../shared/models/tflm/examples/hello_world/hello_world_float.tflite', 'hello_world_float.tflite');
        const b = copyIntoWorkspace('../shared/models/tflm/examples/hello_world/hello_world_int8.tflite', 'hello_world_int8.tflite');
        const args: CompareCommandArgs = { a: a.fsPath, b: b.fsPath };
        const result = await vscode.commands.executeCommand<CompareCommandResult>('tinyml.compareModels', args);
        assert.equal(result.status, 'shown', result.message);
        const floatOps = loadModel(fs.readFileSync(a.fsPath)).model.subgraphs[0]!.operators.length;
        console.log(`    compare hello_world: ${result.matches} layers matched, ${result.onlyA} only in A, ${result.onlyB} only in B`);
        assert.equal(result.matches, floatOps);
        assert.ok(result.page, 'the page reported');
        assert.equal(result.page.rows, result.matches);
        assert.equal(result.page.graphs, 2, 'both graphs laid out');
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      },
    },
    {
      name: 'graph: pose_landmark_heavy with weight DEQUANTIZEs folded, coloured by activation memory, searchable',
      timeoutMs: 120_000,
      fn: async () => {
        const api = await activated();
        const uri = copyIntoWorkspace('node_modules/@mediapipe/pose/pose_landmark_heavy.tflite', 'pose_landmark_heavy.tflite');
        const { model } = loadModel(fs.readFileSync(uri.fsPath));
        const sg = buildInspectorView(model).subgraphs[0]!;
        const { report, figures } = await firstGraphPaint(api, uri);
        console.log(`    pose_landmark_heavy: first graph paint ${figures.firstPaintMs.toFixed(0)} ms after the click (webview ${figures.renderMs.toFixed(0)} ms), ` +
          `layout ${figures.layoutMs.toFixed(0)} ms, longest task ${figures.longestTaskMs.toFixed(0)} ms, ${report.graph!.visibleNodes} of ${figures.nodes} nodes in view ` +
          `(${sg.graph.foldedOps} DEQUANTIZEs folded), zoom ${(report.graph!.scale * 100).toFixed(0)} %`);
        assert.equal(report.graphNodes, sg.operators.length - (sg.graph.foldedOps ?? 0) + sg.inputs.length + sg.outputs.length);
        assert.ok((sg.graph.foldedOps ?? 0) > 300);
        assert.ok(report.graph!.scale * 12 >= 11);
        const coloured = await api.revealInInspector(uri, { view: 'graph', overlay: 'live' });
        assert.equal(coloured.graph!.overlay, 'live');
        assert.match(coloured.graph!.legend, /Activation memory/);
        const found = await api.revealInInspector(uri, { view: 'graph', filter: 'CONV_2D' });
        assert.equal(found.graph!.hits, searchHits(sg, 'CONV_2D'), 'CONV_2D and DEPTHWISE_CONV_2D');
      },
    },
  ];
}
