import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { main } from '../../src/cli/main';
import { isGeneratedByUs, parseCArray } from '../../src/core/codegen';
import { ModelBuilder, writeModel } from '../../src/core/tflite';
import { PROJECT_ROOT } from '../helpers/paths';
import { tempDir } from '../helpers/temp-dir';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['export', ...args], { stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

function workspace(): { dir: string; model: string; bytes: Uint8Array } {
  const dir = tempDir('tinyml-cli-export-');
  fs.cpSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'projects', 'cmake'), path.join(dir, 'fw'), { recursive: true });
  const b = new ModelBuilder({ seed: 2 });
  b.output(b.softmax(b.fullyConnected(b.input('x', [1, 6]), 3)));
  const bytes = writeModel(b.build());
  fs.mkdirSync(path.join(dir, 'fw', 'models'));
  const model = path.join(dir, 'fw', 'models', 'tiny.tflite');
  fs.writeFileSync(model, bytes);
  return { dir, model, bytes };
}

test('bad input exits 2 with one line', async () => {
  const { dir, model } = workspace();
  try {
    const cases: [string[], RegExp][] = [
      [[], /no model given/],
      [[model], /--out DIR is required/],
      [[model, '--out', dir, '--name', 'my-model'], /invalid symbol name "my-model"/],
      [[model, '--out', dir, '--lang', 'rust'], /--lang must be one of c, cpp/],
      [[model, '--out', dir, '--project-type', 'mbed'], /--project-type must be one of/],
      [[model, '--out', dir, '--line-width', 'wide'], /--line-width takes a whole number/],
      [[model, '--out', dir, '--line-width', '3'], /invalid line width 3/],
      [[path.join(dir, 'missing.tflite'), '--out', dir], /missing\.tflite: no such file/],
      [[model, '--out', model], /is a file, not a folder/],
      [[model, '--out', dir, '--bogus'], /unknown option '--bogus'/],
      [[model, '--out', dir, '--arena-margin', '-5'], /--arena-margin must be ≥ 0/],
    ];
    for (const [args, message] of cases) {
      const r = await run(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      const lines = r.err.trimEnd().split('\n');
      assert.match(lines[0]!, message);
      assert.ok(lines.length === 1 || (lines.length === 2 && lines[1]!.startsWith('usage: tinyml export')), `one line expected: ${r.err}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('export with --boilerplate into a CMake project, then a re-export updates in place', async () => {
  const { dir, model, bytes } = workspace();
  const fw = path.join(dir, 'fw');
  try {
    const r = await run(model, '--out', fw, '--boilerplate', '--name', 'g_tiny');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Project: cmake/);
    assert.match(r.out, /created +.*src\/tiny_data\.cc/);
    assert.match(r.out, /edited +.*CMakeLists\.txt: add src\/tiny_data\.cc, src\/tiny_runner\.cc to target sensor_fw/);
    assert.match(r.out, /Op resolver: MicroMutableOpResolver<2>: FullyConnected, Softmax/);
    assert.match(r.out, /Tensor arena: \d+ bytes \(minimum \d+ bytes for cortex-m \(\d+ on a 64-bit x86_64 host\); recommended = minimum \+ 20% margin/);
    const data = fs.readFileSync(path.join(fw, 'src', 'tiny_data.cc'), 'latin1');
    assert.match(data, /Model: {3}models\/tiny\.tflite/);
    assert.ok(Buffer.from(parseCArray(data, 'g_tiny').bytes).equals(Buffer.from(bytes)));
    assert.ok(isGeneratedByUs(fs.readFileSync(path.join(fw, 'src', 'tiny_runner.cc'))));

    const again = await run(model, '--out', fw, '--boilerplate', '--name', 'g_tiny');
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /updated +.*src\/tiny_data\.cc/);
    assert.doesNotMatch(again.out, /edited/);
    assert.equal(fs.readFileSync(path.join(fw, 'CMakeLists.txt'), 'utf8').match(/tiny_data\.cc/g)!.length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a foreign file is refused with exit 2 and kept; --force overwrites; --dry-run writes nothing', async () => {
  const { dir, model } = workspace();
  const fw = path.join(dir, 'fw');
  try {
    const foreign = path.join(fw, 'src', 'model_data.h');
    fs.writeFileSync(foreign, '#pragma once\n// hand written\n');
    const r = await run(model, '--out', fw);
    assert.equal(r.code, 2);
    assert.match(r.err, /model_data\.h/);
    assert.match(r.err, /--force/);
    assert.equal(fs.readFileSync(foreign, 'utf8'), '#pragma once\n// hand written\n');
    assert.ok(!fs.existsSync(path.join(fw, 'src', 'model_data.cc')), 'nothing may be written when refusing');

    const dry = await run(model, '--out', fw, '--force', '--dry-run', '--lang', 'c');
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /would create +.*src\/model_data\.c:/);
    assert.match(dry.out, /would overwrite +.*src\/model_data\.h/);
    assert.ok(!fs.existsSync(path.join(fw, 'src', 'model_data.c')));

    const forced = await run(model, '--out', fw, '--force', '--lang', 'c', '--section', '.rodata.model');
    assert.equal(forced.code, 0, forced.err);
    assert.ok(isGeneratedByUs(fs.readFileSync(foreign)));
    assert.match(fs.readFileSync(path.join(fw, 'src', 'model_data.c'), 'latin1'), /^TINYML_ALIGN16 const unsigned char g_model\[\] __attribute__\(\(section\("\.rodata\.model"\)\)\) = \{$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
