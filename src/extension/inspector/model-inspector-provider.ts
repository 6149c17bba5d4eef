/**
 * The read-only custom editor for .tflite files (viewType `tinyml.modelInspector`). It reads the file, summarizes the
 * model (core loaded lazily) and sends the summary to a minimal webview. A file that is not a model shows the reason as
 * text instead of a blank page.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { InspectorMessage, RenderReport, WebviewMessage } from './messages';
import { readSummary } from './read-summary';
import { inspectorHtml } from './webview-html';

export const INSPECTOR_VIEW_TYPE = 'tinyml.modelInspector';

class ModelDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export class ModelInspectorProvider implements vscode.CustomReadonlyEditorProvider<ModelDocument> {
  private readonly rendered = new vscode.EventEmitter<{ uri: vscode.Uri; report: RenderReport }>();
  private readonly lastReports = new Map<string, RenderReport>();

  /** Fires each time a webview reports what it rendered (used by the integration tests). */
  readonly onDidRender = this.rendered.event;

  constructor(private readonly extensionUri: vscode.Uri) {}

  lastReport(uri: vscode.Uri): RenderReport | undefined {
    return this.lastReports.get(uri.toString());
  }

  openCustomDocument(uri: vscode.Uri): ModelDocument {
    return new ModelDocument(uri);
  }

  async resolveCustomEditor(document: ModelDocument, panel: vscode.WebviewPanel): Promise<void> {
    const webview = panel.webview;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const fileName = document.uri.path.split('/').pop() ?? document.uri.path;
    const message = this.summaryMessage(document.uri, fileName);

    // Post only once the webview listens. It says 'ready' again each time it is reloaded (hidden webviews are not
    // kept alive), so every 'ready' gets the same summary. Subscribe before setting the HTML so none is missed.
    const subscription = webview.onDidReceiveMessage(async (msg: WebviewMessage) => {
      if (msg.type === 'ready') {
        await webview.postMessage(await message);
      } else if (msg.type === 'rendered') {
        this.lastReports.set(document.uri.toString(), msg.report);
        this.rendered.fire({ uri: document.uri, report: msg.report });
      }
    });
    panel.onDidDispose(() => subscription.dispose());

    webview.options = { enableScripts: true, localResourceRoots: [dist] };
    webview.html = inspectorHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      nonce: randomBytes(24).toString('base64url'),
      title: fileName,
    });
    await message;
  }

  private async summaryMessage(uri: vscode.Uri, fileName: string): Promise<InspectorMessage> {
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      return { type: 'error', fileName, title: 'Cannot read the file', message: `${fileName}: ${detail}` };
    }
    const result = readSummary(bytes, fileName);
    return result.ok
      ? { type: 'summary', fileName, summary: result.summary }
      : { type: 'error', fileName, title: result.title, message: result.message };
  }

  dispose(): void {
    this.rendered.dispose();
  }
}
