/** The inspector worker (inspector-worker.ts): bundled next to the extension in dist/, transpiled next to this file in out/. */
import path from 'node:path';
import type { WorkerSpec } from '../common/worker-rpc';

export const INSPECTOR_WORKER: WorkerSpec = { file: path.join(__dirname, 'inspector-worker.js'), name: 'inspector', cancelGraceMs: 2000 };
