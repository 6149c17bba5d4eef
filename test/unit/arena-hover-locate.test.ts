import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { estimateArena, type ArenaOptions } from '../../src/core/arena';
import { analyzeArena, type ArenaAnalysisRequest } from '../../src/core/firmware/arena-analysis';
import { ArenaModelCache, type ModelFiles } from '../../src/core/firmware/model-cache';
import { arenaFindings } from '../../src/core/firmware/arena-check';
import { compilePatterns, DEFAULT_ARENA_CONSTANT_PATTERNS, findArenaConstants } from '../../src/core/firmware/arena-constants';
import { locateModel } from '../../src/core/firmware/locate-model';
import { findModelSymbols } from '../../src/core/firmware/model-symbols';
import { nodeModelFiles, nodeSourceFiles } from '../../src/core/firmware/node-files';
import { arenaConstantMarkdown, modelSymbolMarkdown } from '../../src/core/firmware/arena-report';
import { generateCArrayHeader, generateCArraySource, markerComment, sha256Hex } from '../../src/core/codegen';
import { BuiltinOperator, ModelBuilder, readModel, TensorType, writeModel } from '../../src/core/tflite';
import { bytes, handMadeModel, t } from '../helpers/arena-models';
import { tempDir } from '../helpers/temp-dir';

const OPTIONS: Required<ArenaOptions> = { target: 'cortex-m', kernels: 'reference', isa: 'dsp', marginPercent: 20 };
const PATTERNS = compilePatterns(DEFAULT_ARENA_CONSTANT_PATTERNS).regexes;
const root = tempDir('arena-hover-');
after(() => fs.rmSync(root, { recursive: true, force: true }));

function mlp(hidden: number): Uint8Array {
  const b = new ModelBuilder({ seed: hidden });
  const x = b.input('x', [1, 512]);
  b.output(b.softmax(b.fullyConnected(b.fullyConnected(x, hidden, { activation: 'RELU' }), 4)));
  return writeModel(b.build());
}

/** Float input with int8 weights: a hybrid FULLY_CONNECTED, which TFLite Micro rejects. */
function hybrid(): Uint8Array {
  const q = { scale: [0.05], zeroPoint: [0], quantizedDimension: 0 };
  const FC = { type: 'FullyConnectedOptions', table: { fused_activation_function: 'NONE', weights_format: 'DEFAULT', keep_num_dims: false, asymmetric_quantize_inputs: false } };
  return writeModel(handMadeModel({
    tensors: [t('x', [1, 8]), t('w', [4, 8], TensorType.INT8, { quantization: q }), t('y', [1, 4])],
    ops: [{ code: BuiltinOperator.FULLY_CONNECTED, inputs: [0, 1, -1], outputs: [2], options: FC }],
    inputs: [0], outputs: [2], constants: { 1: bytes(32) },
  }));
}

function write(file: string, content: string | Uint8Array): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** An exported firmware folder: ws/<name>.tflite, ws/<dir>/model_data.{h,cc} from the exporter, ws/<dir>/main.cc. */
function exportedProject(dir: string, model: Uint8Array, arenaLine = 'constexpr int kTensorArenaSize = 1024;'): { ws: string; main: string; tflite: string } {
  const ws = path.join(root, dir);
  const tflite = write(path.join(ws, 'model.tflite'), model);
  const prov = { modelPath: 'model.tflite', sha256: sha256Hex(model), byteSize: model.length, date: new Date(0) };
  write(path.join(ws, 'fw', 'model_data.h'), generateCArrayHeader(prov));
  write(path.join(ws, 'fw', 'model_data.cc'), generateCArraySource(model, prov));
  const main = write(path.join(ws, 'fw', 'main.cc'), [
    '#include "model_data.h"',
    arenaLine,
    'alignas(16) uint8_t tensor_arena[kTensorArenaSize];',
    'void setup() { const tflite::Model* model = tflite::GetModel(g_model); }',
    '',
  ].join('\n'));
  return { ws, main, tflite };
}

function request(file: string, ws: string, extra: Partial<ArenaAnalysisRequest> = {}): ArenaAnalysisRequest {
  return {
    file, text: fs.readFileSync(file, 'latin1'), workspaceFolders: [ws], options: OPTIONS,
    findWorkspaceModels: async () => [], ...extra,
  };
}

function countingFiles(): ModelFiles & { reads: number } {
  const io = {
    reads: 0,
    stat: nodeModelFiles.stat,
    readText: nodeModelFiles.readText,
    async readBytes(file: string) {
      io.reads++;
      return nodeModelFiles.readBytes(file);
    },
  };
  return io;
}

describe('locating the model of a C/C++ file', () => {
  test('1. the export comment in an included header names the .tflite', async () => {
    const { ws, main, tflite } = exportedProject('marker', mlp(64));
    const loc = await locateModel(request(main, ws), nodeSourceFiles);
    assert.equal(loc.kind, 'marker');
    assert.equal(loc.kind === 'marker' && loc.tflite, tflite);
    assert.equal(loc.kind === 'marker' && path.basename(loc.markerFile), 'model_data.h');
    // The generated source itself also leads to the .tflite.
    const fromSource = await locateModel(request(path.join(ws, 'fw', 'model_data.cc'), ws), nodeSourceFiles);
    assert.equal(fromSource.kind, 'marker');
  });

  test('2. without a comment, the bytes of the array: an included xxd header of an Arduino sketch', async () => {
    const model = mlp(16);
    const ws = path.join(root, 'xxd');
    const hex = [...model].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ');
    write(path.join(ws, 'sketch', 'model.h'), `unsigned char model_tflite[] = {\n  ${hex}\n};\nunsigned int model_tflite_len = ${model.length};\n`);
    const sketch = write(path.join(ws, 'sketch', 'sketch.ino'), '#include "model.h"\nconst int kArenaSize = 2 * 1024;\nvoid setup() { model = tflite::GetModel(model_tflite); }\n');
    const req = request(sketch, ws, { findWorkspaceModels: async () => ['elsewhere.tflite'] });
    const loc = await locateModel(req, nodeSourceFiles);
    assert.deepEqual(loc.kind === 'c-array' && [path.basename(loc.file), loc.symbol, loc.inText], ['model.h', 'model_tflite', false]);
    const a = await analyzeArena(req, nodeSourceFiles, new ArenaModelCache(nodeModelFiles));
    assert.ok(a.estimate?.ok);
    assert.deepEqual(a.estimate.estimate, estimateArena(readModel(model), OPTIONS), 'the estimate of the array bytes is the estimate of the model');
  });

  test('2. a model array in the file itself', async () => {
    const model = mlp(8);
    const text = Buffer.from(generateCArraySource(model, { modelPath: 'gone.tflite', sha256: sha256Hex(model), byteSize: model.length, date: new Date(0) })).toString('latin1');
    const loc = await locateModel({ text, workspaceFolders: [], findWorkspaceModels: async () => [] }, nodeSourceFiles);
    assert.equal(loc.kind, 'c-array');
    assert.equal(loc.kind === 'c-array' && loc.inText, true);
  });

  test('a comment naming a model that is gone falls back to the array bytes beside it, and says so', async () => {
    const { ws, main, tflite } = exportedProject('gone', mlp(24));
    fs.rmSync(tflite);
    const loc = await locateModel(request(main, ws), nodeSourceFiles);
    assert.equal(loc.kind, 'c-array');
    assert.equal(loc.kind === 'c-array' && path.basename(loc.file), 'model_data.cc');
    assert.match(loc.notes.join(' '), /model_data\.h was exported from model\.tflite, which is no longer in the workspace/);
  });

  test('3. the tinyml.model setting, then 4. the only .tflite of the workspace', async () => {
    const ws = path.join(root, 'plain');
    const model = write(path.join(ws, 'models', 'net.tflite'), mlp(12));
    const main = write(path.join(ws, 'src', 'main.c'), '#define TENSOR_ARENA_SIZE (4*1024)\n');
    const bySetting = await locateModel(request(main, ws, { modelSetting: 'models/net.tflite' }), nodeSourceFiles);
    assert.deepEqual(bySetting.kind === 'setting' && bySetting.tflite, model);

    const missing = await locateModel(request(main, ws, { modelSetting: 'nope.tflite', findWorkspaceModels: async () => [model] }), nodeSourceFiles);
    assert.equal(missing.kind, 'workspace');
    assert.match(missing.notes.join(' '), /tinyml\.model setting names nope\.tflite, which does not exist/);

    const several = await locateModel(request(main, ws, { findWorkspaceModels: async () => [model, 'b.tflite'] }), nodeSourceFiles);
    assert.equal(several.kind, 'none');
    assert.match(several.notes.join(' '), /set tinyml\.model/);
  });
});

describe('analysis, cache and findings', () => {
  test('a too-small constant gets a warning whose fix is the recommended size; the model is read once', async () => {
    const model = mlp(64);
    const { ws, main } = exportedProject('small', model);
    const io = countingFiles();
    const cache = new ArenaModelCache(io);
    const req = request(main, ws);
    const a = await analyzeArena(req, nodeSourceFiles, cache);
    await analyzeArena(req, nodeSourceFiles, cache);
    assert.equal(io.reads, 1, 'the second analysis uses the cached model');
    assert.ok(a.estimate?.ok);
    const e = a.estimate.estimate;
    assert.deepEqual(e, estimateArena(readModel(model), OPTIONS));
    assert.ok(e.minArenaBytes > 1024, `the model needs more than 1 KiB (${e.minArenaBytes})`);

    const constants = findArenaConstants(req.text, PATTERNS);
    const findings = arenaFindings(constants, findModelSymbols(req.text), a);
    assert.equal(findings.length, 1, JSON.stringify(findings));
    const [f] = findings;
    assert.equal(f!.code, 'arena-too-small');
    assert.equal(f!.severity, e.exact ? 'error' : 'warning', 'an exact estimate above the constant is a certain failure');
    assert.equal(req.text.slice(f!.offset, f!.offset + f!.length), 'kTensorArenaSize');
    assert.match(f!.message, /kTensorArenaSize is 1,024 bytes, below the minimum arena of model\.tflite \([\d,]+ bytes \([\d.]+ KiB\) on cortex-m, reference kernels\): AllocateTensors\(\) will fail/);
    assert.equal(f!.fix!.text, String(e.recommendedArenaBytes));
    assert.equal(req.text.slice(f!.fix!.offset, f!.fix!.offset + f!.fix!.length), '1024');

    const md = arenaConstantMarkdown(constants[0]!, a, { relative: (p) => path.relative(ws, p) });
    assert.match(md, /Too small/);
    assert.ok(md.includes(e.minArenaBytes.toLocaleString('en-US')), 'required bytes shown');
    assert.ok(md.includes(e.recommendedArenaBytes.toLocaleString('en-US')), 'recommended bytes shown');
    assert.ok(md.includes(`\`#${e.peak!.operatorIndex} ${e.peak!.opcode}\``), 'peak operator shown');
    assert.match(md, /Model: `model\.tflite`, from the export comment in `fw\/model_data\.h`/);
  });

  test('a fixed constant is enough; more than twice the need is a hint; a changed .tflite is reported', async () => {
    const model = mlp(64);
    const e = estimateArena(readModel(model), OPTIONS);
    const { ws, main, tflite } = exportedProject('sizes', model, `constexpr int kTensorArenaSize = ${e.recommendedArenaBytes};`);
    const cache = new ArenaModelCache(nodeModelFiles);
    let req = request(main, ws);
    let a = await analyzeArena(req, nodeSourceFiles, cache);
    assert.deepEqual(arenaFindings(findArenaConstants(req.text, PATTERNS), findModelSymbols(req.text), a), []);
    assert.match(arenaConstantMarkdown(findArenaConstants(req.text, PATTERNS)[0]!, a, { relative: (p) => p }), /Enough/);

    fs.writeFileSync(main, req.text.replace(String(e.recommendedArenaBytes), '64 * 1024'));
    req = request(main, ws);
    a = await analyzeArena(req, nodeSourceFiles, cache);
    const [hint] = arenaFindings(findArenaConstants(req.text, PATTERNS), findModelSymbols(req.text), a);
    assert.equal(hint!.code, 'arena-oversized');
    assert.equal(hint!.severity, 'information');
    assert.equal(hint!.fix!.text, `${Math.ceil(e.recommendedArenaBytes / 1024)} * 1024`, 'the N * 1024 style is kept');

    // The model is re-exported elsewhere but the C files are not: the hash no longer matches.
    fs.writeFileSync(tflite, mlp(65));
    a = await analyzeArena(req, nodeSourceFiles, cache);
    assert.ok(a.staleExport, 'the changed .tflite is detected');
    const stale = arenaFindings([], findModelSymbols(req.text), a).find((f) => f.code === 'stale-export');
    assert.match(stale!.message, /model\.tflite changed since model_data\.h was exported \(SHA-256 differs\)/);
    assert.equal(req.text.slice(stale!.offset, stale!.offset + stale!.length), 'g_model');
  });

  test('a generated file (our marker) gets no arena or TFLite Micro findings, only a stale export', async () => {
    const { ws, main, tflite } = exportedProject('generated', hybrid(), 'constexpr int kTensorArenaSize = 64;');
    const req = request(main, ws);
    const a = await analyzeArena(req, nodeSourceFiles, new ArenaModelCache(nodeModelFiles));
    const constants = findArenaConstants(req.text, PATTERNS);
    const symbols = findModelSymbols(req.text);
    const codes = (text?: string) => arenaFindings(constants, symbols, a, text).map((f) => f.code).sort();
    assert.deepEqual(codes(req.text), ['arena-too-small', 'tflm-compat'], 'the user\'s own file: both');
    const generated = `${markerComment({ modelPath: 'model.tflite', sha256: '0'.repeat(64), byteSize: 1, date: new Date(0) }, 'test')}${req.text}`;
    assert.deepEqual(codes(generated), []);
    fs.writeFileSync(tflite, mlp(65));
    const stale = await analyzeArena(req, nodeSourceFiles, new ArenaModelCache(nodeModelFiles));
    assert.deepEqual(arenaFindings(constants, symbols, stale, generated).map((f) => f.code), ['stale-export'], 'a re-export is what the user can do');
  });

  test('TFLite Micro problems land on the model symbol and in its hover', async () => {
    const { ws, main } = exportedProject('hybrid', hybrid(), 'constexpr int kTensorArenaSize = 100 * 1024;');
    const req = request(main, ws);
    const a = await analyzeArena(req, nodeSourceFiles, new ArenaModelCache(nodeModelFiles));
    const findings = arenaFindings(findArenaConstants(req.text, PATTERNS), findModelSymbols(req.text), a);
    const compat = findings.filter((f) => f.code === 'tflm-compat');
    assert.equal(compat.length, 1);
    assert.equal(compat[0]!.severity, 'error');
    assert.equal(req.text.slice(compat[0]!.offset, compat[0]!.offset + compat[0]!.length), 'g_model');
    assert.match(compat[0]!.message, /operator #0 FULLY_CONNECTED: .*Hybrid models are not supported/);
    // Two model symbols in one file (GetModel(g_model) and GetModel(g_model_b)): the model's problems once, not per symbol.
    const twoText = `${req.text}void other() { tflite::GetModel(g_model_b); }\n`;
    const two = arenaFindings([], findModelSymbols(twoText), a);
    assert.equal(findModelSymbols(twoText).filter((m) => m.role === 'usage').length, 2);
    assert.equal(two.filter((f) => f.code === 'tflm-compat').length, a.problems.length);
    const md = modelSymbolMarkdown('g_model', a, { relative: (p) => p });
    assert.match(md, /TFLite Micro compatibility:/);
    assert.match(md, /Hybrid models are not supported/);
  });

  test('an unreadable model is said, not thrown', async () => {
    const ws = path.join(root, 'corrupt');
    write(path.join(ws, 'bad.tflite'), new Uint8Array(40).fill(7));
    const main = write(path.join(ws, 'main.cc'), 'constexpr int kTensorArenaSize = 1024;\n');
    const a = await analyzeArena(request(main, ws, { modelSetting: 'bad.tflite' }), nodeSourceFiles, new ArenaModelCache(nodeModelFiles));
    assert.ok(a.loaded?.error);
    assert.equal(a.estimate?.ok, false);
    const md = arenaConstantMarkdown(findArenaConstants('constexpr int kTensorArenaSize = 1024;', PATTERNS)[0]!, a, { relative: (p) => p });
    assert.match(md, /The model cannot be read/);
  });
});
