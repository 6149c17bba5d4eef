/**
 * The one job RPC's error shape: what each core error class becomes when it crosses a worker ({domain, kind, file,
 * message}), and how the host side reads it back. The worker threads themselves are exercised by
 * export-ui-worker.test.ts and quantize-ui-worker.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExportConflictError, ExportOptionError } from '../../src/core/codegen';
import { FileError } from '../../src/core/io/file-error';
import { DatasetError, unreadableSample } from '../../src/core/data/errors';
import { QuantizeError } from '../../src/core/quantize/errors';
import { RuntimeError } from '../../src/core/runtime/errors';
import { ModelFormatError } from '../../src/core/tflite';
import { ModelFileError } from '../../src/core/tflite/model-file';
import { WorkerJobError } from '../../src/extension/common/worker-errors';
import { toWorkerError } from '../../src/extension/common/worker-serve';

test('each core error crosses the worker as its domain and kind, with the file at fault', () => {
  assert.deepEqual(toWorkerError(new DatasetError('non-finite', 'data/x.npy', 'data/x.npy: NaN at 3')), { domain: 'dataset', kind: 'non-finite', file: 'data/x.npy', message: 'data/x.npy: NaN at 3' });
  // A loader that knows the fix says it once: in the message, and marked so that the host adds no fix for the kind.
  assert.deepEqual(toWorkerError(unreadableSample('photos/a.png', 'PNG image', 'bad CRC')), {
    domain: 'dataset', kind: 'format', file: 'photos/a.png', fix: 'Re-save it, or move it out of the calibration data.',
    message: 'photos/a.png: not a readable PNG image (bad CRC). Re-save it, or move it out of the calibration data.',
  });
  assert.deepEqual(toWorkerError(new QuantizeError('unsupported-op', 'SVDF #3 has no int8 form')), { domain: 'quantize', kind: 'unsupported-op', message: 'SVDF #3 has no int8 form' });
  assert.deepEqual(toWorkerError(new RuntimeError('variable-tensors', 'LSTM state')), { domain: 'runtime', kind: 'variable-tensors', message: 'LSTM state' });
  assert.deepEqual(toWorkerError(new ModelFileError('not-found', 'm.tflite', 'm.tflite: no such file')), { domain: 'model', kind: 'unreadable', file: 'm.tflite', message: 'm.tflite: no such file' });
  assert.deepEqual(toWorkerError(new ModelFormatError('bad root offset', 'm.tflite')), { domain: 'model', kind: 'invalid', file: 'm.tflite', message: 'm.tflite: bad root offset' });
  assert.equal(toWorkerError(new ExportOptionError('"int" is a C keyword')).kind, 'option');
  assert.equal(toWorkerError(new ExportConflictError(['a.h'])).kind, 'conflict');
  const permission = toWorkerError(new FileError('not-a-folder', 'include/model_data.h', 'include/model_data.h: include is a file, not a folder'));
  assert.deepEqual([permission.domain, permission.kind, permission.file], ['file', 'not-a-folder', 'include/model_data.h']);
  assert.deepEqual(toWorkerError(new TypeError('x is undefined')), { domain: 'internal', kind: 'unexpected', message: 'x is undefined' });
  assert.deepEqual(toWorkerError('thrown string'), { domain: 'internal', kind: 'unexpected', message: 'thrown string' });
});

test('the host reads a crossed error by domain and kind, never by class name', () => {
  const e = new WorkerJobError({ domain: 'dataset', kind: 'shape', file: 'd.npy', message: 'd.npy: shape [3] does not fit' });
  assert.equal(e.message, 'd.npy: shape [3] does not fit');
  assert.equal(e.file, 'd.npy');
  assert.ok(e.is('dataset'));
  assert.ok(e.is('dataset', 'shape'));
  assert.ok(!e.is('dataset', 'empty'));
  assert.ok(!e.is('quantize'));
  if (e.error.domain === 'dataset') assert.equal(e.error.kind, 'shape');
});
