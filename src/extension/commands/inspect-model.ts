/**
 * `TinyML: Inspect Model`: opens a .tflite file in the model inspector. Called from the explorer context menu (with
 * the file's Uri) or from the command palette (then asks for a file).
 */
import * as vscode from 'vscode';
import { INSPECTOR_VIEW_TYPE } from '../inspector/model-inspector-provider';

export async function inspectModel(uri?: vscode.Uri): Promise<void> {
  const target = uri instanceof vscode.Uri ? uri : await pickModelFile();
  if (!target) return;
  await vscode.commands.executeCommand('vscode.openWith', target, INSPECTOR_VIEW_TYPE);
}

async function pickModelFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Inspect',
    title: 'Select a TFLite model',
    filters: { 'TFLite models': ['tflite'] },
  });
  return picked?.[0];
}
