/**
 * The editor-independent half of the export commands: target ranking, preview lines and Markdown, conflict answers,
 * how each file is written, the data-header reader and the text inserted at the cursor.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { formatBytesExact } from '../../src/core/common/format';
import { generateCArrayHeader, sha256Hex } from '../../src/core/codegen';
import { folderProject, memorySnapshot, type FirmwareProject, planExport } from '../../src/core/firmware';
import { parseModelMarker } from '../../src/core/codegen/marker';
import { ModelBuilder, readModel, writeModel } from '../../src/core/tflite';
import { runnerJob, type DetectedTarget } from '../../src/extension/export/export-job';
import {
  EDIT_MAX_BYTES, exportedModelFromHeader, insertionText, lineDiff, previewLines, previewMarkdown, rankTargets, resolveConflicts, runnerHeadersOfProject,
  symbolProblem, targetLayout, writeMethod,
} from '../../src/extension/export/export-ui';
import { transferablesOf } from '../../src/extension/common/worker-serve';
import { tempDir } from '../helpers/temp-dir';

function cnn(): Uint8Array {
  const b = new ModelBuilder({ description: 'export ui test', seed: 3 });
  const x = b.input('x', [1, 8, 8, 1]);
  const conv = b.conv2d(x, 4, [3, 3], { activation: 'RELU' });
  b.output(b.softmax(b.fullyConnected(b.reshape(b.maxPool2d(conv, [2, 2]), [1, 64]), 3)));
  return writeModel(b.build());
}

const FIXED_DATE = new Date('2026-01-02T00:00:00Z');

function target(root: string, project: Partial<FirmwareProject> & Pick<FirmwareProject, 'type' | 'root'>): DetectedTarget {
  return {
    rootFsPath: root,
    project: { sourceDir: project.root, includeDir: project.root, cppExtension: '.cc', registration: { kind: 'none' }, evidence: [], notes: [], ...project },
    language: 'cpp',
  };
}

test('symbolProblem accepts C identifiers and explains the rest', () => {
  assert.equal(symbolProblem('g_model'), undefined);
  assert.equal(symbolProblem('person_detect_model'), undefined);
  assert.match(symbolProblem('2model')!, /C identifier/);
  assert.match(symbolProblem('int')!, /keyword/);
  assert.match(symbolProblem('g-model')!, /letters, digits/);
});

test('rankTargets puts the projects that contain the model first, innermost first, and keeps the rest in order', () => {
  const ws = path.join(os.tmpdir(), 'ws');
  const top = target(ws, { type: 'cmake', root: '' });
  const pio = target(ws, { type: 'platformio', root: 'fw/pio' });
  const other = target(ws, { type: 'zephyr', root: 'other' });
  const fw = target(ws, { type: 'make', root: 'fw' });
  const ranked = rankTargets([top, other, fw, pio], path.join(ws, 'fw', 'pio', 'models', 'm.tflite'));
  assert.deepEqual(ranked.map((t) => t.project.root), ['fw/pio', 'fw', '', 'other']);
  assert.deepEqual(rankTargets([top, other, fw], undefined).map((t) => t.project.root), ['', 'other', 'fw'], 'no model: detection order');
  // A sibling folder whose name starts like the project's is not inside it.
  const sibling = rankTargets([top, pio], path.join(ws, 'fw', 'pio2', 'm.tflite'));
  assert.deepEqual(sibling.map((t) => t.project.root), ['', 'fw/pio']);
});

test('runnerHeadersOfProject keeps the headers of the file\'s own project, never another project\'s of the same prefix', () => {
  const ws = path.join(os.tmpdir(), 'ws');
  const a = target(ws, { type: 'platformio', root: 'a' });
  const b = target(ws, { type: 'arduino', root: 'b' });
  const h = (rel: string) => ({ fsPath: path.join(ws, ...rel.split('/')) });
  const headers = [h('a/include/model_runner.h'), h('b/model_runner.h'), h('b/lib/kws_runner.h')];
  const fileB = path.join(ws, 'b', 'b.ino');
  assert.deepEqual(runnerHeadersOfProject(fileB, [a, b], headers).map((x) => x.fsPath), [headers[1]!.fsPath, headers[2]!.fsPath], 'b\'s two, not a\'s');
  assert.deepEqual(runnerHeadersOfProject(path.join(ws, 'b', 'lib', 'x.c'), [a, b], headers).map((x) => x.fsPath), [headers[2]!.fsPath], 'the nearest of b\'s');
  // A project that has no export yet does not borrow the other project's header.
  const c = target(ws, { type: 'cmake', root: 'c' });
  assert.deepEqual(runnerHeadersOfProject(path.join(ws, 'c', 'main.c'), [a, b, c], headers), []);
  // Nested projects: the innermost that contains the file decides.
  const outer = target(ws, { type: 'cmake', root: '' });
  assert.deepEqual(runnerHeadersOfProject(path.join(ws, 'a', 'src', 'main.cpp'), [outer, a, b], headers).map((x) => x.fsPath), [headers[0]!.fsPath]);
  // A file in no detected project: headers under its own folder only.
  assert.deepEqual(runnerHeadersOfProject(path.join(ws, 'b', 'x.c'), [], headers).map((x) => x.fsPath), [headers[1]!.fsPath, headers[2]!.fsPath]);
  assert.deepEqual(runnerHeadersOfProject(path.join(ws, 'loose', 'x.c'), [], headers), []);
});

test('targetLayout says where the files go and how they are registered', () => {
  assert.equal(
    targetLayout(target('/w', { type: 'platformio', root: 'pio', sourceDir: 'pio/src', includeDir: 'pio/include' })),
    'sources in src/, headers in include/',
  );
  assert.equal(
    targetLayout(target('/w', { type: 'esp-idf', root: '', sourceDir: 'main', includeDir: 'main', registration: { kind: 'idf-component', file: 'main/CMakeLists.txt' } })),
    'files in main/; registered in CMakeLists.txt',
  );
  assert.equal(targetLayout(target('/w', { type: 'make', root: 'm', registration: { kind: 'manual', hint: 'x' } })), 'files in ./; add them to the build by hand');
});

test('writeMethod: new files are created, ours are replaced as text, big ones are written directly', () => {
  assert.equal(writeMethod(100, undefined), 'create');
  assert.equal(writeMethod(100, 50), 'replace');
  assert.equal(writeMethod(EDIT_MAX_BYTES + 1, undefined), 'direct');
  assert.equal(writeMethod(100, EDIT_MAX_BYTES + 1), 'direct', 'a big file being replaced by a small one is not opened as text either');
  assert.equal(writeMethod(EDIT_MAX_BYTES, EDIT_MAX_BYTES), 'replace');
});

function planWithConflict() {
  const bytes = cnn();
  const snapshot = memorySnapshot({
    'platformio.ini': '[env:x]\nframework = arduino\nlib_deps = tensorflow/Arduino_TensorFlowLite\n',
    'src/main.cpp': '#include <Arduino.h>\n',
    'include/model_runner.h': '// mine\n',
  });
  return planExport({ modelBytes: bytes, modelPath: 'models/cnn.tflite', snapshot, model: readModel(bytes), boilerplate: true, date: FIXED_DATE });
}

test('resolveConflicts: skip drops only the files that are not ours, overwrite keeps the plan', () => {
  const plan = planWithConflict();
  assert.deepEqual(plan.files.map((f) => `${f.path}:${f.kind}`), [
    'src/model_data.cpp:create', 'include/model_data.h:create', 'src/model_runner.cpp:create', 'include/model_runner.h:conflict',
  ]);
  assert.deepEqual(resolveConflicts(plan, 'skip').files.map((f) => f.path), ['src/model_data.cpp', 'include/model_data.h', 'src/model_runner.cpp']);
  assert.equal(resolveConflicts(plan, 'overwrite'), plan);
});

test('the preview lists every file with create/update/overwrite, the resolver, the arena and the notes', () => {
  const plan = planWithConflict();
  const lines = previewLines(plan, (p) => `pio/${p}`);
  assert.deepEqual(lines.slice(0, 4).map((l) => [l.icon, l.label, l.description.split(' · ')[0]]), [
    ['new-file', 'pio/src/model_data.cpp', 'create'],
    ['new-file', 'pio/include/model_data.h', 'create'],
    ['new-file', 'pio/src/model_runner.cpp', 'create'],
    ['warning', 'pio/include/model_runner.h', 'overwrite (not ours)'],
  ]);
  const resolver = lines.find((l) => l.label.startsWith('MicroMutableOpResolver'));
  assert.equal(resolver?.label, 'MicroMutableOpResolver<5>');
  assert.equal(resolver?.detail, 'Conv2D, MaxPool2D, Reshape, FullyConnected, Softmax');
  assert.ok(lines.some((l) => l.label === `Recommended arena ${formatBytesExact(plan.arena!.bytes)}`));
  assert.ok(lines.filter((l) => l.icon !== 'info').every((l) => l.path !== undefined), 'every file line reveals its file');
  const md = previewMarkdown(plan, 'cnn.tflite', (p) => p);
  assert.match(md, /^# Export cnn\.tflite\n/);
  assert.match(md, /- \*\*overwrite \(not ours\)\*\* `include\/model_runner\.h`/);
  assert.match(md, /MicroMutableOpResolver<5>/);
  assert.match(md, /Undo/);
});

test('the Markdown preview shows build-file edits as a diff', () => {
  const bytes = cnn();
  const snapshot = memorySnapshot({ 'CMakeLists.txt': 'cmake_minimum_required(VERSION 3.16)\nproject(app)\nadd_executable(app src/main.cc)\n', 'src/main.cc': 'int main() {}\n' });
  const plan = planExport({ modelBytes: bytes, modelPath: 'm.tflite', snapshot, date: FIXED_DATE });
  assert.equal(plan.edits.length, 1);
  const md = previewMarkdown(plan, 'm.tflite', (p) => p);
  assert.match(md, /```diff\n@@ line 5 @@\n\+# Added by TinyML Toolkit[^\n]*\n\+target_sources\(app PRIVATE\n\+ {2}src\/model_data\.cc\n\+\)\n/);
  const lines = previewLines(plan, (p) => p);
  assert.ok(lines.some((l) => l.icon === 'edit' && l.label === 'CMakeLists.txt' && l.description === 'edit build file'));
});

test('lineDiff shows only the changed middle', () => {
  assert.equal(lineDiff('a\nb\nc', 'a\nB\nc'), '@@ line 2 @@\n-b\n+B');
  assert.equal(lineDiff('', 'x'), '@@ line 1 @@\n-\n+x');
});

test('exportedModelFromHeader reads the symbol of a data header we generated', () => {
  const bytes = cnn();
  const header = generateCArrayHeader({ modelPath: 'fw/models/cnn.tflite', sha256: sha256Hex(bytes), byteSize: bytes.length, date: FIXED_DATE }, { symbol: 'g_cnn' });
  const marker = parseModelMarker(header);
  assert.deepEqual(exportedModelFromHeader('cnn_data.h', header, marker?.modelPath), { modelPath: 'fw/models/cnn.tflite', symbol: 'g_cnn', dataHeader: 'cnn_data.h' });
  assert.equal(exportedModelFromHeader('x.h', 'extern const unsigned char a[];', undefined), undefined, 'no provenance comment: not ours');
});

test('insertionText (C++): runner declarations and definitions in one block, without the generated-file marker', () => {
  const dir = tempDir('tinyml-insert-');
  try {
    const file = path.join(dir, 'cnn.tflite');
    fs.writeFileSync(file, cnn());
    const runner = runnerJob({ kind: 'runner', modelFsPath: file, modelDisplayPath: 'models/cnn.tflite', symbol: 'g_model', dataHeader: 'model_data.h', target: 'cortex-m', marginPercent: 20 });
    assert.equal(runner.resolverSize, 5);
    assert.deepEqual(runner.ops, ['Conv2D', 'MaxPool2D', 'Reshape', 'FullyConnected', 'Softmax']);
    const text = insertionText(runner, 'cpp', { symbol: 'g_model', dataHeader: 'model_data.h', modelPath: 'models/cnn.tflite', exported: false });
    assert.match(text, /^\/\/ Inserted by TinyML Toolkit: TensorFlow Lite Micro runner for models\/cnn\.tflite\n/);
    assert.ok(!text.includes('Generated by TinyML Toolkit'), 'a user file must not look like one we may regenerate');
    assert.equal(parseModelMarker(text), undefined);
    assert.match(text, /\/\/ Model: {3}models\/cnn\.tflite/);
    assert.match(text, /model_data\.h is written by "TinyML: Export Model to C Array"/);
    assert.ok(!text.includes('#include "model_runner.h"'), 'the declarations are inline, not included');
    assert.match(text, /#include "model_data\.h"/);
    assert.match(text, new RegExp(`#define MODEL_TENSOR_ARENA_RECOMMENDED_SIZE ${runner.arenaBytes}\\n`));
    assert.match(text, /#define MODEL_TENSOR_ARENA_SIZE MODEL_TENSOR_ARENA_RECOMMENDED_SIZE\n/);
    // Declarations (the status enum) come before the first use in the definitions.
    assert.ok(text.indexOf('} model_status;') < text.indexOf('model_status model_setup(void) {'));
    assert.equal(text.match(/TF_LITE_ENSURE_STATUS\(resolver\.Add/g)?.length, 5);
    const exported = insertionText(runner, 'cpp', { symbol: 'g_model', dataHeader: 'model_data.h', modelPath: 'models/cnn.tflite', exported: true });
    assert.ok(!exported.includes('is written by'), 'no export hint once the model was exported');
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test('insertionText (C): calls into the exported runner header, since TFLite Micro is C++', () => {
  const dir = tempDir('tinyml-insert-');
  try {
    const file = path.join(dir, 'cnn.tflite');
    fs.writeFileSync(file, cnn());
    const runner = runnerJob({ kind: 'runner', modelFsPath: file, modelDisplayPath: 'cnn.tflite', symbol: 'g_kws', dataHeader: 'kws_data.h', target: 'cortex-m', marginPercent: 20 });
    const text = insertionText(runner, 'c', { symbol: 'g_kws', dataHeader: 'kws_data.h', modelPath: 'cnn.tflite', exported: true });
    assert.match(text, /#include "kws_runner\.h"/);
    assert.match(text, /static int kws_run\(const float\* input, float\* output\) \{/);
    assert.match(text, /kws_set_input0\(input, KWS_INPUT0_ELEMENTS\)/);
    assert.match(text, /kws_get_output0\(output, KWS_OUTPUT0_ELEMENTS\)/);
    assert.ok(!text.includes('tflite::'), 'no C++ in a C file');
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test('transferablesOf moves big buffers that own their memory and copies the rest', () => {
  const big = new Uint8Array(2 << 20);
  const pooled = Buffer.from('small');
  const view = new Uint8Array(new ArrayBuffer(4 << 20), 16, 2 << 20);
  const found = transferablesOf({ plan: { files: [{ contents: big }, { contents: pooled }, { contents: view }] } });
  assert.deepEqual(found, [big.buffer]);
  assert.deepEqual(transferablesOf(folderProject('')), []);
});
