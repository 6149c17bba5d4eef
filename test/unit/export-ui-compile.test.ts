/**
 * The text Insert TFLite Micro Boilerplate puts at the cursor compiles where it is meant to go: the C++ block in a
 * user's .cpp (against the TFLM compile-check stubs and the exported data header) and the C block in a .c file
 * (against the exported runner header). Skipped without gcc/g++.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { generateCArrayHeader, generateCArraySource, generateModelRunner, sha256Hex } from '../../src/core/codegen';
import { ModelBuilder, readModel, writeModel } from '../../src/core/tflite';
import { runnerJob } from '../../src/extension/export/export-job';
import { insertionText } from '../../src/extension/export/export-ui';
import { PROJECT_ROOT } from '../helpers/paths';
import { tempDir } from '../helpers/temp-dir';

const STUBS = path.join(PROJECT_ROOT, 'test', 'compile-check', 'tflm-stubs');
const HAVE_GCC = spawnSync('gcc', ['--version']).status === 0 && spawnSync('g++', ['--version']).status === 0;
const SKIP = !HAVE_GCC ? 'gcc/g++ not installed: compile check skipped' : !fs.existsSync(STUBS) ? 'test/compile-check/tflm-stubs is absent' : false;

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}\n${r.stderr}`);
}

function quantizedModel(): Uint8Array {
  const b = new ModelBuilder({ description: 'insert compile test', seed: 9 });
  const x = b.input('x', [1, 6, 6, 2]);
  const conv = b.conv2d(x, 3, [3, 3], { activation: 'RELU6' });
  b.output(b.softmax(b.fullyConnected(b.reshape(conv, [1, 6 * 6 * 3]), 2)));
  return writeModel(b.build());
}

test('the inserted C++ runner compiles in a .cpp next to the exported data header', { skip: SKIP }, () => {
  const dir = tempDir('tinyml-insert-cc-');
  try {
    const bytes = quantizedModel();
    fs.writeFileSync(path.join(dir, 'm.tflite'), bytes);
    const prov = { modelPath: 'm.tflite', sha256: sha256Hex(bytes), byteSize: bytes.length, date: new Date('2026-01-01T00:00:00Z') };
    fs.writeFileSync(path.join(dir, 'model_data.h'), generateCArrayHeader(prov));
    fs.writeFileSync(path.join(dir, 'model_data.cc'), generateCArraySource(bytes, prov));
    const runner = runnerJob({ kind: 'runner', modelFsPath: path.join(dir, 'm.tflite'), modelDisplayPath: 'm.tflite', symbol: 'g_model', dataHeader: 'model_data.h', target: 'cortex-m', marginPercent: 20 });
    const inserted = insertionText(runner, 'cpp', { symbol: 'g_model', dataHeader: 'model_data.h', modelPath: 'm.tflite', exported: true });
    fs.writeFileSync(path.join(dir, 'main.cpp'), `#include <stdio.h>\n${inserted}\nint main() {\n  return model_setup() == MODEL_OK ? 0 : 1;\n}\n`);
    run('g++', ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-DTF_LITE_STATIC_MEMORY', '-I', STUBS, '-I', dir, '-c', 'main.cpp', '-o', 'main.o'], dir);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test('the inserted C calls compile in a .c file against the exported runner header', { skip: SKIP }, () => {
  const dir = tempDir('tinyml-insert-c-');
  try {
    const bytes = quantizedModel();
    fs.writeFileSync(path.join(dir, 'm.tflite'), bytes);
    const prov = { modelPath: 'm.tflite', sha256: sha256Hex(bytes), byteSize: bytes.length, date: new Date('2026-01-01T00:00:00Z') };
    const exported = generateModelRunner(readModel(bytes), prov, { symbol: 'g_kws', prefix: 'kws', dataHeader: 'kws_data.h', runnerHeader: 'kws_runner.h' });
    fs.writeFileSync(path.join(dir, 'kws_runner.h'), exported.header);
    const runner = runnerJob({ kind: 'runner', modelFsPath: path.join(dir, 'm.tflite'), modelDisplayPath: 'm.tflite', symbol: 'g_kws', dataHeader: 'kws_data.h', target: 'cortex-m', marginPercent: 20 });
    const inserted = insertionText(runner, 'c', { symbol: 'g_kws', dataHeader: 'kws_data.h', modelPath: 'm.tflite', exported: true });
    fs.writeFileSync(path.join(dir, 'main.c'), `${inserted}\nint main(void) {\n  float in[KWS_INPUT0_ELEMENTS] = {0};\n  float out[KWS_OUTPUT0_ELEMENTS];\n  return kws_run(in, out);\n}\n`);
    run('gcc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-I', dir, '-c', 'main.c', '-o', 'main.o'], dir);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
