/**
 * Stands in for the VS Code executable that @vscode/test-electron's runTests() launches. Electron builds of VS Code
 * cannot be downloaded here, so this starts code-server (VS Code's server build, from npm) on 127.0.0.1, opens its
 * workbench in headless Chromium with the test payload in the URL, and exits with the code the extension host reports
 * when the tests finish.
 *
 * Environment (set by run.ts): CODE_SERVER_BIN (the code-server launcher), CODE_SERVER_NODE_DIR (folder with the
 * Node 24 binary code-server was built against), CHROMIUM (default /usr/bin/chromium), TEST_TIMEOUT_MS.
 * Arguments: those runTests passes (`--extensionDevelopmentPath=`, `--extensionTestsPath=`, `--extensions-dir=`,
 * `--user-data-dir=`) and the folder to open; other Electron flags are ignored.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';

interface ShimArgs {
  devPaths: string[];
  testsPath?: string;
  extensionsDir?: string;
  userDataDir?: string;
  folder?: string;
}

function parseArgs(argv: string[]): ShimArgs {
  const out: ShimArgs = { devPaths: [] };
  for (const arg of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(arg);
    if (!m) {
      if (!arg.startsWith('-')) out.folder = path.resolve(arg);
      continue;
    }
    const [, key, value] = m;
    if (key === 'extensionDevelopmentPath') out.devPaths.push(path.resolve(value));
    else if (key === 'extensionTestsPath') out.testsPath = path.resolve(value);
    else if (key === 'extensions-dir') out.extensionsDir = path.resolve(value);
    else if (key === 'user-data-dir') out.userDataDir = path.resolve(value);
  }
  return out;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the integration tests through test/integration/run.ts`);
  return value;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitForHealthy(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return false;
}

/** Settings that keep the workbench quiet: no welcome page, no AI panel, no network look-ups. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'git.enabled': false,
};

/** `[tinyml-screenshot] /abs/path.png` in the extension host's console: the shim saves the page there. */
const SCREENSHOT_REQUEST = /\[tinyml-screenshot\] (\S+\.png)/;

async function main(): Promise<number> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  if (!args.testsPath || args.devPaths.length === 0) throw new Error('expected --extensionTestsPath= and --extensionDevelopmentPath=');
  const codeServer = required('CODE_SERVER_BIN');
  const nodeDir = required('CODE_SERVER_NODE_DIR');
  const timeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 180_000);

  // VS Code puts unix sockets under TMPDIR, whose paths must stay short: a fresh folder directly in the temp dir.
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-'));
  const userDataDir = args.userDataDir ?? path.join(runDir, 'data');
  const extensionsDir = args.extensionsDir ?? path.join(runDir, 'ext');
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify(QUIET_SETTINGS, null, 1));

  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const logFile = path.join(runDir, 'code-server.log');
  const log = fs.openSync(logFile, 'a');
  const server = spawn(codeServer, [
    '--bind-addr', host, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--reconnection-grace-time', '5',
    // Without the smoke-test driver the workbench ignores the test payload in the URL.
    '--vscode-option', 'enable-smoke-test-driver',
    '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--config', path.join(runDir, 'config.yaml'),
  ], {
    detached: true, // own process group, so the extension host dies with it
    stdio: ['ignore', log, log],
    env: {
      ...process.env, PATH: `${nodeDir}${path.delimiter}${process.env.PATH ?? ''}`,
      HOME: runDir, TMPDIR: runDir, XDG_DATA_HOME: path.join(runDir, 'xdg'), XDG_CONFIG_HOME: path.join(runDir, 'xdg-config'),
    },
  });
  let cleanedUp = false;
  const cleanUp = () => {
    if (cleanedUp) return;
    cleanedUp = true;
    try {
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    fs.closeSync(log);
    if (!process.env.KEEP_RUN_DIR) fs.rmSync(runDir, { recursive: true, force: true });
  };
  process.on('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  const logTail = () => fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');

  if (!(await waitForHealthy(`http://${host}/healthz`, 60_000))) {
    console.error(`code-server did not start within 60 s; its log:\n${logTail()}`);
    return 3;
  }

  const remote = (p: string) => `vscode-remote://${host}${p}`;
  const payload = [
    ...args.devPaths.map((p) => ['extensionDevelopmentPath', remote(p)]),
    ['extensionTestsPath', remote(args.testsPath)],
  ];
  const target = args.folder ? `folder=${encodeURIComponent(args.folder)}` : 'ew=true';
  const url = `http://${host}/?${target}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    env: { ...process.env, HOME: runDir, TMPDIR: runDir },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // The workbench forwards the extension host's console through these two hooks of the smoke-test driver. The noise
    // filter drops start-up chatter and the marketplace look-ups that fail offline.
    const noise = /\[(AgentHost|ChatModelSelection|AccountPolicyGate)\]|ENOTFOUND open-vsx\.org/;
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationLog', (_type: string, logArgs: unknown[]) => {
        const line = format(...(logArgs ?? []));
        // A test asks for a picture of the workbench by logging this line (test/integration/suite/screenshot.ts).
        const shot = SCREENSHOT_REQUEST.exec(line);
        if (shot) {
          void page.screenshot({ path: shot[1]!.trim() }).catch((e: unknown) => console.error(`[code-server-shim] screenshot failed: ${String(e)}`));
          return;
        }
        if (!noise.test(line)) console.log(line);
      });
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await page.goto(url);
    const code = await Promise.race([exitCode, sleep(timeoutMs).then(() => 'timeout' as const)]);
    if (code === 'timeout') {
      console.error(`tests did not finish within ${timeoutMs / 1000} s; code-server log:\n${logTail()}`);
      return 4;
    }
    console.error(`[code-server-shim] extension host exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return code === 0 ? 0 : 1;
  } finally {
    await browser.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
