/**
 * The one way a command asks for a .tflite model: the model in the active editor tab (when the command works on
 * "this" model), else the workspace's models in a QuickPick with a Browse… item, else the open dialog.
 */
import path from 'node:path';
import * as vscode from 'vscode';

const MODEL_GLOB = '**/*.tflite';
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.pio/**,**/build/**,**/managed_components/**}';
const MODEL_FILTERS = { 'TFLite models': ['tflite'] };

export interface PickModelOptions {
  /** QuickPick and dialog title. */
  title: string;
  /** The open dialog's button. */
  openLabel: string;
  /** Take the .tflite of the active tab (inspector or text editor) without asking. */
  preferActive?: boolean;
}

async function workspaceModels(max = 500): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(MODEL_GLOB, EXCLUDE, max);
  return found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

function activeModel(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  return uri?.path.toLowerCase().endsWith('.tflite') ? uri : undefined;
}

export async function pickModel(options: PickModelOptions): Promise<vscode.Uri | undefined> {
  const { title, openLabel } = options;
  if (options.preferActive) {
    const active = activeModel();
    if (active) return active;
  }
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
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, title, openLabel, filters: MODEL_FILTERS });
  return chosen?.[0];
}
