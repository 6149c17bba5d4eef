/**
 * The export commands' worker side: project detection over workspace folders (with the project's language), a
 * chosen folder, plans with create/update/conflict, the worker thread itself (results, typed errors, cancel) and the
 * write check that runs before anything is written.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { parseCArray } from '../../src/core/codegen';
import { ModelBuilder, writeModel } from '../../src/core/tflite';
import { detectTargets, folderTarget, planJob, type PlanJob } from '../../src/extension/export/export-job';
import { WorkerCancelled, WorkerJobError } from '../../src/extension/common/worker-errors';
import { EXPORT_WORKER, runInWorker } from '../../src/extension/export/worker-client';
import { PROJECT_ROOT } from '../helpers/paths';
import { tempDir } from '../helpers/temp-dir';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'projects');
const POSE_HEAVY = path.join(PROJECT_ROOT, 'node_modules', '@mediapipe', 'pose', 'pose_landmark_heavy.tflite');

function tempWorkspace(...fixtures: string[]): string {
  const ws = tempDir('tinyml-export-ws-');
  for (const f of fixtures) fs.cpSync(path.join(FIXTURES, f), path.join(ws, f), { recursive: true });
  return ws;
}

function model(): Uint8Array {
  const b = new ModelBuilder({ description: 'export worker test', seed: 4 });
  const x = b.input('x', [1, 16]);
  b.output(b.softmax(b.fullyConnected(b.fullyConnected(x, 8, { activation: 'RELU' }), 2)));
  return writeModel(b.build());
}

function planArgs(ws: string, modelFile: string, over: Partial<PlanJob> = {}): PlanJob {
  return {
    kind: 'plan', modelFsPath: modelFile, modelDisplayPath: 'm.tflite', rootFsPath: ws, project: folderTarget(ws).project,
    symbol: 'g_model', lang: 'cpp', boilerplate: true, target: 'cortex-m', marginPercent: 20, ...over,
  };
}

test('detectTargets finds each fixture project in a workspace folder, with its language', () => {
  const ws = tempWorkspace('platformio', 'stm32cube', 'cmake');
  try {
    const found = detectTargets([ws]).map((t) => `${t.project.type}@${t.project.root}:${t.language}`).sort();
    assert.deepEqual(found, ['cmake@cmake:cpp', 'platformio@platformio:cpp', 'stm32cube@stm32cube:c']);
    assert.ok(detectTargets([ws]).every((t) => t.rootFsPath === ws));
  } finally {
    fs.rmSync(ws, { recursive: true });
  }
});

test('folderTarget: a chosen project folder keeps its layout, a plain folder takes the files as they are', () => {
  const ws = tempWorkspace('platformio');
  try {
    const pio = folderTarget(path.join(ws, 'platformio'));
    assert.equal(pio.project.type, 'platformio');
    assert.equal(pio.project.sourceDir, 'src');
    // The workspace root is not a project itself (the project is one level down): files go to the root.
    assert.equal(folderTarget(ws).project.type, 'folder');
    assert.equal(folderTarget(ws).project.sourceDir, '');
  } finally {
    fs.rmSync(ws, { recursive: true });
  }
});

test('planJob: create, then update for our files and conflict for a file that is not ours', () => {
  const ws = tempWorkspace();
  try {
    const file = path.join(ws, 'm.tflite');
    const bytes = model();
    fs.writeFileSync(file, bytes);
    const first = planJob(planArgs(ws, file));
    assert.deepEqual(first.plan.files.map((f) => `${f.path}:${f.kind}`), ['model_data.cc:create', 'model_data.h:create', 'model_runner.cc:create', 'model_runner.h:create']);
    assert.deepEqual(parseCArray(first.plan.files[0]!.contents, 'g_model').bytes, bytes);
    for (const f of first.plan.files) fs.writeFileSync(path.join(ws, f.path), f.contents);
    fs.writeFileSync(path.join(ws, 'model_runner.h'), '// my header\n');
    const again = planJob(planArgs(ws, file));
    assert.deepEqual(again.plan.files.map((f) => `${f.path}:${f.kind}`), ['model_data.cc:update', 'model_data.h:update', 'model_runner.cc:update', 'model_runner.h:conflict']);
  } finally {
    fs.rmSync(ws, { recursive: true });
  }
});

test('planJob: a file that is not a model is refused, with or without the runner', () => {
  const ws = tempWorkspace();
  try {
    const file = path.join(ws, 'junk.tflite');
    fs.writeFileSync(file, Buffer.from('not a flatbuffer at all, just text'));
    assert.throws(() => planJob(planArgs(ws, file, { boilerplate: false })), { name: 'ModelFormatError', message: /not a TFLite model/ });
    assert.throws(() => planJob(planArgs(ws, file)), { name: 'ModelFormatError', message: /not a TFLite model/ });
    assert.throws(() => planJob(planArgs(ws, path.join(ws, 'missing.tflite'))), { name: 'ModelFileError', message: /no such file/ });
  } finally {
    fs.rmSync(ws, { recursive: true });
  }
});

test('runInWorker returns the plan from a worker thread and passes typed errors back', async () => {
  assert.ok(fs.existsSync(EXPORT_WORKER.file), `${EXPORT_WORKER.file} is built`);
  const ws = tempWorkspace('platformio');
  try {
    const file = path.join(ws, 'm.tflite');
    fs.writeFileSync(file, model());
    const targets = await runInWorker({ kind: 'detect', folders: [ws] });
    assert.deepEqual(targets.map((t) => t.project.type), ['platformio']);
    const result = await runInWorker(planArgs(ws, file, { project: targets[0]!.project }));
    assert.deepEqual(result.plan.files.map((f) => f.path), ['platformio/src/model_data.cpp', 'platformio/include/model_data.h', 'platformio/src/model_runner.cpp', 'platformio/include/model_runner.h']);
    assert.ok(result.plan.files[0]!.contents instanceof Uint8Array);
    // The float check Export makes before anything else, read and parsed off the host's thread.
    assert.equal(await runInWorker({ kind: 'precision', modelFsPath: file }), 'float');
    await assert.rejects(runInWorker(planArgs(ws, path.join(ws, 'nope.tflite'))), (e: unknown) => e instanceof WorkerJobError && e.is('model', 'unreadable') && /nope\.tflite/.test(e.message));
    await assert.rejects(runInWorker(planArgs(ws, file, { symbol: 'int' })), (e: unknown) => e instanceof WorkerJobError && e.is('export', 'option') && /int/.test(e.message));
  } finally {
    fs.rmSync(ws, { recursive: true });
  }
});

test('cancelling stops the worker mid-way through a 27 MB model (the host stall is measured by bench/worker.bench.ts)', { skip: fs.existsSync(POSE_HEAVY) ? false : 'node_modules/@mediapipe/pose is not installed' }, async () => {
  const ws = tempWorkspace();
  try {
    // Longest gap between timer ticks on this thread while the worker reads, estimates and formats.
    let last = performance.now();
    let maxGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const full = await runInWorker(planArgs(ws, POSE_HEAVY));
    const fullMs = performance.now() - started;
    clearInterval(ticker);
    assert.ok(full.plan.files[0]!.contents.length > 170_000_000);
    console.log(`pose_landmark_heavy plan in the worker: ${fullMs.toFixed(0)} ms; longest stall of this thread ${maxGap.toFixed(1)} ms`);

    const cancel = new AbortController();
    const t0 = performance.now();
    const pending = runInWorker(planArgs(ws, POSE_HEAVY), cancel.signal);
    setTimeout(() => cancel.abort(), 100);
    await assert.rejects(pending, (e: unknown) => e instanceof WorkerCancelled && e.stoppedBy === 'terminate');
    assert.ok(performance.now() - t0 < fullMs, 'cancel returns before the work would have finished');
    await assert.rejects(runInWorker({ kind: 'detect', folders: [ws] }, AbortSignal.abort()), WorkerCancelled);
  } finally {
    fs.rmSync(ws, { recursive: true });
  }
});
