/**
 * The fit in a real VS Code: the status-bar item shows the board the workspace's platformio.ini names, the
 * inspector's overview has a Fit section with that board's RAM, flash and latency (the figures of core/fit for the
 * same model and board), the Operators table a latency column, and choosing another board (the setting the
 * QuickPick writes, then the QuickPick's "Detect from the project") updates both. Screenshots for the README.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../../../src/core/common/format';
import { builtinCatalog } from '../../../src/core/fit/board-catalog';
import { estimateFit } from '../../../src/core/fit/fit';
import { loadModel } from '../../../src/core/tflite';
import { nextReport } from './inspector-tests';
import { Skip, type TestCase } from './runner';
import { screenshot } from './screenshot';
import { activated, EXTENSION_ID } from './tinyml-api';
import { untilSettled, waitFor } from './wait-for';

const VIEW_TYPE = 'tinyml.modelInspector';

function folder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the test run opens a workspace folder');
  return f;
}


/** RAM, flash and the verdict the page must show, from the fit engine itself for the same file and board. */
function expected(file: string, boardId: string): { ram: string; flash: string; fits: boolean } {
  const bytes = fs.readFileSync(file);
  const board = builtinCatalog().byId.get(boardId)!;
  const r = estimateFit(loadModel(bytes).model, board, { modelBytes: bytes.length });
  return { ram: `${formatBytes(r.ramBytes)} of ${formatBytes(board.ramBytes)}`, flash: `${formatBytes(r.flashBytes)} of ${formatBytes(board.flashBytes)}`, fits: r.fitsRam && r.fitsFlash };
}

export function fitTests(): TestCase[] {
  return [{
    name: 'fit: status-bar board from platformio.ini, the Fit section and per-op latency in the inspector, the hover line, another board via the setting, the QuickPick and a boards file',
    timeoutMs: 150_000,
    fn: async () => {
      const api = await activated();
      const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
      const source = path.join(root, '..', 'shared', 'models', 'tflm', 'models', 'person_detect.tflite');
      if (!fs.existsSync(source)) throw new Skip('../shared/models is absent');
      const dir = folder().uri.fsPath;
      const uri = vscode.Uri.file(path.join(dir, 'person_detect.tflite'));
      if (!fs.existsSync(uri.fsPath)) fs.copyFileSync(source, uri.fsPath);
      const ini = path.join(dir, 'platformio.ini');
      fs.writeFileSync(ini, '[platformio]\ndefault_envs = ble\n\n[env:ble]\nplatform = nordicnrf52\nboard = nano33ble\nframework = arduino\n');
      const config = vscode.workspace.getConfiguration('tinyml');
      try {
        await config.update('fit.board', undefined, vscode.ConfigurationTarget.Workspace);
        const status = await waitFor('the status-bar item to show nano33ble', () => api.fitStatus()?.text === '$(circuit-board) nano33ble' && api.fitStatus());
        assert.match(status.tooltip, /Arduino Nano 33 BLE.*detected from platformio\.ini \[ble\]: nano33ble/);

        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar'); // more room for the page in the pictures
        const fitted = nextReport(api, uri, (r) => r.reason === 'fit');
        await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
        const report = await fitted;
        const nano = expected(uri.fsPath, 'nano33ble');
        assert.ok(nano.fits, 'person_detect fits a nano33ble');
        assert.match(report.fitText, /Fit on nano33ble/);
        assert.ok(report.fitText.includes(nano.ram), `${report.fitText}\n does not show RAM ${nano.ram}`);
        assert.ok(report.fitText.includes(nano.flash), `${report.fitText}\n does not show flash ${nano.flash}`);
        assert.match(report.fitText, /Latency≈ [\d.]+ msrange [\d.]+–[\d.]+ ms/);
        assert.match(report.fitText, /✓ fits/);
        await new Promise((r) => setTimeout(r, 500));
        await screenshot('fit-overview-nano33ble');

        const ops = await api.revealInInspector(uri, { view: 'operators' });
        assert.equal(ops.operatorLatencies.length, ops.operatorOpcodes.length);
        assert.ok(ops.operatorLatencies.length > 0);
        for (const t of ops.operatorLatencies) assert.match(t, /^[\d.]+ ms$/);
        // The same estimate colours the Graph tab.
        const graph = await api.revealInInspector(uri, { view: 'graph', overlay: 'latency' });
        assert.equal(graph.graph?.overlay, 'latency');
        assert.match(graph.graph?.legend ?? '', /Estimated latency/);
        await api.revealInInspector(uri, { view: 'overview' });

        // The arena hover in C++ adds the fit line for the same model and board.
        await config.update('model', 'person_detect.tflite', vscode.ConfigurationTarget.Workspace);
        const cc = path.join(dir, 'fit_hover.cc');
        fs.writeFileSync(cc, '#include <cstdint>\nconstexpr int kTensorArenaSize = 100 * 1024;\n');
        const doc = await vscode.workspace.openTextDocument(cc);
        await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
        const at = new vscode.Position(1, doc.lineAt(1).text.indexOf('kTensorArenaSize') + 3);
        let hover = '';
        for (const deadline = Date.now() + 30_000; !/fits nano33ble/.test(hover); await new Promise((r) => setTimeout(r, 200))) {
          if (Date.now() > deadline) assert.fail(`no fit line in the arena hover within 30 s:\n${hover}`);
          const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
          hover = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
        }
        const unescaped = hover.replace(/\\(.)/g, '$1');
        assert.ok(unescaped.includes(`fits nano33ble: ${nano.ram} RAM, ${nano.flash} flash, ~`), unescaped);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        fs.rmSync(cc, { force: true });

        // Another board, as the QuickPick's choice writes it: a board this model does not fit.
        const refitted = nextReport(api, uri, (r) => r.reason === 'fit' && r.fitText.includes('uno_r4_minima'));
        await config.update('fit.board', 'uno_r4_minima', vscode.ConfigurationTarget.Workspace);
        const small = await refitted;
        const uno = expected(uri.fsPath, 'uno_r4_minima');
        assert.equal(uno.fits, false);
        assert.ok(small.fitText.includes(uno.ram), small.fitText);
        assert.match(small.fitText, /✗ does not fit/);
        assert.match(small.fitText, /What would help.*\d+ KB/s);
        await waitFor('the status-bar item to follow the setting', () => api.fitStatus()?.text === '$(circuit-board) uno_r4_minima');
        await new Promise((r) => setTimeout(r, 500));
        await screenshot('fit-overview-uno_r4_minima');

        // The QuickPick itself: its first item detects the board from the project again (clears the setting).
        const back = nextReport(api, uri, (r) => r.reason === 'fit' && r.fitText.includes('Fit on nano33ble'));
        const choosing = vscode.commands.executeCommand('tinyml.fit.chooseBoard');
        await untilSettled('the board QuickPick to accept', choosing, () => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'));
        await back;
        assert.equal(vscode.workspace.getConfiguration('tinyml').inspect('fit.board')?.workspaceValue, undefined);
        await waitFor('the status-bar item to show the detected board again', () => api.fitStatus()?.text === '$(circuit-board) nano33ble');

        // A user boards file (tinyml.fit.boardsFile, the format of tinyml fit --boards-file): its board can be chosen,
        // and editing the file refits.
        const boardsFile = path.join(dir, 'my-boards.json');
        const writeBoards = (ramK: number) => fs.writeFileSync(boardsFile, JSON.stringify({ boards: [
          { id: 'my_sensor', name: 'Sensor node', mcu: 'STM32L432KC', core: 'cortex-m4', clockMhz: 80, ramBytes: `${ramK}K`, flashBytes: '1M', fpu: 'sp', dsp: true },
        ] }));
        writeBoards(64);
        const mine = nextReport(api, uri, (r) => r.reason === 'fit' && r.fitText.includes('Fit on my_sensor'));
        await config.update('fit.boardsFile', 'my-boards.json', vscode.ConfigurationTarget.Workspace);
        await config.update('fit.board', 'my_sensor', vscode.ConfigurationTarget.Workspace);
        const tooSmall = await mine;
        assert.match(tooSmall.fitText, /of 64\.0 KiB \(\d+%\)does not fit/);
        assert.match(tooSmall.fitText, /\(boards file\)/);
        const grown = nextReport(api, uri, (r) => r.reason === 'fit' && r.fitText.includes('of 128 KiB'));
        writeBoards(128);
        assert.match((await grown).fitText, /✓ fits/);
        await config.update('fit.boardsFile', undefined, vscode.ConfigurationTarget.Workspace);
        fs.rmSync(boardsFile, { force: true });
      } finally {
        await vscode.workspace.getConfiguration('tinyml').update('fit.board', undefined, vscode.ConfigurationTarget.Workspace);
        await vscode.workspace.getConfiguration('tinyml').update('model', undefined, vscode.ConfigurationTarget.Workspace);
        await vscode.workspace.getConfiguration('tinyml').update('fit.boardsFile', undefined, vscode.ConfigurationTarget.Workspace);
        fs.rmSync(ini, { force: true });
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      }
    },
  }];
}
