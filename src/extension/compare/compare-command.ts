/**
 * TinyML: Compare Models… — two models side by side in one webview panel (webview/compare.ts): both graphs,
 * the matched layers (core/inspector/compare.ts) with their output shapes, MACs, weight sizes and the per-layer SQNR
 * of the quantized model against the float one (both run in the inspector worker, compare-job.ts, with progress on the
 * page and Cancel), and the size difference; selecting a layer on one side selects its match on the other. Called from the palette (asks for both models),
 * from the inspector ("Compare with…", the inspected model is A), or by tests with { a, b } paths.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import type { CompareMessage, ComparePageMessage, CompareSqnrResult } from '../../protocol/compare';
import { runWorkerJob } from '../common/worker-rpc';
import { INSPECTOR_WORKER } from '../inspector/inspector-worker-spec';
import { WorkerCancelled } from '../common/worker-errors';
import type { CompareSqnrJob, CompareViewsJob, CompareViewsResult } from './compare-job';
import { pickModel } from '../common/pick-model';
import { commandArgument, isTestRun } from '../common/test-mode';
import { inspectorHtml } from '../inspector/webview-html';

export interface CompareCommandArgs {
  a: string;
  b: string;
  /** Test runs: cancel the SQNR run at its first progress report, as the page's Cancel does. */
  cancel?: boolean;
}
export interface CompareCommandResult {
  status: 'shown' | 'cancelled' | 'failed';
  message?: string;
  matches?: number;
  onlyA?: number;
  onlyB?: number;
  /** Test runs only: what the page reported after drawing. */
  page?: Extract<ComparePageMessage, { type: 'shown' }>;
}

export async function compareModels(context: vscode.ExtensionContext, arg?: unknown): Promise<CompareCommandResult> {
  const given = commandArgument(context, arg);
  let a: vscode.Uri | undefined;
  let b: vscode.Uri | undefined;
  let testArgs: CompareCommandArgs | undefined;
  if (given && typeof given === 'object' && 'a' in given && 'b' in given) {
    testArgs = given as CompareCommandArgs;
    a = vscode.Uri.file((given as CompareCommandArgs).a);
    b = vscode.Uri.file((given as CompareCommandArgs).b);
  } else {
    a = given instanceof vscode.Uri ? given : await pickModel({ title: 'Compare Models: the first model (A)', openLabel: 'Compare', preferActive: true });
    if (!a) return { status: 'cancelled' };
    b = await pickModel({ title: `Compare ${path.basename(a.fsPath)} with…`, openLabel: 'Compare' });
  }
  if (!a || !b) return { status: 'cancelled' };
  let msg: Extract<CompareMessage, { type: 'compare' }>;
  try {
    // Reading, analysing and matching both models happens in the worker: the host only passes the result on.
    const views = await runWorkerJob<CompareViewsJob, CompareViewsResult>(INSPECTOR_WORKER, { kind: 'views', a: a.fsPath, b: b.fsPath });
    msg = { type: 'compare', ...views };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`Compare Models: ${message}`);
    return { status: 'failed', message };
  }

  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
  const panel = vscode.window.createWebviewPanel('tinyml.compare', `${msg.a.fileName} ↔ ${msg.b.fileName}`, vscode.ViewColumn.Active,
    { enableScripts: true, localResourceRoots: [dist] });
  const test = isTestRun(context);
  const abort = new AbortController();
  let disposed = false;
  /** The SQNR run's last word, sent again when the page reloads (a hidden webview panel is rebuilt when shown again). */
  let ended: CompareMessage | undefined;
  const post = (m: CompareMessage) => { if (!disposed) void panel.webview.postMessage(m); };
  let started = false;
  // The per-layer SQNR: both models run in the worker once the page is up; Cancel on the page or closing it stops it.
  const runSqnr = async () => {
    const job: CompareSqnrJob = { kind: 'sqnr', a: a.fsPath, b: b.fsPath, matches: msg.comparison.matches.map((m) => ({ a: m.a, b: m.b })),
      roots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath) };
    try {
      const result = await runWorkerJob<CompareSqnrJob, CompareSqnrResult>(INSPECTOR_WORKER, job, {
        signal: abort.signal,
        onProgress: (done, total, stage) => {
          post({ type: 'sqnrProgress', done, total, stage });
          if (testArgs?.cancel) abort.abort();
        },
      });
      ended = { type: 'sqnr', result };
    } catch (err) {
      ended = err instanceof WorkerCancelled ? { type: 'sqnrStopped', state: 'cancelled', message: 'Cancelled: no per-layer SQNR.' }
        : { type: 'sqnrStopped', state: 'failed', message: `Per-layer SQNR could not be computed: ${err instanceof Error ? err.message : String(err)}` };
    }
    post(ended);
  };
  // Test runs: the page's report once both graphs are drawn and the SQNR run has ended (or was cancelled).
  const shown = new Promise<Extract<ComparePageMessage, { type: 'shown' }> | undefined>((resolve) => {
    panel.webview.onDidReceiveMessage((m: ComparePageMessage) => {
      if (m.type === 'ready') {
        post(msg);
        if (ended) post(ended);
        else if (!started) { started = true; void runSqnr(); }
      } else if (m.type === 'cancelSqnr') abort.abort();
      else if (m.type === 'shown' && m.sqnr !== 'running') resolve(m);
    });
    panel.onDidDispose(() => { disposed = true; abort.abort(); resolve(undefined); });
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
