/**
 * Test runs only (../common/test-mode.ts): what each inspector webview reports it rendered (RenderReport), and
 * "reveal" requests that show a view and resolve with the report answering them. In the product this is never
 * created, so the webview is not asked for reports and builds none.
 */
import * as vscode from 'vscode';
import type { InspectorMessage, RenderReport, RevealTarget } from '../../protocol/inspector';

export class InspectorRenderReports implements vscode.Disposable {
  private readonly rendered = new vscode.EventEmitter<{ uri: vscode.Uri; report: RenderReport }>();
  private readonly last = new Map<string, RenderReport>();
  private requests = 0;

  /** Fires each time a webview reports what it rendered. */
  readonly onDidRender = this.rendered.event;

  record(uri: vscode.Uri, report: RenderReport): void {
    this.last.set(uri.toString(), report);
    this.rendered.fire({ uri, report });
  }

  lastReport(uri: vscode.Uri): RenderReport | undefined {
    return this.last.get(uri.toString());
  }

  /** Posts a reveal request to every webview of `uri`; resolves with the report that answers it. */
  reveal(uri: vscode.Uri, webviews: readonly vscode.Webview[], target: RevealTarget): Promise<RenderReport> {
    if (webviews.length === 0) return Promise.reject(new Error(`${uri.toString()} is not open in the inspector`));
    const requestId = ++this.requests;
    const answered = new Promise<RenderReport>((resolve) => {
      const sub = this.onDidRender((e) => {
        if (e.uri.toString() !== uri.toString() || e.report.requestId !== requestId) return;
        sub.dispose();
        resolve(e.report);
      });
    });
    const message: InspectorMessage = { type: 'reveal', target: { ...target, requestId } };
    for (const webview of webviews) void webview.postMessage(message);
    return answered;
  }

  dispose(): void {
    this.rendered.dispose();
  }
}
