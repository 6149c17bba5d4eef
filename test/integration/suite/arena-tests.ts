/**
 * The tensor arena in C/C++ in a real VS Code: a firmware folder written at run time (a model built in code, its C
 * array exported by our writer, a main.cc with a too-small `kTensorArenaSize`, an Arduino sketch with an `xxd -i`
 * header) gets the arena hover, the warning, and a quick fix that sets the recommended size. Each test writes its own
 * firmware folder (any order, any subset). The hover latency budget is judged by bench/vscode/; the figures are
 * printed here.
 */
import { waitFor } from './wait-for';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { estimateArena, type ArenaEstimate } from '../../../src/core/arena';
import { generateCArrayHeader, generateCArraySource, sha256Hex } from '../../../src/core/codegen';
import { ModelBuilder, readModel, writeModel } from '../../../src/core/tflite';
import type { TestCase } from './runner';
import { screenshot } from './screenshot';

/** What the user sees by default: tinyml.arena.* defaults of package.json. */
const DEFAULTS = { target: 'cortex-m', kernels: 'reference', isa: 'dsp', marginPercent: 20 } as const;
const HOVER_SAMPLES = 200;

function arenaModel(channels = 8): Uint8Array {
  const b = new ModelBuilder({ description: 'arena integration test', seed: 11 });
  const x = b.input('features', [1, 12, 12, 2]);
  const conv = b.conv2d(x, channels, [3, 3], { activation: 'RELU' });
  const flat = b.reshape(b.maxPool2d(conv, [2, 2]), [1, 6 * 6 * channels]);
  b.output(b.softmax(b.fullyConnected(flat, 4)));
  return writeModel(b.build());
}

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test run opens a workspace folder');
  return folder.uri.fsPath;
}

interface Firmware {
  folder: string;
  main: string;
  sketch: string;
  /** The model's estimate computed here, independently of the extension. */
  estimate: ArenaEstimate;
}

/** Writes a firmware folder `firmware-<name>` of its own for one test. */
function writeFirmware(name: string): Firmware {
  const root = workspaceRoot();
  const folder = `firmware-${name}`;
  const main = `${folder}/main.cc`;
  const sketch = `${folder}/sketch/sketch.ino`;
  const model = arenaModel();
  const dir = path.join(root, folder);
  fs.mkdirSync(path.join(dir, 'sketch'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.tflite'), model);
  const prov = { modelPath: `${folder}/model.tflite`, sha256: sha256Hex(model), byteSize: model.length, date: new Date() };
  fs.writeFileSync(path.join(dir, 'model_data.h'), generateCArrayHeader(prov));
  fs.writeFileSync(path.join(dir, 'model_data.cc'), generateCArraySource(model, prov));
  fs.writeFileSync(path.join(root, main), [
    '#include "model_data.h"',
    '#include "tensorflow/lite/micro/micro_interpreter.h"',
    '',
    'constexpr int kTensorArenaSize = 1024;',
    'alignas(16) static uint8_t tensor_arena[kTensorArenaSize];',
    '',
    'void setup() {',
    '  const tflite::Model* model = tflite::GetModel(g_model);',
    '}',
    '',
  ].join('\n'));
  const hex = [...model].map((v) => `0x${v.toString(16).padStart(2, '0')}`).join(', ');
  fs.writeFileSync(path.join(dir, 'sketch', 'model.h'), `unsigned char model_tflite[] = {\n  ${hex}\n};\nunsigned int model_tflite_len = ${model.length};\n`);
  fs.writeFileSync(path.join(root, sketch), '#include "model.h"\n#define TENSOR_ARENA_SIZE (100*1024)\nvoid setup() { tflite::GetModel(model_tflite); }\n');
  return { folder, main, sketch, estimate: estimateArena(readModel(model), DEFAULTS) };
}

async function openDoc(relative: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceRoot(), relative)));
  await vscode.window.showTextDocument(doc);
  return doc;
}

function positionOf(doc: vscode.TextDocument, needle: string, nth = 0): vscode.Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = doc.getText().indexOf(needle, at + 1);
  assert.ok(at >= 0, `"${needle}" is in ${path.basename(doc.fileName)}`);
  return doc.positionAt(at + 1);
}

async function hoverText(doc: vscode.TextDocument, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

const fmt = (n: number) => n.toLocaleString('en-US');

function arenaDiagnostic(uri: vscode.Uri, code: string): vscode.Diagnostic | undefined {
  return vscode.languages.getDiagnostics(uri).find((d) => d.source === 'TinyML' && d.code === code);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export function arenaTests(): TestCase[] {
  return [
    {
      name: 'arena: hovering over kTensorArenaSize shows the estimate and that 1024 bytes are too small',
      fn: async () => {
        const fw = writeFirmware('hover');
        const e = fw.estimate;
        assert.ok(e.minArenaBytes > 1024, `the test model needs more than 1 KiB (${e.minArenaBytes})`);
        const doc = await openDoc(fw.main);
        const text = await hoverText(doc, positionOf(doc, 'kTensorArenaSize'));
        assert.match(text, /TinyML: tensor arena/);
        assert.match(text, /Too small/);
        assert.ok(text.includes(`| ${fmt(e.minArenaBytes)} |`), `required ${fmt(e.minArenaBytes)} bytes in:\n${text}`);
        assert.ok(text.includes(`| ${fmt(e.recommendedArenaBytes)} |`), 'recommended size shown');
        assert.ok(text.includes(`\`#${e.peak!.operatorIndex} ${e.peak!.opcode}\``), 'peak operator shown');
        assert.match(text, new RegExp(`from the export comment in \`${escape(fw.folder)}/model_data\\.h\``));
        // The arena array's use of the constant gets the same hover.
        assert.match(await hoverText(doc, positionOf(doc, 'kTensorArenaSize', 1)), /Too small/);
        // The hover as a user sees it, for the README: the cursor on the constant, the hover widget shown.
        const editor = await vscode.window.showTextDocument(doc);
        const at = positionOf(doc, 'kTensorArenaSize');
        editor.selection = new vscode.Selection(at, at);
        editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
        await vscode.commands.executeCommand('editor.action.showHover');
        await new Promise((r) => setTimeout(r, 1500));
        await screenshot('arena-hover');
      },
    },
    {
      name: 'arena: the too-small constant gets a warning, and its quick fix sets the recommended size',
      fn: async () => {
        const fw = writeFirmware('quick-fix');
        const e = fw.estimate;
        const doc = await openDoc(fw.main);
        const warning = await waitFor('the arena warning', () => arenaDiagnostic(doc.uri, 'arena-too-small'));
        assert.equal(warning.severity, e.exact ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning, 'AllocateTensors() will fail: an error when the estimate is exact');
        assert.equal(doc.getText(warning.range), 'kTensorArenaSize');
        assert.match(warning.message, new RegExp(`minimum arena of \\S+ \\(${fmt(e.minArenaBytes)} bytes \\([\\d.]+ KiB\\) on cortex-m`));

        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, warning.range);
        const fix = actions.find((a) => a.title.includes('recommended size'));
        assert.ok(fix?.edit, `a quick fix is offered (got: ${actions.map((a) => a.title).join('; ')})`);
        assert.ok(await vscode.workspace.applyEdit(fix.edit));
        assert.ok(doc.getText().includes(`constexpr int kTensorArenaSize = ${e.recommendedArenaBytes};`), doc.getText());
        await waitFor('the warning to go', () => (arenaDiagnostic(doc.uri, 'arena-too-small') ? undefined : true));
        assert.equal(arenaDiagnostic(doc.uri, 'arena-oversized'), undefined);
        assert.match(await hoverText(doc, positionOf(doc, 'kTensorArenaSize')), /Enough/);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      },
    },
    {
      name: 'arena: hovering over the model array shows the model, its arena and TFLite Micro compatibility',
      fn: async () => {
        const fw = writeFirmware('model-hover');
        const e = fw.estimate;
        const doc = await openDoc(fw.main);
        const text = await hoverText(doc, positionOf(doc, 'g_model'));
        assert.match(text, /TinyML: model/);
        assert.ok(text.includes(`minimum **${fmt(e.minArenaBytes)} bytes`) && text.includes(`recommended **${fmt(e.recommendedArenaBytes)} bytes`), text);
        assert.match(text, /no compatibility problems found/);
      },
    },
    {
      name: 'arena: an Arduino sketch with an xxd -i header is estimated from the array bytes; 100 KiB is flagged as oversized',
      fn: async () => {
        const fw = writeFirmware('sketch');
        const e = fw.estimate;
        const doc = await openDoc(fw.sketch);
        const text = await hoverText(doc, positionOf(doc, 'TENSOR_ARENA_SIZE'));
        assert.ok(text.includes(`| ${fmt(e.minArenaBytes)} |`), text);
        assert.match(text, new RegExp(`the bytes of \`model_tflite\` in \`${escape(fw.folder)}/sketch/model\\.h\``));
        const hint = await waitFor('the oversized hint', () => arenaDiagnostic(doc.uri, 'arena-oversized'));
        assert.equal(hint.severity, vscode.DiagnosticSeverity.Information);
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, hint.range);
        const fix = actions.find((a) => a.title.includes('recommended size'));
        assert.ok(fix?.edit);
        assert.ok(await vscode.workspace.applyEdit(fix.edit));
        assert.ok(doc.getText().includes(`#define TENSOR_ARENA_SIZE (${Math.ceil(e.recommendedArenaBytes / 1024)}*1024)`), 'the N*1024 style is kept');
        await vscode.commands.executeCommand('workbench.action.files.revert');
      },
    },
    {
      name: 'arena: a .tflite changed on disk is seen through the file watcher: stale export, new requirement',
      fn: async () => {
        const fw = writeFirmware('watcher');
        const doc = await openDoc(fw.main);
        await waitFor('the arena warning', () => arenaDiagnostic(doc.uri, 'arena-too-small'));
        assert.equal(arenaDiagnostic(doc.uri, 'stale-export'), undefined);
        const bigger = arenaModel(16);
        const e = estimateArena(readModel(bigger), DEFAULTS);
        assert.notEqual(e.minArenaBytes, fw.estimate.minArenaBytes);
        fs.writeFileSync(path.join(workspaceRoot(), fw.folder, 'model.tflite'), bigger);
        const stale = await waitFor('the stale-export warning', () => arenaDiagnostic(doc.uri, 'stale-export'));
        assert.equal(doc.getText(stale.range), 'g_model');
        assert.match(stale.message, /model\.tflite changed since model_data\.h was exported/);
        const warning = await waitFor('the warning with the new requirement', () => {
          const d = arenaDiagnostic(doc.uri, 'arena-too-small');
          return d?.message.includes(`minimum arena of `) && d.message.includes(`(${fmt(e.minArenaBytes)} bytes`) ? d : undefined;
        });
        assert.ok(warning);
      },
    },
    {
      name: `arena: ${HOVER_SAMPLES} hovers in a row (model cached) all show the estimate; their latency is printed`,
      fn: async () => {
        const fw = writeFirmware('latency');
        const doc = await openDoc(fw.main);
        const pos = positionOf(doc, 'kTensorArenaSize');
        await hoverText(doc, pos);
        const times: number[] = [];
        for (let i = 0; i < HOVER_SAMPLES; i++) {
          const t0 = performance.now();
          const text = await hoverText(doc, pos);
          times.push(performance.now() - t0);
          assert.match(text, /TinyML: tensor arena/);
        }
        times.sort((a, b) => a - b);
        const p50 = percentile(times, 50);
        const p95 = percentile(times, 95);
        console.log(`    hover round trip (extension host -> workbench -> provider -> back): p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms (budget judged by bench/vscode)`);
      },
      timeoutMs: 60_000,
    },
  ];
}
