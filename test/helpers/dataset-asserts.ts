import assert from 'node:assert/strict';
import { DatasetError, type DatasetErrorKind } from '../../src/core/data/index';

/** Asserts that `p` rejects with a DatasetError of `kind` whose message matches. */
export async function rejectsWithDatasetError(p: Promise<unknown>, kind: DatasetErrorKind, message: RegExp): Promise<void> {
  let caught: unknown;
  await p.then(() => assert.fail(`expected a DatasetError (${kind})`), (e: unknown) => { caught = e; });
  assert.ok(caught instanceof DatasetError, `expected DatasetError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  assert.match(caught.message, message);
}
