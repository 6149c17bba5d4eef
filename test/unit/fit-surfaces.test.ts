/**
 * What the editor surfaces show of a fit: the board choice over a catalog merged with a user boards file (the
 * status-bar item and `tinyml fit` share it), the hover's fit line, the Fit section's view model, and `tinyml export
 * --kernels` sizing the arena as `tinyml fit --kernels` does.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { main } from '../../src/cli/main';
import { estimateArena } from '../../src/core/arena';
import { formatBytes, formatMs } from '../../src/core/common/format';
import { fitHoverMarkdown } from '../../src/core/firmware/arena-report';
import { BoardFileError, builtinCatalog, mergeUserBoards } from '../../src/core/fit/board-catalog';
import { BoardChoiceError, chooseBoard } from '../../src/core/fit/choose-board';
import { estimateFit } from '../../src/core/fit/fit';
import { fitLine, fitView, operatorKey } from '../../src/core/fit/fit-view';
import { suggestFixes } from '../../src/core/fit/suggest';
import { ModelBuilder, writeModel, type Model } from '../../src/core/tflite';
import { tempDir } from '../helpers/temp-dir';

function convNet(size: number, channels: number): Model {
  const b = new ModelBuilder({ seed: 4 });
  const x = b.input('image', [1, size, size, 3]);
  let h = b.conv2d(x, channels, [3, 3], { activation: 'RELU' });
  h = b.depthwiseConv2d(h, [3, 3], { activation: 'RELU' });
  h = b.averagePool2d(h, [2, 2]);
  b.output(b.softmax(b.fullyConnected(b.reshape(h, [1, -1]), 4)));
  return b.build();
}

const USER_BOARDS = JSON.stringify({
  boards: [
    { id: 'my_tiny', name: 'My tiny board', core: 'cortex-m0plus', clockMhz: 48, ramBytes: '16K', flashBytes: '128K' },
    { id: 'nano33ble', clockMhz: 128 },
  ],
});
const noFiles = () => undefined;

test('a user boards file adds boards and overrides fields; the board choice sees both, by id and from the project', () => {
  const catalog = mergeUserBoards(USER_BOARDS, 'boards.json');
  const builtin = builtinCatalog();
  assert.equal(catalog.boards.length, builtin.boards.length + 1);
  assert.deepEqual([...catalog.userIds].sort(), ['my_tiny', 'nano33ble']);
  const tiny = chooseBoard(catalog, 'my_tiny', noFiles, 'in the workspace');
  assert.equal(tiny.board.ramBytes, 16 * 1024);
  assert.equal(tiny.board.largestRegionBytes, 16 * 1024, 'a new board without largestRegionBytes gets its RAM');
  assert.equal(tiny.detected, undefined);
  const nano = chooseBoard(catalog, 'nano33ble', noFiles, 'in the workspace').board;
  const nanoBuiltin = builtin.byId.get('nano33ble')!;
  assert.equal(nano.clockMhz, 128);
  assert.equal(nano.ramBytes, nanoBuiltin.ramBytes, 'fields the file does not give stay as built in');
  // a platformio.ini naming a user board
  const fromProject = chooseBoard(catalog, undefined, (rel) => (rel === 'platformio.ini' ? '[env:t]\nboard = my_tiny\n' : undefined), 'in the workspace');
  assert.equal(fromProject.board.id, 'my_tiny');
  assert.equal(fromProject.detected?.file, 'platformio.ini');
});

test('the board choice says why there is none, with a kind the editor and the CLI word their hints by', () => {
  const catalog = builtinCatalog();
  const kind = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof BoardChoiceError);
      return { kind: e.kind, message: e.message };
    }
    assert.fail('expected a BoardChoiceError');
  };
  const unknown = kind(() => chooseBoard(catalog, 'nano33', noFiles, 'in the workspace'));
  assert.equal(unknown.kind, 'unknown-board');
  assert.match(unknown.message, /did you mean .*nano33ble/);
  assert.equal(kind(() => chooseBoard(catalog, undefined, noFiles, 'in the workspace')).kind, 'none-found');
  const foreign = kind(() => chooseBoard(catalog, undefined, (rel) => (rel === 'platformio.ini' ? '[env:x]\nboard = no_such_board\n' : undefined), 'here'));
  assert.equal(foreign.kind, 'not-in-catalog');
  assert.match(foreign.message, /'no_such_board' in platformio\.ini/);
  assert.throws(() => mergeUserBoards('{"boards": [{"id": "x"}]}', 'mine.json'), (e: unknown) => e instanceof BoardFileError && /mine\.json: board "x"/.test(e.message));
});

test('the hover line gives RAM, flash and the latency range of the fit, in the one bytes formatter', () => {
  const model = convNet(16, 8);
  const bytes = writeModel(model).length;
  const catalog = builtinCatalog();
  const board = catalog.byId.get('nano33ble')!;
  const report = estimateFit(model, board, { modelBytes: bytes });
  assert.ok(report.fitsRam && report.fitsFlash, 'the small net fits a nano33ble');
  const view = fitView(report, suggestFixes(model, report, catalog), { kind: 'setting', text: 'set in tinyml.fit.board' }, false);
  const [lo, hi] = report.latency.rangeMs;
  assert.equal(fitLine(view),
    `fits nano33ble: ${formatBytes(report.ramBytes)} of ${formatBytes(board.ramBytes)} RAM, ${formatBytes(report.flashBytes)} of ` +
    `${formatBytes(board.flashBytes)} flash, ~${formatMs(lo)}–${formatMs(hi)} ms (${report.kernels})`);
  assert.match(fitLine(view), /^fits nano33ble: [\d.]+ KiB of 256 KiB RAM, [\d.]+ KiB of 1\.00 MiB flash, ~[\d.]+–[\d.]+ ms \(cmsis-nn\)$/);
  const md = fitHoverMarkdown({ ok: true, fit: view });
  assert.ok(md.startsWith('$(pass) fits nano33ble'), md);
  assert.equal(fitHoverMarkdown({ ok: false, reason: 'no board found in the workspace' }), '$(circuit-board) Fit: no board found in the workspace');
  // per-operator latency for the Operators table: one entry per operator, summing to the model's latency
  assert.equal(Object.keys(view.operatorMs).length, model.subgraphs[0]!.operators.length);
  const sum = model.subgraphs[0]!.operators.reduce((a, _op, i) => a + view.operatorMs[operatorKey(0, i)]!, 0);
  assert.ok(Math.abs(sum - report.latency.ms) <= 1e-9 * Math.max(1, report.latency.ms), `${sum} vs ${report.latency.ms}`);
  // the RAM and flash parts add up to the totals the bars show
  assert.equal(view.ramParts.reduce((a, p) => a + p.bytes, 0), view.ramBytes);
  assert.equal(view.flashParts.reduce((a, p) => a + p.bytes, 0), view.flashBytes);
});

test('when the model does not fit, the line says what is over and the view carries the suggestions with numbers', () => {
  const model = convNet(64, 16);
  const catalog = mergeUserBoards(USER_BOARDS, 'boards.json');
  const board = catalog.byId.get('my_tiny')!;
  const report = estimateFit(model, board, { modelBytes: writeModel(model).length });
  assert.equal(report.fitsRam, false);
  const suggestions = suggestFixes(model, report, catalog);
  const view = fitView(report, suggestions, { kind: 'detected', text: 'detected from platformio.ini [t]: my_tiny' }, true);
  assert.match(fitLine(view), /^does not fit my_tiny \(RAM[^)]*\): /);
  assert.ok(fitHoverMarkdown({ ok: true, fit: view }).startsWith('$(error) does not fit my\\_tiny'));
  assert.ok(view.suggestions.length > 0);
  assert.deepEqual(view.suggestions, suggestions.map((s) => s.message));
  assert.ok(view.suggestions.some((s) => /\d+ KB/.test(s)), view.suggestions.join('\n'));
  assert.equal(view.board.fromUserFile, true);
});

test('tinyml export --kernels sizes the arena for that kernel set, as fit does; --isa only with cmsis-nn', async () => {
  const tmp = tempDir('tinyml-export-kernels-');
  const model = convNet(24, 8);
  const file = path.join(tmp, 'net.tflite');
  fs.writeFileSync(file, writeModel(model));
  const run = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await main(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
    return { code, out, err };
  };
  const arenaOf = (out: string) => Number(/Tensor arena: \d+ bytes \(minimum (?:at least )?(\d+) bytes/.exec(out)?.[1]);
  const ref = await run('export', file, '--out', path.join(tmp, 'a'), '--boilerplate', '--dry-run');
  const cmsis = await run('export', file, '--out', path.join(tmp, 'b'), '--boilerplate', '--dry-run', '--kernels', 'cmsis-nn');
  const mve = await run('export', file, '--out', path.join(tmp, 'c'), '--boilerplate', '--dry-run', '--kernels', 'cmsis-nn', '--isa', 'mve');
  assert.equal(ref.code, 0, ref.err);
  assert.equal(cmsis.code, 0, cmsis.err);
  assert.equal(arenaOf(ref.out), estimateArena(model, { target: 'cortex-m', kernels: 'reference', marginPercent: 0 }).minArenaBytes);
  assert.equal(arenaOf(cmsis.out), estimateArena(model, { target: 'cortex-m', kernels: 'cmsis-nn', isa: 'dsp', marginPercent: 0 }).minArenaBytes);
  assert.equal(arenaOf(mve.out), estimateArena(model, { target: 'cortex-m', kernels: 'cmsis-nn', isa: 'mve', marginPercent: 0 }).minArenaBytes);
  assert.match(cmsis.out, /cmsis-nn dsp kernels/);
  // the arena fit counts on a CMSIS-NN board is the one export writes with --kernels cmsis-nn
  const fit = estimateFit(model, builtinCatalog().byId.get('nano33ble')!, { kernels: 'cmsis-nn', modelBytes: 1 });
  assert.equal(fit.ram.arenaBytes, Math.ceil(arenaOf(cmsis.out) / 16) * 16, 'fit counts the minimum rounded up to 16');
  const bad = await run('export', file, '--out', path.join(tmp, 'd'), '--isa', 'mve');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--isa .* --kernels cmsis-nn/);
  const unknown = await run('export', file, '--out', path.join(tmp, 'e'), '--kernels', 'fast');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /--kernels must be one of reference, cmsis-nn, esp-nn/);
});
