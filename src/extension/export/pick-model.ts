/** Choosing a .tflite model: the workspace's models in a QuickPick, or any file through the open dialog. */
import path from 'node:path';
import * as vscode from 'vscode';

const MODEL_GLOB = '**/*.tflite';
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.pio/**,**/build/**,**/managed_components/**}';

export async function workspaceModels(max = 500): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(MODEL_GLOB, EXCLUDE, max);
  return found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

export async function pickModel(title: string): Promise<vscode.Uri | undefined> {
  const models = await workspaceModels();
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
  const items: Item[] = models.map((uri) => ({
    label: `$(file-binary) ${path.basename(uri.fsPath)}`,
    description: vscode.workspace.asRelativePath(path.dirname(uri.fsPath)),
    uri,
  }));
  items.push({ label: '$(folder-opened) Browse…', description: 'a .tflite file anywhere' });
  const picked = models.length === 0
    ? items[0]
    : await vscode.window.showQuickPick(items, { title, placeHolder: `${models.length} .tflite model${models.length === 1 ? '' : 's'} in the workspace`, matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, title, openLabel: 'Use Model', filters: { 'TFLite models': ['tflite'] } });
  return chosen?.[0];
}

/**
 * The model path written into the generated header comment: workspace-relative when the model is in the workspace,
 * else relative to the export folder (never an absolute path of this machine).
 */
export function workspaceDisplayPath(model: vscode.Uri, rootFsPath: string): string {
  if (vscode.workspace.getWorkspaceFolder(model)) return vscode.workspace.asRelativePath(model, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  return path.relative(rootFsPath, model.fsPath).split(path.sep).join('/');
}
