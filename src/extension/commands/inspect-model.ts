/**
 * `TinyML: Inspect Model`: opens a .tflite file in the model inspector. Called from the explorer context menu (with
 * the file's Uri) or from the command palette (then asks for a model).
 */
import * as vscode from 'vscode';
import { pickModel } from '../common/pick-model';
import { INSPECTOR_VIEW_TYPE } from '../inspector/model-inspector-provider';

export async function inspectModel(uri?: vscode.Uri): Promise<void> {
  const target = uri instanceof vscode.Uri ? uri : await pickModel({ title: 'Inspect a TFLite model', openLabel: 'Inspect' });
  if (!target) return;
  await vscode.commands.executeCommand('vscode.openWith', target, INSPECTOR_VIEW_TYPE);
}
