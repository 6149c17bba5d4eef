import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Scratch folders for one test process, all under one root that is removed when the process exits: node:test runs
 * each file in its own process, so a failed or cancelled test leaves nothing in the system's temp folder either.
 */
let root: string | undefined;

export function tempDir(prefix: string): string {
  if (!root) {
    const made = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-test-')));
    root = made;
    process.once('exit', () => fs.rmSync(made, { recursive: true, force: true, maxRetries: 2 }));
  }
  return fs.mkdtempSync(path.join(root, prefix));
}
