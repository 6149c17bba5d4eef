/**
 * The Graph tab in a narrow editor group (code-server): the canvas keeps the group's width (the details pane moves
 * below it) instead of shrinking beside a fixed-width details column, and stays tall enough to read.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as vscode from 'vscode';
import { writeModel } from '../../../src/core/tflite';
import { branchingModel } from '../../helpers/graph-models';
import { workspaceFile } from './inspector-tests';
import type { TestCase } from './runner';
import { screenshot } from './screenshot';
import { activated } from './tinyml-api';

/** Two editor groups side by side, the right one `share` of the width. */
async function twoGroups(share: number): Promise<void> {
  await vscode.commands.executeCommand('vscode.setEditorLayout', { orientation: 0, groups: [{ size: 1 - share }, { size: share }] });
}

export function graphNarrowTests(): TestCase[] {
  return [
    {
      name: 'graph: in a narrow editor group the canvas keeps the group\'s width and the details go below it',
      timeoutMs: 90_000,
      fn: async () => {
        const api = await activated();
        const uri = workspaceFile('branching_300.tflite');
        fs.writeFileSync(uri.fsPath, writeModel(branchingModel(300)));
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        try {
          for (const share of [0.3, 0.45]) {
            await twoGroups(share);
            const painted = new Promise<void>((resolve) => {
              const sub = api.onDidInspectorRender((e) => { if (e.uri.toString() === uri.toString() && e.report.reason === 'paint') { sub.dispose(); resolve(); } });
            });
            await vscode.commands.executeCommand('vscode.openWith', uri, 'tinyml.modelInspector', { viewColumn: vscode.ViewColumn.Two, preserveFocus: false });
            await painted;
            const report = await api.revealInInspector(uri, { view: 'graph' });
            const g = report.graph;
            assert.ok(g, 'the graph view reports its figures');
            console.log(`    narrow group (${Math.round(share * 100)} % of the window): page ${g.pageWidth} px wide, canvas ${g.canvasWidth} × ${g.canvasHeight} px`);
            assert.ok(g.pageWidth < 720, `the group is narrow (${g.pageWidth} px)`);
            // The page's own padding aside, the canvas takes the whole width: no 300 px details column beside it.
            assert.ok(g.canvasWidth >= g.pageWidth - 48, `canvas ${g.canvasWidth} px of a ${g.pageWidth} px page`);
            assert.ok(g.canvasHeight >= 320, `canvas ${g.canvasHeight} px tall`);
            assert.ok(g.visibleNodes > 0, 'something is drawn in view');
            if (share === 0.3) await screenshot('graph-narrow-group');
            await vscode.commands.executeCommand('workbench.action.closeAllEditors');
          }
        } finally {
          await vscode.commands.executeCommand('vscode.setEditorLayout', { orientation: 0, groups: [{}] });
        }
      },
    },
  ];
}
