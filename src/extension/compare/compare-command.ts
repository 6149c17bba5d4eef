/**
 * TinyML: Compare Models… — two models side by side in one webview panel (webview/compare.ts): both graphs,
 * the matched layers (core/inspector/compare.ts) with their output shapes and MACs, and the size difference;
 * selecting a layer on one side selects its match on the other. Called from the palette (asks for both models),
 * from the inspector ("Compare with…", the inspected model is A), or by tests with { a, b } paths.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import type { CompareMessage, ComparePageMessage } from '../../protocol/compare';
import { pickModel } from '../common/pick-model';
import { commandArgument, isTestRun } from '../common/test-mode';
import { inspectorHtml } from '../inspector/webview-html';

export interface CompareCommandArgs { a: string; b: string }
export interface CompareCommandResult {
  status: 'shown' | 'cancelled' | 'failed';
  message?: string;
  matches?: number;
  onlyA?: number;
  onlyB?: number;
  /** Test runs only: what the page reported after drawing. */
  page?: Extract<ComparePageMessage, { type: 'shown' }>;
}

async function side(uri: vscode.Uri) {
  const { loadModel } = require('../../core/tflite') as typeof import('../../core/tflite');
  const { buildInspectorView } = require('../../core/inspector/view') as typeof import('../../core/inspector/view');
  const bytes = await vscode.workspace.fs.readFile(uri);
  const { model, warnings } = loadModel(bytes);
  return { fileName: path.basename(uri.fsPath), view: buildInspectorView(model, { fileBytes: bytes.length, warnings }), bytes: bytes.length };
}

export async function compareModels(context: vscode.ExtensionContext, arg?: unknown): Promise<CompareCommandResult> {
  const given = commandArgument(context, arg);
  let a: vscode.Uri | undefined;
  let b: vscode.Uri | undefined;
  if (given && typeof given === 'object' && 'a' in given && 'b' in given) {
    a = vscode.Uri.file((given as CompareCommandArgs).a);
    b = vscode.Uri.file((given as CompareCommandArgs).b);
  } else {
    a = given instanceof vscode.Uri ? given : await pickModel({ title: 'Compare Models: the first model (A)', openLabel: 'Compare', preferActive: true });
    if (!a) return { status: 'cancelled' };
    b = await pickModel({ title: `Compare ${path.basename(a.fsPath)} with…`, openLabel: 'Compare' });
  }
  if (!a || !b) return { status: 'cancelled' };
  let msg: CompareMessage;
  try {
    const [sa, sb] = [await side(a), await side(b)];
    const { matchLayers } = require('../../core/inspector/compare') as typeof import('../../core/inspector/compare');
    const ga = sa.view.subgraphs[0]!;
    const gb = sb.view.subgraphs[0]!;
    const comparison = matchLayers({ operators: ga.operators, tensors: ga.tensors, fileBytes: sa.bytes }, { operators: gb.operators, tensors: gb.tensors, fileBytes: sb.bytes });
    msg = { type: 'compare', a: { fileName: sa.fileName, view: sa.view }, b: { fileName: sb.fileName, view: sb.view }, comparison };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`Compare Models: ${message}`);
    return { status: 'failed', message };
  }

  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
  const panel = vscode.window.createWebviewPanel('tinyml.compare', `${msg.a.fileName} ↔ ${msg.b.fileName}`, vscode.ViewColumn.Active,
    { enableScripts: true, localResourceRoots: [dist] });
  const test = isTestRun(context);
  const shown = new Promise<Extract<ComparePageMessage, { type: 'shown' }> | undefined>((resolve) => {
    panel.webview.onDidReceiveMessage((m: ComparePageMessage) => {
      if (m.type === 'ready') void panel.webview.postMessage(msg);
      else if (m.type === 'shown') resolve(m);
    });
    panel.onDidDispose(() => resolve(undefined));
  });
  panel.webview.html = inspectorHtml({
    cspSource: panel.webview.cspSource,
    scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'compare.js')).toString(),
    styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'compare.css')).toString(),
    nonce: randomBytes(24).toString('base64url'),
    title: `${msg.a.fileName} ↔ ${msg.b.fileName}`,
    reportRenders: test,
  });
  const c = msg.comparison;
  const result: CompareCommandResult = { status: 'shown', matches: c.matches.length, onlyA: c.onlyA.length, onlyB: c.onlyB.length };
  if (test) {
    const page = await shown;
    if (page) result.page = page;
  }
  return result;
}

export function registerCompareCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('tinyml.compareModels', (arg?: unknown) => compareModels(context, arg)));
}
