/**
 * One vocabulary and one set of figures: the same model gives the same minimum arena, used-after-allocation and
 * recommended figures, under the same names, on every text surface (CLI, hover, Problems panel, quantize report and
 * notification), for the default build and for a configured margin.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../src/cli/main';
import { ARENA_FIGURE_LABELS, ARENA_GAP_EXPLANATION, arenaFigures, arenaGapNote, estimateArena, recommendedArenaSize } from '../../src/core/arena';
import { formatBytesExact, formatCount, formatOperatorRef } from '../../src/core/common/format';
import { analyzeArena } from '../../src/core/firmware/arena-analysis';
import { arenaFindings } from '../../src/core/firmware/arena-check';
import { compilePatterns, DEFAULT_ARENA_CONSTANT_PATTERNS, findArenaConstants } from '../../src/core/firmware/arena-constants';
import { arenaConstantMarkdown, modelSymbolMarkdown } from '../../src/core/firmware/arena-report';
import { escapeMarkdown } from '../../src/core/common/markdown';
import { ArenaModelCache } from '../../src/core/firmware/model-cache';
import { findModelSymbols } from '../../src/core/firmware/model-symbols';
import { nodeModelFiles, nodeSourceFiles } from '../../src/core/firmware/node-files';
import { formatQuantizationReport } from '../../src/core/quantize';
import type { QuantizationReport } from '../../src/core/quantize/types';
import { tflmReport } from '../../src/core/quantize/tflm-report';
import { readModel } from '../../src/core/tflite';
import { resultSummary } from '../../src/extension/quantize/quantize-ui';
import { quantizationReportMarkdown } from '../../src/extension/quantize/report-markdown';
import { sharedModel, SKIP_WITHOUT_SHARED } from '../helpers/paths';
import { tempDir } from '../helpers/temp-dir';

const root = tempDir('tinyml-figures-');
after(() => fs.rmSync(root, { recursive: true, force: true }));

const HELLO = sharedModel('tflm/examples/hello_world/hello_world_int8.tflite');

async function cli(...argv: string[]): Promise<string> {
  let out = '';
  const code = await main(argv, { stdout: (t) => { out += t; }, stderr: () => undefined });
  assert.equal(code, 0);
  return out;
}

/** Every figure, in the exact words of the surface: the label, then the bytes as that surface prints them. */
function assertFigures(surface: string, text: string, figures: ReturnType<typeof arenaFigures>, bytes: (n: number) => string): void {
  for (const f of figures) {
    const label = new RegExp(`${f.label}[^\\n]*?${bytes(f.bytes).replace(/[.()]/g, '\\$&')}`, 'i');
    assert.match(text, label, `${surface}: ${f.label} ${f.bytes}`);
  }
}

for (const marginPercent of [20, 35]) {
  test(`hello_world int8, margin ${marginPercent}%: the same three figures in the CLI, the hover, the Problems panel and the quantize report`, { skip: SKIP_WITHOUT_SHARED }, async () => {
    const model = readModel(new Uint8Array(fs.readFileSync(HELLO)));
    const e = estimateArena(model, { marginPercent });
    const figures = arenaFigures(e);
    assert.deepEqual(figures.map((f) => [f.key, f.label, f.bytes]), [
      ['minimum', ARENA_FIGURE_LABELS.minimum, e.minArenaBytes], ['used', ARENA_FIGURE_LABELS.used, e.arenaUsedBytes], ['recommended', ARENA_FIGURE_LABELS.recommended, e.recommendedArenaBytes],
    ]);
    assert.equal(e.recommendedArenaBytes, recommendedArenaSize(e.minArenaBytes, marginPercent));
    assert.equal(e.recommendedArenaBytes % 16, 0);
    assert.ok(e.minArenaBytes > e.arenaUsedBytes, 'hello_world needs temporary planning memory: the gap the surfaces explain');

    // CLI: `tinyml arena --margin`, exact bytes.
    const cliText = await cli('arena', HELLO, '--margin', String(marginPercent));
    assertFigures('CLI', cliText, figures, (n) => `${formatCount(n)} bytes`);
    assert.ok(cliText.includes(ARENA_GAP_EXPLANATION), 'the CLI explains the gap');
    if (e.peak) assert.ok(cliText.includes(formatOperatorRef(e.peak.operatorIndex, e.peak.opcode)), 'the peak operator numbered as in the Operators table');

    // Hover and Problems panel, through the analysis the editor runs, on a project whose arena is too small.
    const ws = path.join(root, `hover-${marginPercent}`);
    fs.mkdirSync(ws, { recursive: true });
    fs.copyFileSync(HELLO, path.join(ws, 'model.tflite'));
    const file = path.join(ws, 'main.cc');
    const text = 'constexpr int kTensorArenaSize = 512;\nalignas(16) uint8_t tensor_arena[kTensorArenaSize];\nextern const unsigned char g_model[];\n';
    fs.writeFileSync(file, text);
    const options = { target: 'cortex-m' as const, kernels: 'reference' as const, isa: 'dsp' as const, marginPercent };
    const a = await analyzeArena({ file, text, workspaceFolders: [ws], options, findWorkspaceModels: async () => [path.join(ws, 'model.tflite')] },
      nodeSourceFiles, new ArenaModelCache(nodeModelFiles));
    assert.ok(a.estimate?.ok, JSON.stringify(a.location));
    assert.deepEqual(arenaFigures(a.estimate.estimate), figures, 'the editor estimates the same figures');
    const constants = findArenaConstants(text, compilePatterns(DEFAULT_ARENA_CONSTANT_PATTERNS).regexes);
    const hover = arenaConstantMarkdown(constants[0]!, a, { relative: (p) => path.relative(ws, p) });
    assertFigures('hover', hover, figures, (n) => formatCount(n));
    assert.ok(hover.includes(escapeMarkdown(ARENA_GAP_EXPLANATION)), 'the hover explains the gap');
    const symbolHover = modelSymbolMarkdown('g_model', a, { relative: (p) => path.relative(ws, p) });
    assertFigures('model hover', symbolHover, figures, (n) => formatCount(n));
    const [finding] = arenaFindings(constants, findModelSymbols(text), a);
    assert.equal(finding?.code, 'arena-too-small');
    assert.ok(finding.message.includes(`minimum arena of model.tflite (${formatBytesExact(e.minArenaBytes)}`), finding.message);
    assert.ok(finding.message.includes(`Recommended: ${formatBytesExact(e.recommendedArenaBytes)} (minimum + ${marginPercent}% margin`), finding.message);

    // Quantize: the report's TFLite Micro part (text, Markdown) and the notification, with the same margin.
    const tflm = tflmReport(model, { marginPercent })!;
    const report: QuantizationReport = { mode: 'int8', io: 'int8', sizeBefore: 4096, sizeAfter: 2048, operators: [], activations: [], totalMs: 1, tflm };
    assertFigures('quantize report text', formatQuantizationReport(report), figures, formatBytesExact);
    const md = quantizationReportMarkdown(report, [], { source: 'hello_world_float.tflite', output: 'hello_world_int8.tflite' });
    assertFigures('quantize report Markdown', md, figures, formatBytesExact);
    assert.ok(md.includes('tflite\\-micro\\#890'), 'the report explains the gap');
    assertFigures('quantize notification', resultSummary('hello_world_int8.tflite', report), figures, formatBytesExact);
  });
}

test('the figures are minimum, used after allocation, recommended, each with one line that says what it is', () => {
  const f = arenaFigures({ minArenaBytes: 1068, arenaUsedBytes: 676, recommendedArenaBytes: recommendedArenaSize(1068, 20), marginPercent: 20 });
  assert.deepEqual(f.map((x) => [x.label, x.bytes]), [['Minimum arena', 1068], ['Used after allocation', 676], ['Recommended', 1296]]);
  assert.match(f[0]!.explanation, /AllocateTensors\(\) succeeds/);
  assert.match(f[1]!.explanation, /arena_used_bytes\(\)/);
  assert.equal(f[2]!.explanation, 'minimum + 20% margin, rounded up to 16 bytes');
  assert.equal(recommendedArenaSize(1068, 0), 1072);
  assert.equal(arenaGapNote({ minArenaBytes: 1068, arenaUsedBytes: 676, recommendedArenaBytes: 1296, marginPercent: 20 }), ARENA_GAP_EXPLANATION);
  assert.equal(arenaGapNote({ minArenaBytes: 4096, arenaUsedBytes: 4096, recommendedArenaBytes: 4928, marginPercent: 20 }), undefined, 'no gap, nothing to explain');
  assert.equal(formatBytesExact(676), '676 bytes');
  assert.equal(formatBytesExact(1296), '1,296 bytes (1.27 KiB)');
  assert.equal(formatOperatorRef(4, 'CONV_2D'), '#4 CONV_2D');
});
