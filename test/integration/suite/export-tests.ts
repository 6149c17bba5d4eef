/**
 * Export and boilerplate commands in a real VS Code. The PlatformIO fixture (test/fixtures/projects/platformio) is
 * copied into the temporary workspace at run time, into a folder of its own for each test (any order, any subset);
 * the commands run with their test arguments (every answer given, no QuickPick), and the test checks the disk, the
 * documents and what Undo does. The host-stall figures are printed; their budget is judged by bench/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { parseCArray } from '../../../src/core/codegen';
import { ModelBuilder, writeModel } from '../../../src/core/tflite';
import type { ExportCommandArgs, ExportCommandResult } from '../../../src/extension/export/export-command';
import type { InsertBoilerplateResult } from '../../../src/extension/export/insert-boilerplate';
import type { InsertModelCallsResult } from '../../../src/extension/export/insert-model-calls';
import { Skip, type TestCase } from './runner';
import { untilSettled, waitFor } from './wait-for';

/** out/test/integration/suite -> project root (the fixtures are in the repository, not in a packaged extension). */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const GENERATED = ['src/model_data.cpp', 'include/model_data.h', 'src/model_runner.cpp', 'include/model_runner.h'];
const BUILT_OPS = ['AddConv2D', 'AddMaxPool2D', 'AddReshape', 'AddFullyConnected', 'AddSoftmax'];

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test run opens a workspace folder');
  return folder.uri.fsPath;
}

function builtModel(channels: number): Uint8Array {
  const b = new ModelBuilder({ description: 'export integration test', seed: 5 });
  const x = b.input('features', [1, 8, 8, 1]);
  const conv = b.conv2d(x, channels, [3, 3], { activation: 'RELU' });
  const flat = b.reshape(b.maxPool2d(conv, [2, 2]), [1, 4 * 4 * channels]);
  b.output(b.softmax(b.fullyConnected(flat, 3)));
  return writeModel(b.build());
}

function copyFixture(name: string, to: string): void {
  const from = path.join(REPO_ROOT, 'test', 'fixtures', 'projects', name);
  if (!fs.existsSync(from)) throw new Skip(`test/fixtures/projects/${name} is absent (the suite runs from an unpacked package)`);
  fs.rmSync(path.join(workspaceRoot(), to), { recursive: true, force: true });
  fs.cpSync(from, path.join(workspaceRoot(), to), { recursive: true });
}

/** A fresh copy of the PlatformIO fixture in `export-<name>`, for one test. */
function project(name: string) {
  const folder = `export-${name}`;
  copyFixture('platformio', folder);
  const at = (rel: string): string => path.join(workspaceRoot(), folder, ...rel.split('/'));
  return {
    folder,
    at,
    writeModel(channels: number): { uri: vscode.Uri; bytes: Uint8Array } {
      const bytes = builtModel(channels);
      const file = at('models/cnn.tflite');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, bytes);
      return { uri: vscode.Uri.file(file), bytes };
    },
    args(model: vscode.Uri, extra: Partial<ExportCommandArgs> = {}): ExportCommandArgs {
      return { model, target: { folder: vscode.Uri.file(at('')) }, options: { symbol: 'g_model', boilerplate: true }, confirm: true, ...extra };
    },
  };
}

async function runExport(args: ExportCommandArgs): Promise<ExportCommandResult> {
  const result = await vscode.commands.executeCommand<ExportCommandResult>('tinyml.exportModel', args);
  assert.ok(result, 'the command returns its result');
  return result;
}

/** Focuses an editor on `file` and runs the Undo command there, as Ctrl+Z would. */
async function undoIn(file: string): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false, preserveFocus: false });
  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
  await vscode.commands.executeCommand('undo');
  return editor;
}

/**
 * Saves `doc`, trying again for up to 3 s while VS Code refuses: run on a fresh folder, the save after Undo of a
 * re-export was refused once for one of the four files and accepted 100 ms later (why is not known yet; the test
 * used to pass only on the state earlier tests left behind).
 */
async function saveSoon(doc: vscode.TextDocument): Promise<boolean> {
  const deadline = Date.now() + 3000;
  while (!(await doc.save())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export function exportTests(): TestCase[] {
  return [
    {
      name: 'export: a PlatformIO project gets src/model_data.cpp, include/model_data.h and the runner',
      fn: async () => {
        const p = project('pio');
        const { uri, bytes } = p.writeModel(4);
        const result = await runExport(p.args(uri));
        assert.equal(result.reason, undefined, `no error: ${result.reason}`);
        assert.equal(result.applied, true);
        assert.deepEqual(result.files.map((f) => `${f.path}:${f.method}`).sort(), GENERATED.map((p) => `${p}:create`).sort());
        for (const rel of GENERATED) assert.ok(fs.existsSync(p.at(rel)), `${rel} exists`);
        const source = fs.readFileSync(p.at('src/model_data.cpp'));
        assert.deepEqual(parseCArray(source, 'g_model').bytes, bytes, 'the array holds the model bytes exactly');
        assert.match(source.toString('latin1'), /^\/\/ Generated by TinyML Toolkit/);
        assert.match(source.toString('latin1'), /\/\/ Model: {3}export-pio\/models\/cnn\.tflite/);
        assert.match(source.toString('latin1'), /alignas\(16\) const unsigned char g_model\[\]/);
        const runner = fs.readFileSync(p.at('src/model_runner.cpp'), 'utf8');
        assert.match(runner, /MicroMutableOpResolver<5>/);
        for (const op of BUILT_OPS) assert.ok(runner.includes(`resolver.${op}()`), `the resolver registers ${op}`);
        assert.match(runner, /#include <TensorFlowLite\.h>/, 'Arduino framework: the library header comes first');
        console.log(`    export of ${bytes.length} bytes took ${result.durationMs} ms; host stalls: plan ${result.hostMaxBlockMs?.plan} ms, apply ${result.hostMaxBlockMs?.apply} ms`);
      },
    },
    {
      name: 'export: Undo in one of the new files deletes every file the export created',
      fn: async () => {
        const p = project('undo');
        const exported = await runExport(p.args(p.writeModel(4).uri));
        assert.equal(exported.applied, true, `export: ${exported.reason}`);
        assert.ok(GENERATED.every((rel) => fs.existsSync(p.at(rel))));
        await undoIn(p.at('include/model_data.h'));
        await waitFor('the created files to be deleted', () => GENERATED.every((rel) => !fs.existsSync(p.at(rel))));
        assert.ok(fs.existsSync(p.at('src/main.cpp')), 'the project\'s own files stay');
        assert.ok(fs.existsSync(p.at('include/README')));
        await closeAllEditors();
      },
    },
    {
      name: 'export: re-export updates the generated files in place; Undo restores the previous export',
      fn: async () => {
        const p = project('reexport');
        const first = await runExport(p.args(p.writeModel(4).uri));
        assert.equal(first.applied, true, `first export: ${first.reason}`);
        const before = new Map(GENERATED.map((rel) => [rel, fs.readFileSync(p.at(rel), 'utf8')]));
        const { uri, bytes } = p.writeModel(6);
        const second = await runExport(p.args(uri));
        assert.equal(second.applied, true, `re-export: ${second.reason}`);
        assert.deepEqual(second.files.map((f) => `${f.path}:${f.method}`).sort(), GENERATED.map((p) => `${p}:replace`).sort());
        assert.deepEqual(parseCArray(fs.readFileSync(p.at('src/model_data.cpp')), 'g_model').bytes, bytes, 'saved with the new model');
        assert.notEqual(fs.readFileSync(p.at('src/model_runner.cpp'), 'utf8'), before.get('src/model_runner.cpp'));

        await undoIn(p.at('src/model_runner.cpp'));
        const docs = await Promise.all(GENERATED.map((rel) => vscode.workspace.openTextDocument(vscode.Uri.file(p.at(rel)))));
        await waitFor('every generated document to hold the previous export', () => docs.every((d, i) => d.getText() === before.get(GENERATED[i]!)));
        assert.ok(docs.every((d) => d.isDirty), 'undo restores the text in the editor; the files are unsaved until saved');
        for (const d of docs) assert.equal(await saveSoon(d), true, `${path.basename(d.uri.fsPath)} saves`);
        for (const rel of GENERATED) assert.equal(fs.readFileSync(p.at(rel), 'utf8'), before.get(rel), `${rel} on disk after save`);
        await closeAllEditors();
      },
    },
    {
      name: 'export: a same-named file we did not generate is not overwritten without the confirm',
      fn: async () => {
        const p = project('conflict');
        const first = await runExport(p.args(p.writeModel(4).uri));
        assert.equal(first.applied, true, `first export: ${first.reason}`);
        const own = '// my own runner header\n#pragma once\n';
        fs.writeFileSync(p.at('include/model_runner.h'), own);
        const dataBefore = fs.readFileSync(p.at('src/model_data.cpp'), 'utf8');
        const { uri } = p.writeModel(8);
        const refused = await runExport(p.args(uri));
        assert.equal(refused.applied, false);
        assert.match(refused.reason ?? '', /include\/model_runner\.h/);
        assert.match(refused.reason ?? '', /not generated by TinyML Toolkit/);
        assert.equal(fs.readFileSync(p.at('include/model_runner.h'), 'utf8'), own, 'the user\'s file is untouched');
        assert.equal(fs.readFileSync(p.at('src/model_data.cpp'), 'utf8'), dataBefore, 'nothing else was written either');

        const skipped = await runExport(p.args(uri, { conflicts: 'skip' }));
        assert.equal(skipped.applied, true, `skip: ${skipped.reason}`);
        assert.deepEqual(skipped.skipped, [`${p.folder}/include/model_runner.h`]);
        assert.equal(fs.readFileSync(p.at('include/model_runner.h'), 'utf8'), own, 'skipped, not overwritten');
        assert.notEqual(fs.readFileSync(p.at('src/model_data.cpp'), 'utf8'), dataBefore, 'the other files were updated');
      },
    },
    {
      name: 'export: a target that cannot be written is named in the error and nothing is changed',
      fn: async () => {
        const p = project('blocked');
        const root = p.at('');
        const model = p.writeModel(4).uri;
        fs.rmSync(path.join(root, 'include'), { recursive: true });
        fs.writeFileSync(path.join(root, 'include'), 'not a folder\n');
        const result = await runExport(p.args(model));
        assert.equal(result.applied, false);
        assert.match(result.reason ?? '', /export-blocked\/include\/model_data\.h: export-blocked\/include is a file, not a folder/);
        assert.ok(!fs.existsSync(path.join(root, 'src', 'model_data.cpp')), 'no file was written');
        assert.ok(!fs.existsSync(path.join(root, 'src', 'model_runner.cpp')));
      },
    },
    {
      name: 'export: a .tflite that is not a model is refused, naming the file, and nothing is written',
      fn: async () => {
        const root = path.join(workspaceRoot(), 'export-garbage');
        copyFixture('platformio', 'export-garbage');
        const notes = path.join(root, 'notes.tflite');
        fs.writeFileSync(notes, 'these are my notes, not a model\n');
        const before = fs.readdirSync(path.join(root, 'src')).sort();
        for (const boilerplate of [false, true]) {
          const result = await runExport({ model: vscode.Uri.file(notes), target: { folder: vscode.Uri.file(root) }, options: { symbol: 'g_model', boilerplate }, confirm: true });
          assert.equal(result.applied, false);
          assert.match(result.reason ?? '', /notes\.tflite: not a TFLite model/);
          assert.deepEqual(fs.readdirSync(path.join(root, 'src')).sort(), before, 'nothing was written into the project');
          assert.ok(!fs.existsSync(path.join(root, 'include', 'model_data.h')));
        }
        assert.equal(fs.readFileSync(notes, 'utf8'), 'these are my notes, not a model\n');
      },
    },
    {
      name: 'insert boilerplate: the runner goes in at the cursor of a C++ editor, as one undoable edit',
      fn: async () => {
        const p = project('insert');
        const { uri } = p.writeModel(4);
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(p.at('src/main.cpp')));
        const original = doc.getText();
        const editor = await vscode.window.showTextDocument(doc, { preview: false });
        const at = new vscode.Position(1, 0);
        editor.selection = new vscode.Selection(at, at);
        const result = await vscode.commands.executeCommand<InsertBoilerplateResult>('tinyml.insertBoilerplate', { model: uri });
        assert.equal(result?.inserted, true, `inserted: ${result?.reason}`);
        assert.deepEqual(result.at, { line: 1, character: 0 });
        const text = doc.getText();
        const inserted = text.slice(doc.offsetAt(at), doc.offsetAt(at) + result.length!);
        assert.ok(text.startsWith('#include <Arduino.h>\n// Inserted by TinyML Toolkit'), 'the text starts at the cursor');
        assert.match(inserted, /using OpResolver = tflite::MicroMutableOpResolver<5>;/);
        for (const op of BUILT_OPS) assert.ok(inserted.includes(`resolver.${op}()`), `registers ${op}`);
        assert.match(inserted, /#define MODEL_TENSOR_ARENA_MIN_SIZE \d+\n#define MODEL_TENSOR_ARENA_RECOMMENDED_SIZE \d+\n/);
        assert.match(inserted, /model_status model_setup\(void\) \{/);
        assert.ok(!inserted.includes('Generated by TinyML Toolkit'), 'the user\'s file is not marked as generated');
        assert.equal(text.slice(doc.offsetAt(at) + result.length!), original.slice(doc.offsetAt(at)), 'the rest follows unchanged');
        await vscode.commands.executeCommand('undo');
        await waitFor('undo of the insertion', () => doc.getText() === original);
        await closeAllEditors();
      },
    },
    {
      name: 'arena reuse: in a PlatformIO project the runner takes tensor_arena of main.cpp, the calls go in setup()/loop(), one Undo',
      fn: async () => {
        const p = project('reuse');
        const { uri } = p.writeModel(4);
        const exported = await runExport(p.args(uri));
        assert.equal(exported.applied, true, `exported: ${exported.reason}`);
        const main = p.at('src/main.cpp');
        const original = '#include <Arduino.h>\n\nconstexpr int kTensorArenaSize = 16 * 1024;\nalignas(16) uint8_t tensor_arena[kTensorArenaSize];\n\n' +
          'void setup() {\n  Serial.begin(115200);\n}\n\nvoid loop() {\n  delay(10);\n}\n';
        fs.writeFileSync(main, original);
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(main));
        await vscode.window.showTextDocument(doc, { preview: false });
        const result = await vscode.commands.executeCommand<InsertModelCallsResult>('tinyml.insertModelCalls', { answer: 'reuse' });
        assert.equal(result?.inserted, true, `inserted: ${result?.reason}`);
        assert.equal(result.reusesArena, true);
        const text = doc.getText();
        assert.match(text, /^#include <Arduino.h>\n#include "model_runner.h"\n/);
        assert.match(text, /void setup\(\) \{\n[^\n]*\n {2}if \(model_setup_with_arena\(tensor_arena, sizeof\(tensor_arena\)\) != MODEL_OK\) \{/);
        assert.match(text, /void loop\(\) \{\n[^\n]*\n {2}model_invoke\(\);\n {2}delay\(10\);/);
        // One arena: the exported runner declares none of its own now.
        assert.equal(result.runnerHeader, `${p.folder}/include/model_runner.h`);
        const header = (await vscode.workspace.openTextDocument(vscode.Uri.file(p.at('include/model_runner.h')))).getText();
        assert.match(header, /#define MODEL_EXTERNAL_ARENA 1\n/);
        await vscode.window.showTextDocument(doc, { preview: false });
        await vscode.commands.executeCommand('undo');
        await waitFor('undo of the calls', () => doc.getText() === original);
        await closeAllEditors();
      },
    },
    {
      name: 'problems: a clean export of hello_world leaves no TinyML problem on the generated files',
      fn: async () => {
        const shared = path.join(REPO_ROOT, '..', 'shared', 'models', 'tflm', 'examples', 'hello_world', 'hello_world_int8.tflite');
        if (!fs.existsSync(shared)) throw new Skip('../shared/models/tflm/examples/hello_world/hello_world_int8.tflite is absent');
        const p = project('problems');
        const model = p.at('models/hello_world_int8.tflite');
        fs.mkdirSync(path.dirname(model), { recursive: true });
        fs.copyFileSync(shared, model);
        const exported = await runExport(p.args(vscode.Uri.file(model)));
        assert.equal(exported.applied, true, `exported: ${exported.reason}`);
        const generated = GENERATED.map((rel) => vscode.Uri.file(p.at(rel)));
        for (const uri of generated) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
        // The control: the user's file that uses the model with a too-small arena does get its Error, so the
        // diagnostics have run on the open documents.
        const main = p.at('src/main.cpp');
        fs.writeFileSync(main, '#include <Arduino.h>\n#include "model_data.h"\nconstexpr int kTensorArenaSize = 64;\n' +
          'void setup() { (void)g_model; }\nvoid loop() {}\n');
        const mainUri = vscode.Uri.file(main);
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(mainUri), { preview: false });
        const tooSmall = await waitFor('the arena error on main.cpp', () =>
          vscode.languages.getDiagnostics(mainUri).find((d) => d.source === 'TinyML' && d.code === 'arena-too-small'));
        assert.equal(tooSmall.severity, vscode.DiagnosticSeverity.Error);
        for (const uri of generated) {
          const ours = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'TinyML');
          assert.deepEqual(ours.map((d) => d.message), [], `${vscode.workspace.asRelativePath(uri)} has no TinyML problem`);
        }
        await closeAllEditors();
      },
    },
    {
      name: 'export: without confirm the preview QuickPick comes first; closing it writes nothing, accepting Export writes',
      fn: async () => {
        const p = project('preview');
        const { uri } = p.writeModel(4);
        // Closed: the command ends as cancelled, and nothing was written while the preview was open.
        const closing = vscode.commands.executeCommand<ExportCommandResult>('tinyml.exportModel', p.args(uri, { confirm: false }));
        const cancelled = await untilSettled('the closed preview to end the export', closing, () => vscode.commands.executeCommand('workbench.action.closeQuickOpen'));
        assert.equal(cancelled?.reason, 'cancelled');
        assert.equal(cancelled.applied, false);
        assert.ok(GENERATED.every((rel) => !fs.existsSync(p.at(rel))), 'nothing was written');
        // Accepted: the first item of the preview is "Export: write 4 files".
        const accepting = vscode.commands.executeCommand<ExportCommandResult>('tinyml.exportModel', p.args(uri, { confirm: false }));
        const result = await untilSettled('the accepted preview to write', accepting, () => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'));
        assert.equal(result?.applied, true, `accepted: ${result?.reason}`);
        assert.ok(GENERATED.every((rel) => fs.existsSync(p.at(rel))));
      },
    },
    {
      name: 'export: one step — from an int8 model\'s Uri the preview is the one confirmation (project, language, runner shown) and Export writes; a float model is warned about first',
      timeoutMs: 60_000,
      fn: async () => {
        const hello = path.join(REPO_ROOT, '..', 'shared', 'models', 'tflm', 'examples', 'hello_world', 'hello_world_int8.tflite');
        if (!fs.existsSync(hello)) throw new Skip('../shared/models is absent');
        const p = project('one-step');
        const model = p.at('models/hello_world_int8.tflite');
        fs.mkdirSync(path.dirname(model), { recursive: true });
        fs.copyFileSync(hello, model);
        // The explorer menu and the inspector's Export to C… pass the model's Uri: no project, language or name pick.
        const running = vscode.commands.executeCommand<ExportCommandResult>('tinyml.exportModel', vscode.Uri.file(model));
        const result = await untilSettled('the one confirmation to write', running, () => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'), 40_000);
        assert.equal(result?.applied, true, `one step: ${result?.reason}`);
        assert.equal(result.rootFsPath, workspaceRoot());
        assert.ok(GENERATED.every((rel) => fs.existsSync(p.at(rel))), 'array, header and runner written into the PlatformIO project the model is in');
        assert.equal(result.floatModel, undefined, 'an int8 model is not warned about');
        // A float model: the warning comes before anything else; "Quantize First…" exports nothing.
        const { uri } = p.writeModel(2);
        const first = await runExport(p.args(uri, { floatModel: 'quantize' }));
        assert.equal(first.floatModel, true);
        assert.equal(first.applied, false);
        assert.equal(first.reason, 'quantize first');
        await closeAllEditors();
      },
    },
    {
      name: 'export: "Show the full preview" opens a read-only document: nothing unsaved is left behind',
      timeoutMs: 60_000,
      fn: async () => {
        await closeAllEditors();
        const p = project('full-preview');
        const { uri } = p.writeModel(4);
        const running = vscode.commands.executeCommand<ExportCommandResult>('tinyml.exportModel', p.args(uri, { confirm: false }));
        // The preview QuickPick: the second item is "Show the full preview"; then the QuickPick is closed.
        await new Promise((resolve) => setTimeout(resolve, 4000));
        await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        const preview = await waitFor('the full preview tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /export preview/.test(t.label)));
        const result = await untilSettled('the closed preview to end the export', running, () => vscode.commands.executeCommand('workbench.action.closeQuickOpen'));
        assert.equal(result?.reason, 'cancelled');
        const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
        assert.ok(!tabs.some((t) => t.isDirty), `no unsaved document: ${tabs.filter((t) => t.isDirty).map((t) => t.label).join(', ')}`);
        assert.ok(!vscode.workspace.textDocuments.some((d) => d.isUntitled), 'no Untitled document');
        assert.ok(preview.label.includes('cnn.tflite'), preview.label);
        await closeAllEditors();
      },
    },
    {
      name: 'snippets: the TFLite Micro snippets are offered in C++ and C files',
      fn: async () => {
        const cpp = await vscode.workspace.openTextDocument({ language: 'cpp', content: 'tflm' });
        const c = await vscode.workspace.openTextDocument({ language: 'c', content: 'tflm' });
        for (const doc of [cpp, c]) {
          const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(0, 4));
          const snippets = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Snippet).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
          assert.ok(snippets.some((l) => l.startsWith('tflm')), `${doc.languageId}: snippets offered (${snippets.join(', ') || 'none'})`);
        }
      },
    },
    {
      name: 'export: pose_landmark_heavy (27 MB) into a plain folder, written directly, no temporary file left',
      timeoutMs: 240_000,
      fn: async () => {
        const from = path.join(REPO_ROOT, 'node_modules', '@mediapipe', 'pose', 'pose_landmark_heavy.tflite');
        if (!fs.existsSync(from)) throw new Skip('node_modules/@mediapipe/pose is not installed');
        const dir = path.join(workspaceRoot(), 'export-big');
        fs.mkdirSync(dir, { recursive: true });
        const model = path.join(dir, 'pose_landmark_heavy.tflite');
        fs.copyFileSync(from, model);
        const result = await runExport({ model: vscode.Uri.file(model), target: { folder: vscode.Uri.file(dir) }, options: { boilerplate: true }, confirm: true });
        assert.equal(result.applied, true, `export: ${result.reason}`);
        assert.deepEqual(result.files.map((f) => `${f.path}:${f.method}`).sort(),
          ['model_data.cc:direct', 'model_data.h:create', 'model_runner.cc:create', 'model_runner.h:create']);
        assert.ok(!fs.readdirSync(dir).some((n) => n.includes('.tinyml-')), 'no temporary file is left');
        for (const name of ['model_data.h', 'model_runner.cc', 'model_runner.h']) assert.ok(fs.existsSync(path.join(dir, name)), `${name} exists`);
        const size = fs.statSync(path.join(dir, 'model_data.cc')).size;
        console.log(`    pose_landmark_heavy: ${result.durationMs} ms, model_data.cc ${(size / 1e6).toFixed(1)} MB; host stalls: plan ${result.hostMaxBlockMs?.plan} ms, apply ${result.hostMaxBlockMs?.apply} ms`);
        assert.ok(size > 170_000_000, `model_data.cc holds the whole array (${size} bytes)`);
        // The stall figure is printed above; its budget is judged by bench/ (worker.bench.ts: the same plan off and on the host thread).
        fs.rmSync(dir, { recursive: true });
      },
    },
  ];
}
