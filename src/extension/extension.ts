/**
 * Entry point. Activation only registers the command and the custom editor: the model library and everything heavy
 * are imported inside handlers, so activation stays within a few milliseconds.
 */
import * as vscode from 'vscode';
import type { InspectorAction, RenderReport, RevealTarget } from '../protocol/inspector';
import { registerArenaFeatures } from './arena/register';
import { registerLog } from './common/log';
import { isTestRun } from './common/test-mode';
import { inspectModel } from './commands/inspect-model';
import { registerExportCommands } from './export/register';
import { registerFitFeatures } from './fit/register';
import { INSPECTOR_VIEW_TYPE, ModelInspectorProvider, runAction, type InspectorActionTestArgs, type InspectorHostTimings } from './inspector/model-inspector-provider';
import { InspectorRenderReports } from './inspector/render-reports';
import { registerQuantizeCommand } from './quantize/register';
import { registerCompareCommand } from './compare/register';

/**
 * What `activate` returns in test runs only (`vscode.extensions.getExtension(...).exports`; undefined for a user):
 * the integration tests read it.
 */
export interface TinymlApi {
  /** Time spent inside `activate`, in milliseconds. */
  readonly activateMs: number;
  /** What the inspector webview last rendered for a file, as reported by the webview itself. */
  lastInspectorRender(uri: vscode.Uri): RenderReport | undefined;
  readonly onDidInspectorRender: vscode.Event<{ uri: vscode.Uri; report: RenderReport }>;
  /** Shows a view of the inspector open on `uri` (select, filter, copy); resolves with what the webview rendered. */
  revealInInspector(uri: vscode.Uri, target: RevealTarget): Promise<RenderReport>;
  /** How long the inspector's last load of `uri` blocked the extension host, step by step. */
  inspectorHostTimings(uri: vscode.Uri): InspectorHostTimings | undefined;
  /** What the fit board's status-bar item shows; undefined until it has been filled in (just after activation). */
  fitStatus(): { text: string; tooltip: string } | undefined;
  /** Runs an inspector action bar button for `uri` as a click does, with the dialogs' answers given. */
  runInspectorAction(uri: vscode.Uri, action: InspectorAction, answers: InspectorActionTestArgs): Promise<unknown>;
}

export function activate(context: vscode.ExtensionContext): TinymlApi | undefined {
  const started = performance.now();
  const reports = isTestRun(context) ? new InspectorRenderReports() : undefined;
  const fit = registerFitFeatures(context);
  const inspector = new ModelInspectorProvider(context.extensionUri, reports, fit.service);
  context.subscriptions.push(
    inspector,
    vscode.window.registerCustomEditorProvider(INSPECTOR_VIEW_TYPE, inspector, {
      supportsMultipleEditorsPerDocument: true,
      // Re-reading a model is cheap; keeping hidden webviews alive is not.
      webviewOptions: { retainContextWhenHidden: false },
    }),
    vscode.commands.registerCommand('tinyml.inspectModel', inspectModel),
  );
  registerLog(context);
  registerArenaFeatures(context, fit.service);
  registerExportCommands(context);
  registerQuantizeCommand(context);
  registerCompareCommand(context);
  const activateMs = performance.now() - started;
  if (!reports) return undefined;
  return {
    activateMs,
    lastInspectorRender: (uri) => reports.lastReport(uri),
    onDidInspectorRender: reports.onDidRender,
    revealInInspector: (uri, target) => reports.reveal(uri, inspector.webviews(uri), target),
    inspectorHostTimings: (uri) => inspector.hostTimings(uri),
    fitStatus: () => fit.status(),
    runInspectorAction: (uri, action, answers) => runAction(uri, action, answers),
  };
}

export function deactivate(): void {}
