/**
 * The fit's board in the status bar ("$(circuit-board) nano33ble"; click: a QuickPick of the catalog and the user's
 * boards to change it, remembered for the workspace in `tinyml.fit.board`) and the command behind it. Activation only
 * creates the item: the fit service (board catalog, detection) is loaded just after, outside `activate`.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../../core/common/format';
import type { BoardState, FitService } from './fit-service';

export const CHOOSE_BOARD_COMMAND = 'tinyml.fit.chooseBoard';

export interface FitFeatures {
  /** The service, loaded on first call. */
  service(): FitService;
  /** What the status-bar item shows (for the test API). */
  status(): { text: string; tooltip: string } | undefined;
}

export function registerFitFeatures(context: vscode.ExtensionContext): FitFeatures {
  let service: FitService | undefined;
  const item = vscode.window.createStatusBarItem('tinyml.fit.board', vscode.StatusBarAlignment.Right, 100);
  item.name = 'TinyML Board';
  item.command = CHOOSE_BOARD_COMMAND;
  let shown: { text: string; tooltip: string } | undefined;
  const refresh = () => {
    const state = getService().boardState();
    shown = statusText(state);
    item.text = shown.text;
    item.tooltip = shown.tooltip;
    item.show();
  };
  const getService = (): FitService => {
    if (!service) {
      const { FitService: Service } = require('./fit-service') as typeof import('./fit-service');
      service = new Service();
      context.subscriptions.push(service, service.onDidChange(refresh));
    }
    return service;
  };
  context.subscriptions.push(
    item,
    vscode.commands.registerCommand(CHOOSE_BOARD_COMMAND, () => chooseBoard(getService())),
  );
  // After activation: reading the project files is not activation's work.
  const timer = setTimeout(refresh, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  return { service: getService, status: () => shown };
}

function statusText(state: BoardState): { text: string; tooltip: string } {
  if (!state.ok) return { text: '$(circuit-board) No board', tooltip: `TinyML fit: ${state.reason}. Click to choose a board.` };
  const b = state.board;
  return {
    text: `$(circuit-board) ${b.id}`,
    tooltip: `TinyML fit board: ${b.name} (${b.mcu}, ${b.core} ${b.clockMhz} MHz, ${formatBytes(b.ramBytes)} RAM, ${formatBytes(b.flashBytes)} flash), ` +
      `${state.origin.text}. Click to change.`,
  };
}

type BoardItem = vscode.QuickPickItem & { id?: string; detect?: true };

async function chooseBoard(service: FitService): Promise<void> {
  const state = service.boardState();
  const catalog = state.catalog;
  if (!catalog) {
    void vscode.window.showErrorMessage(`TinyML: ${state.ok ? 'no board catalog' : state.reason}`);
    return;
  }
  const current = state.ok ? state.board.id : undefined;
  const boardItem = (b: (typeof catalog.boards)[number]): BoardItem => ({
    label: b.id, id: b.id,
    description: `${b.name}${b.id === current ? ' (current)' : ''}`,
    detail: `${b.mcu} · ${b.core} ${b.clockMhz} MHz · ${formatBytes(b.ramBytes)} RAM · ${formatBytes(b.flashBytes)} flash`,
  });
  const user = catalog.boards.filter((b) => catalog.userIds.has(b.id));
  const builtin = catalog.boards.filter((b) => !catalog.userIds.has(b.id));
  const items: BoardItem[] = [
    { label: '$(search) Detect from the project', detect: true, description: 'platformio.ini, arduino.json, sketch.yaml, sdkconfig, Zephyr' },
    ...(user.length ? [{ label: 'Boards file', kind: vscode.QuickPickItemKind.Separator } as BoardItem, ...user.map(boardItem)] : []),
    { label: 'Catalog', kind: vscode.QuickPickItemKind.Separator },
    ...builtin.map(boardItem),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'TinyML: board to fit models to', placeHolder: current ? `Current: ${current}` : 'No board: pick one',
    matchOnDescription: true, matchOnDetail: true,
  });
  if (!picked) return;
  await service.setBoard(picked.detect ? undefined : picked.id);
}
