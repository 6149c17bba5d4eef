import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  arenaSizeReplacement, compilePatterns, DEFAULT_ARENA_CONSTANT_PATTERNS, findArenaConstants, replacementValue,
} from '../../src/core/firmware/arena-constants';
import { evaluateIntExpression } from '../../src/core/firmware/c-int-expression';
import { parseModelMarker } from '../../src/core/codegen/marker';
import { findModelSymbols, modelSymbolNames, readModelArray } from '../../src/core/firmware/model-symbols';
import { blankCommentsAndStrings, codeView, findQuotedIncludes, identifierAt } from '../../src/core/firmware/c-source-text';
import { leadingInitializerBytes } from '../../src/core/codegen/c-array-parse';
import { CArrayParseError, generateCArrayHeader, generateCArraySource, parseCArray, sha256Hex } from '../../src/core/codegen';
import { ModelBuilder, writeModel } from '../../src/core/tflite';

const PATTERNS = compilePatterns(DEFAULT_ARENA_CONSTANT_PATTERNS).regexes;
const constants = (text: string) => findArenaConstants(text, PATTERNS);
const value = (text: string, name: string): number | string => {
  const c = constants(text).find((x) => x.name === name);
  assert.ok(c, `${name} found`);
  return c.value.ok ? c.value.value : c.value.reason;
};

function smallModel(): Uint8Array {
  const b = new ModelBuilder({ seed: 5 });
  const x = b.input('x', [1, 16]);
  b.output(b.softmax(b.fullyConnected(b.fullyConnected(x, 32, { activation: 'RELU' }), 4)));
  return writeModel(b.build());
}

describe('integer expressions of arena sizes', () => {
  const ok = (expr: string, expected: number, names: Record<string, number> = {}) =>
    assert.deepEqual(evaluateIntExpression(expr, (n) => names[n]), { ok: true, value: expected }, expr);

  test('arithmetic with C precedence and integer division', () => {
    ok('60 * 1024', 61440);
    ok('(100*1024)', 102400);
    ok('1 + 2 * 3', 7);
    ok('(1 + 2) * 3', 9);
    ok('7 / 2', 3);
    ok('-7 / 2', -3);
    ok('10 % 4', 2);
    ok('8 << 10', 8192);
    ok('0x10000 >> 2', 16384);
    ok('0x3 | 0x4', 7);
    ok('~0 & 0xff', 255);
    ok('2 + -1', 1);
  });

  test('literal forms: hex, octal, binary, suffixes, C++14 digit separators', () => {
    ok('0x4000', 16384);
    ok('0X4000UL', 16384);
    ok('010', 8);
    ok('0b1000', 8);
    ok("1'024 * 64", 65536);
    ok('64u * 1024ULL', 65536);
  });

  test('casts and names of other constants', () => {
    ok('(size_t)(8 << 10)', 8192);
    ok('(unsigned long)64 * 1024', 65536);
    ok('static_cast<size_t>(kKb * 1024)', 20480, { kKb: 20 });
    ok('size_t(2048)', 2048);
    ok('ARENA_KB * 1024', 4096, { ARENA_KB: 4 });
  });

  test('what is not an integer constant says why', () => {
    const reason = (expr: string) => {
      const r = evaluateIntExpression(expr);
      assert.equal(r.ok, false, expr);
      return r.ok ? '' : r.reason;
    };
    assert.match(reason('kUnknown * 1024'), /kUnknown is not a constant defined in this file/);
    assert.match(reason('KB(60)'), /KB\(\.\.\.\) is a function or macro call/);
    assert.match(reason('60.5 * 1024'), /not part of an integer expression|unexpected/);
    assert.match(reason('1 / 0'), /division by zero/);
    assert.match(reason('(1 + 2'), /expected "\)"/);
    assert.match(reason(''), /empty/);
  });
});

describe('arena constants in C/C++ text', () => {
  test('constexpr, const, #define with parentheses, and array bounds are found and evaluated', () => {
    const text = [
      'constexpr int kTensorArenaSize = 60 * 1024;',
      '#define TENSOR_ARENA_SIZE (100*1024)',
      'static const size_t kArenaSize{8 << 10};',
      'alignas(16) static uint8_t tensor_arena[10 * 1024];',
      'int other = 5;',
    ].join('\n');
    const found = constants(text);
    assert.deepEqual(found.map((c) => [c.name, c.kind, c.value.ok ? c.value.value : c.value.reason]), [
      ['kTensorArenaSize', 'variable', 61440],
      ['TENSOR_ARENA_SIZE', 'define', 102400],
      ['kArenaSize', 'variable', 8192],
      ['tensor_arena', 'array', 10240],
    ]);
    for (const c of found) {
      assert.equal(text.slice(c.nameOffset, c.nameOffset + c.name.length), c.name);
      assert.equal(text.slice(c.exprOffset, c.exprOffset + c.exprLength), c.exprText);
    }
    assert.deepEqual(found.map((c) => c.exprText), ['60 * 1024', '(100*1024)', '8 << 10', '10 * 1024']);
  });

  test('an arena sized by another arena constant refers to it (it is checked there, once)', () => {
    const text = [
      '#define MODEL_TENSOR_ARENA_SIZE 2048',
      'constexpr size_t kTensorArenaSize = MODEL_TENSOR_ARENA_SIZE;',
      'alignas(16) uint8_t tensor_arena[kTensorArenaSize];',
    ].join('\n');
    const found = constants(text);
    assert.deepEqual(found.map((c) => [c.name, c.value.ok && c.value.value, c.refersTo]), [
      ['MODEL_TENSOR_ARENA_SIZE', 2048, []],
      ['kTensorArenaSize', 2048, ['MODEL_TENSOR_ARENA_SIZE']],
      ['tensor_arena', 2048, ['kTensorArenaSize']],
    ]);
  });

  test('names resolve through constants that do not match the patterns', () => {
    assert.equal(value('#define ARENA_KB 96\nconst int kTensorArenaSize = ARENA_KB * 1024;', 'kTensorArenaSize'), 98304);
  });

  test('commented-out definitions, strings, uses and function-like macros are not definitions', () => {
    const text = [
      '// constexpr int kTensorArenaSize = 1;',
      '/* #define TENSOR_ARENA_SIZE 2 */',
      'const char* s = "int kArenaSize = 3;";',
      '#define ARENA_SIZE(n) ((n) * 1024)',
      'void f() { memset(tensor_arena, 0, kTensorArenaSize); return tensor_arena[0]; }',
      'if (x == kTensorArenaSize) {}',
    ].join('\n');
    assert.deepEqual(constants(text), []);
  });

  test('a #define continued over lines and a value from an unknown header', () => {
    const cont = constants('#define TENSOR_ARENA_SIZE \\\n  (64 * 1024)\n');
    assert.equal(cont.length, 1);
    assert.deepEqual(cont[0]!.value, { ok: true, value: 65536 });
    assert.equal(value('constexpr int kTensorArenaSize = MODEL_ARENA;', 'kTensorArenaSize'), 'MODEL_ARENA is not a constant defined in this file');
  });

  test('the patterns are configurable; invalid ones are reported, not thrown', () => {
    const { regexes, invalid } = compilePatterns(['^kMyHeap$', '([']);
    assert.deepEqual(invalid, ['([']);
    const found = findArenaConstants('const int kMyHeap = 4096;\nconstexpr int kTensorArenaSize = 1;', regexes);
    assert.deepEqual(found.map((c) => c.name), ['kMyHeap']);
  });

  test('offsets stay right in a file that also holds a large model array', () => {
    const bytes = smallModel();
    const big = new Uint8Array(200_000);
    big.set(bytes);
    const src = Buffer.from(generateCArraySource(big, { modelPath: 'm.tflite', sha256: sha256Hex(big), byteSize: big.length, date: new Date(0) })).toString('latin1');
    const text = `${src}\nconstexpr int kTensorArenaSize = 60 * 1024; // after the array\n`;
    const view = codeView(text);
    assert.ok(view.code.length < 2000, `the array body is cut out of the scanned text (${view.code.length} chars)`);
    const [c] = findArenaConstants(text, PATTERNS, view);
    assert.equal(c!.name, 'kTensorArenaSize');
    assert.equal(text.slice(c!.nameOffset, c!.nameOffset + c!.name.length), 'kTensorArenaSize');
    assert.equal(c!.exprText, '60 * 1024');
    const [sym] = findModelSymbols(text, view);
    assert.equal(sym!.name, 'g_model');
    assert.equal(text.slice(sym!.offset, sym!.offset + 7), 'g_model');
    assert.equal(sym!.looksLikeTflite, true);
  });
});

describe('the quick fix keeps the way the size was written', () => {
  test('N * 1024 forms round up to whole KiB; hex stays hex; literals keep their suffix', () => {
    assert.equal(arenaSizeReplacement('60 * 1024', 70_000), '69 * 1024');
    assert.equal(arenaSizeReplacement('(100*1024)', 8_000), '(8*1024)');
    assert.equal(arenaSizeReplacement('1024 * 4', 5000), '1024 * 5');
    assert.equal(arenaSizeReplacement('0x4000', 0x5010), '0x5010');
    assert.equal(arenaSizeReplacement('0X4000U', 0xab0), '0Xab0U');
    assert.equal(arenaSizeReplacement('0x4A00', 0xab0), '0xAB0');
    assert.equal(arenaSizeReplacement('2000', 7312), '7312');
    assert.equal(arenaSizeReplacement('2000UL', 7312), '7312UL');
    assert.equal(arenaSizeReplacement('ARENA_KB * 1024 + 16', 7312), '7312');
    assert.equal(replacementValue('60 * 1024', 70_000), 69 * 1024);
    assert.equal(replacementValue('2000', 7312), 7312);
  });
});

describe('models in C/C++ text', () => {
  const bytes = smallModel();
  const prov = { modelPath: 'models/kws.tflite', sha256: sha256Hex(bytes), byteSize: bytes.length, date: new Date(0), arena: { recommendedArenaBytes: 1234, target: 'cortex-m' } };

  test('the export comment of generated sources and headers is read back', () => {
    for (const text of [Buffer.from(generateCArraySource(bytes, prov)).toString('latin1'), generateCArrayHeader(prov)]) {
      assert.deepEqual(parseModelMarker(text), {
        modelPath: 'models/kws.tflite', sha256: prov.sha256, byteSize: bytes.length, arenaBytes: 1234, arenaTarget: 'cortex-m',
      });
    }
    assert.equal(parseModelMarker('// Model: x.tflite\nconst int a = 1;'), undefined, 'no marker line: not ours');
    assert.equal(parseModelMarker('// Generated by TinyML Toolkit: model data\n// Model: x.tflite\n// SHA-256: nothex\n'), undefined);
  });

  test('definitions, extern declarations and GetModel arguments are model symbols', () => {
    const src = Buffer.from(generateCArraySource(bytes, prov, { symbol: 'g_kws' })).toString('latin1');
    const def = findModelSymbols(src);
    assert.deepEqual(def.map((s) => [s.name, s.role, s.looksLikeTflite]), [['g_kws', 'definition', true]]);
    assert.deepEqual(findModelSymbols(generateCArrayHeader(prov, { symbol: 'g_kws' })).map((s) => [s.name, s.role]), [['g_kws', 'declaration']]);

    const main = [
      '#include "kws_data.h"',
      'unsigned char lookup[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };',
      'alignas(16) uint8_t tensor_arena[kTensorArenaSize];',
      'const tflite::Model* model = tflite::GetModel(g_kws);',
    ].join('\n');
    const symbols = findModelSymbols(main);
    assert.deepEqual(symbols.map((s) => [s.name, s.role]), [['lookup', 'definition'], ['g_kws', 'usage']]);
    assert.deepEqual(modelSymbolNames(symbols), ['g_kws'], 'a byte table that is not a .tflite is not a model');
    assert.deepEqual(findQuotedIncludes(main), ['kws_data.h']);
  });

  test('xxd -i output is recognized', () => {
    const hex = [...bytes.subarray(0, 24)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ');
    const xxd = `unsigned char model_tflite[] = {\n  ${hex}\n};\nunsigned int model_tflite_len = 24;\n`;
    assert.deepEqual(findModelSymbols(xxd).map((s) => [s.name, s.role, s.looksLikeTflite]), [['model_tflite', 'definition', true]]);
  });
});

describe('reading a model array in slices', () => {
  test('gives the bytes parseCArray gives, whatever the slice size, pausing between slices', async () => {
    const bytes = smallModel();
    const src = Buffer.from(generateCArraySource(bytes, { modelPath: 'm.tflite', sha256: sha256Hex(bytes), byteSize: bytes.length, date: new Date(0) })).toString('latin1');
    const expected = parseCArray(src, 'g_model').bytes;
    for (const sliceChars of [7, 1000, 1_000_000]) {
      let pauses = 0;
      const got = await readModelArray(src, 'g_model', { sliceChars, pause: async () => { pauses++; } });
      assert.deepEqual(got, expected);
      if (sliceChars === 1000) assert.ok(pauses >= Math.floor(src.length / 1000) - 2, `${pauses} pauses`);
    }
  });

  test('decimal, octal, suffixes and comments inside the initializer', async () => {
    const got = await readModelArray('const unsigned char m[] = { 28, 0x1cu, 010, /* x */ 255 // y\n };', 'm');
    assert.deepEqual([...got], [28, 28, 8, 255]);
  });

  test('errors name the array and the line', async () => {
    await assert.rejects(readModelArray('const unsigned char m[] = {\n 1, 256 };', 'm'), (e: Error) =>
      e instanceof CArrayParseError && /array m, line 2: value 256 does not fit in a byte/.test(e.message));
    await assert.rejects(readModelArray('int x;', 'm'), /no definition of the byte array m/);
    await assert.rejects(readModelArray('const unsigned char m[] = { 1, 2', 'm'), /missing closing/);
  });

  test('one reader: sliced, whole and leading-bytes reads agree, errors included', async () => {
    const texts = [
      'const unsigned char m[] = { 0x1C, 0, 0, 0, 0x54, 0x46, 0x4C, 0x33, 9 };',
      'const unsigned char m[] = { 28, 0x1cu, 010, /* x */ 255 // y\n };',
      'const unsigned char m[] = {\n 1, 256 };',
      'const unsigned char m[] = { 1, 0x };',
      'const unsigned char m[] = { 1, /* open',
    ];
    for (const text of texts) {
      const whole = (() => { try { return [...parseCArray(text, 'm').bytes]; } catch (e) { return (e as Error).message; } })();
      const sliced = await readModelArray(text, 'm', { sliceChars: 3, pause: async () => {} }).then((b) => [...b], (e: Error) => e.message);
      assert.deepEqual(sliced, whole, text);
      const lead = leadingInitializerBytes(text, text.indexOf('{') + 1, 4);
      if (Array.isArray(whole)) assert.deepEqual(lead, whole.slice(0, 4), text);
    }
    assert.equal(findModelSymbols(texts[0]!)[0]?.looksLikeTflite, true, 'the TFL3 check reads through the same reader');
  });
});

describe('lexical helpers', () => {
  test('blanking keeps length and line breaks; identifiers are found at an offset', () => {
    const text = 'int a; // c\n/* x\ny */ "s" b';
    const blank = blankCommentsAndStrings(text);
    assert.equal(blank.length, text.length);
    assert.equal(blank.split('\n').length, text.split('\n').length);
    assert.doesNotMatch(blank, /[cxys"]/);
    assert.deepEqual(identifierAt('x = kTensorArenaSize;', 8), { name: 'kTensorArenaSize', start: 4 });
    assert.equal(identifierAt('x = 1024;', 5), undefined);
  });
});
