import path from 'node:path';
import * as vscode from 'vscode';

/**
 * The model path written into the generated header comment: workspace-relative when the model is in the workspace,
 * else relative to the export folder (never an absolute path of this machine).
 */
export function workspaceDisplayPath(model: vscode.Uri, rootFsPath: string): string {
  if (vscode.workspace.getWorkspaceFolder(model)) return vscode.workspace.asRelativePath(model, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  return path.relative(rootFsPath, model.fsPath).split(path.sep).join('/');
}
