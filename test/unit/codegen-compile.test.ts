/**
 * Compiles generated code with the host gcc/g++: the model array (C11, C99 and C++17, linked with a C program that
 * writes the bytes back for comparison) and the TFLite Micro runner against the compile-check stubs in
 * test/compile-check/tflm-stubs (declarations only, not TFLite Micro). Skipped when gcc/g++ are not installed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { generateCArrayHeader, generateCArraySource, generateModelRunner, sha256Hex, type CLanguage, type ModelProvenance } from '../../src/core/codegen';
import { memorySnapshot, planExport } from '../../src/core/firmware';
import { BuiltinOperator, loadModel, ModelBuilder, writeModel, type Model } from '../../src/core/tflite';
import { HAS_SHARED, PROJECT_ROOT, sharedModel } from '../helpers/paths';
import { tempDir } from '../helpers/temp-dir';

const COMPILE_CHECK = path.join(PROJECT_ROOT, 'test', 'compile-check');
const STUBS = path.join(COMPILE_CHECK, 'tflm-stubs');
const HAVE_GCC = spawnSync('gcc', ['--version']).status === 0 && spawnSync('g++', ['--version']).status === 0;
const SKIP = HAVE_GCC ? false : 'gcc/g++ not installed: compile check skipped';

const SHARED_MODELS = [
  'tflm/examples/hello_world/hello_world_int8.tflite',
  'tflm/examples/hello_world/hello_world_float.tflite',
  'tflm/models/person_detect.tflite',
  'tflm/examples/micro_speech/audio_preprocessor_int8.tflite',
  'tflm/examples/mnist_lstm/trained_lstm_int8.tflite',
  'mlperf-tiny/pretrainedResnet_quant.tflite',
];

function builtModel(): { name: string; model: Model; bytes: Uint8Array } {
  const b = new ModelBuilder({ seed: 9 });
  const x = b.input('x', [1, 16]);
  b.output(b.softmax(b.fullyConnected(b.relu(b.fullyConnected(x, 8)), 4)));
  const model = b.build();
  return { name: 'built', model, bytes: writeModel(model) };
}

function models(): { name: string; model: Model; bytes: Uint8Array }[] {
  const out = [builtModel()];
  if (HAS_SHARED) {
    for (const rel of SHARED_MODELS) {
      const bytes = fs.readFileSync(sharedModel(rel));
      out.push({ name: rel, model: loadModel(bytes).model, bytes });
    }
  }
  return out;
}

function provenance(name: string, bytes: Uint8Array): ModelProvenance {
  return { modelPath: name, sha256: sha256Hex(bytes), byteSize: bytes.length, date: new Date('2026-01-02T00:00:00Z') };
}

function run(cmd: string, args: string[], cwd: string): void {
  try {
    execFileSync(cmd, args, { cwd, stdio: 'pipe' });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    assert.fail(`${cmd} ${args.join(' ')} failed:\n${err.stderr?.toString() ?? String(e)}`);
  }
}

test('generated arrays compile as C11, C99 and C++17, are 16-byte aligned and hold the model bytes', { skip: SKIP }, () => {
  for (const { name, bytes } of models()) {
    const dir = tempDir('tinyml-cc-');
    try {
      const variants: { lang: CLanguage; file: string; compile: string[] }[] = [
        { lang: 'c', file: 'model_data.c', compile: ['gcc', '-std=c11', '-pedantic'] },
        { lang: 'c', file: 'model_data.c', compile: ['gcc', '-std=c99'] },
        { lang: 'cpp', file: 'model_data.cc', compile: ['g++', '-std=c++17', '-pedantic'] },
      ];
      fs.writeFileSync(path.join(dir, 'model_data.h'), generateCArrayHeader(provenance(name, bytes)));
      run('gcc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-I', dir, '-c', path.join(COMPILE_CHECK, 'roundtrip.c'), '-o', 'roundtrip.o'], dir);
      for (const v of variants) {
        fs.writeFileSync(path.join(dir, v.file), generateCArraySource(bytes, provenance(name, bytes), { lang: v.lang }));
        const [cc, ...flags] = v.compile;
        run(cc!, [...flags, '-Wall', '-Wextra', '-Werror', '-c', v.file, '-o', 'model_data.o'], dir);
        // Link with g++ so the C++ object's runtime is there; the C program reaches the array through extern "C".
        run('g++', ['roundtrip.o', 'model_data.o', '-o', 'roundtrip'], dir);
        run(path.join(dir, 'roundtrip'), ['back.bin'], dir);
        assert.ok(fs.readFileSync(path.join(dir, 'back.bin')).equals(Buffer.from(bytes)), `${name} ${v.compile.join(' ')}: bytes differ`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('generated runners compile against the TFLM compile-check stubs for each project style', { skip: SKIP }, () => {
  const snapshots: Record<string, Record<string, string>> = {
    platformio: { 'platformio.ini': '[env:esp32]\nframework = arduino\nlib_deps = tanakamasayuki/TensorFlowLite_ESP32\n' },
    arduino: { 'kws/kws.ino': '#include <Chirale_TensorFlowLite.h>\n' },
    'esp-idf': { 'CMakeLists.txt': 'include($ENV{IDF_PATH}/tools/cmake/project.cmake)\n', 'main/CMakeLists.txt': 'idf_component_register(SRCS "main.c")\n' },
  };
  for (const { name, model, bytes } of models()) {
    for (const [kind, files] of Object.entries(snapshots)) {
      const dir = tempDir('tinyml-runner-');
      try {
        const plan = planExport({
          modelBytes: bytes, modelPath: name, snapshot: memorySnapshot(files), model, boilerplate: true,
          arena: { recommendedArenaBytes: 10_000, target: 'cortex-m' },
        });
        assert.equal(plan.project.type, kind);
        for (const f of plan.files) fs.writeFileSync(path.join(dir, path.basename(f.path)), f.contents);
        // The ESP32 Arduino library header is not among the stubs: give it an empty stand-in here.
        fs.writeFileSync(path.join(dir, 'TensorFlowLite_ESP32.h'), '// compile-check stand-in\n');
        const runner = plan.files.find((f) => /_runner\.(cc|cpp)$/.test(f.path))!;
        run('g++', ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-DTF_LITE_STATIC_MEMORY', '-I', STUBS, '-I', dir, '-c', path.basename(runner.path), '-o', 'runner.o'], dir);
        // The runner header is plain C: a C file can call it.
        fs.writeFileSync(path.join(dir, 'use.c'), '#include "model_runner.h"\nint main(void) { return model_setup() == MODEL_OK ? 0 : 1; }\n');
        run('gcc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', 'use.c'], dir);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
});

test('a runner with a custom op and resource variables compiles too', { skip: SKIP }, () => {
  const { model, bytes } = builtModel();
  model.operatorCodes.push(
    { builtinCode: BuiltinOperator.CUSTOM, deprecatedBuiltinCode: BuiltinOperator.CUSTOM, customCode: 'MyOp', version: 1 },
    { builtinCode: BuiltinOperator.VAR_HANDLE, deprecatedBuiltinCode: 127, version: 1 },
  );
  const sg = model.subgraphs[0]!;
  const template = sg.operators[0]!;
  sg.operators.push({ ...template, opcodeIndex: model.operatorCodes.length - 2 }, { ...template, opcodeIndex: model.operatorCodes.length - 1 });
  const runner = generateModelRunner(model, provenance('built', bytes), {
    symbol: 'g_model', prefix: 'model', dataHeader: 'model_data.h', runnerHeader: 'model_runner.h',
  });
  assert.match(runner.source, /MicroResourceVariables::Create/);
  assert.match(runner.source, /TODO: "MyOp"/);
  const dir = tempDir('tinyml-runner-');
  try {
    fs.writeFileSync(path.join(dir, 'model_data.h'), generateCArrayHeader(provenance('built', bytes)));
    fs.writeFileSync(path.join(dir, 'model_runner.h'), runner.header);
    fs.writeFileSync(path.join(dir, 'model_runner.cc'), runner.source);
    run('g++', ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-DTF_LITE_STATIC_MEMORY', '-I', STUBS, '-I', dir, '-c', 'model_runner.cc', '-o', 'runner.o'], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The compiler's messages of a build that must fail. */
function failing(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  assert.notEqual(r.status, 0, `${cmd} ${args.join(' ')} compiled, but should not have`);
  return r.stderr;
}

test('a too-small arena override does not compile and names the minimum; a missing TF_LITE_STATIC_MEMORY is an error', { skip: SKIP }, () => {
  const { model, bytes } = builtModel();
  const arena = { recommendedArenaBytes: 1008, minArenaBytes: 1000, target: 'cortex-m', host: { recommendedArenaBytes: 1504, minArenaBytes: 1500, target: 'x86_64' } };
  const runner = generateModelRunner(model, provenance('built', bytes), {
    symbol: 'g_model', prefix: 'model', dataHeader: 'model_data.h', runnerHeader: 'model_runner.h', arena,
  });
  const dir = tempDir('tinyml-runner-');
  try {
    fs.writeFileSync(path.join(dir, 'model_data.h'), generateCArrayHeader(provenance('built', bytes)));
    fs.writeFileSync(path.join(dir, 'model_runner.h'), runner.header);
    fs.writeFileSync(path.join(dir, 'model_runner.cc'), runner.source);
    fs.writeFileSync(path.join(dir, 'use.c'), '#include "model_runner.h"\nint main(void) { return model_setup() == MODEL_OK ? 0 : 1; }\n');
    const cxx = ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-DTF_LITE_STATIC_MEMORY', '-I', STUBS, '-I', dir, '-c', 'model_runner.cc', '-o', 'runner.o'];
    // This host is 64-bit: the host's minimum applies, and exactly the minimum compiles.
    run('g++', [...cxx, '-DMODEL_TENSOR_ARENA_SIZE=1500'], dir);
    assert.match(failing('g++', [...cxx, '-DMODEL_TENSOR_ARENA_SIZE=1499'], dir), /static assertion failed: MODEL_TENSOR_ARENA_SIZE is below the minimum arena of this model, 1500 bytes \(64-bit host, x86_64\)/);
    assert.match(failing('gcc', ['-std=c11', '-DMODEL_TENSOR_ARENA_SIZE=1024', '-fsyntax-only', 'use.c'], dir), /1500 bytes \(64-bit host, x86_64\)/);
    assert.match(failing('gcc', ['-std=c99', '-DMODEL_TENSOR_ARENA_SIZE=1024', '-fsyntax-only', 'use.c'], dir), /model_tensor_arena_size_is_below_the_minimum/);
    // A 32-bit build (when this compiler has one) takes the target's minimum.
    if (spawnSync('gcc', ['-m32', '-std=c11', '-fsyntax-only', 'use.c'], { cwd: dir }).status === 0) {
      assert.match(failing('gcc', ['-m32', '-std=c11', '-DMODEL_TENSOR_ARENA_SIZE=999', '-fsyntax-only', 'use.c'], dir), /1000 bytes \(32-bit target, cortex-m\)/);
    }
    assert.match(failing('g++', cxx.filter((a) => a !== '-DTF_LITE_STATIC_MEMORY'), dir), /#error "Define TF_LITE_STATIC_MEMORY/);
    run('g++', [...cxx.filter((a) => a !== '-DTF_LITE_STATIC_MEMORY'), '-DMODEL_LIBRARY_WITHOUT_STATIC_MEMORY'], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an external arena: the runner declares none, model_setup() says to pass one, and it compiles', { skip: SKIP }, () => {
  const { model, bytes } = builtModel();
  const runner = generateModelRunner(model, provenance('built', bytes), {
    symbol: 'g_model', prefix: 'model', dataHeader: 'model_data.h', runnerHeader: 'model_runner.h', externalArena: true,
    arena: { recommendedArenaBytes: 1008, minArenaBytes: 1000, target: 'cortex-m' },
  });
  assert.match(runner.header, /#define MODEL_EXTERNAL_ARENA 1\n/);
  const dir = tempDir('tinyml-runner-');
  try {
    fs.writeFileSync(path.join(dir, 'model_data.h'), generateCArrayHeader(provenance('built', bytes)));
    fs.writeFileSync(path.join(dir, 'model_runner.h'), runner.header);
    fs.writeFileSync(path.join(dir, 'model_runner.cc'), runner.source);
    run('g++', ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-DTF_LITE_STATIC_MEMORY', '-I', STUBS, '-I', dir, '-c', 'model_runner.cc', '-o', 'runner.o'], dir);
    const symbols = execFileSync('nm', ['-C', 'runner.o'], { cwd: dir, encoding: 'utf8' });
    assert.doesNotMatch(symbols, /tensor_arena/);
    assert.match(symbols, /model_setup_with_arena/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
