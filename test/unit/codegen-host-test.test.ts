/**
 * The generated host test: golden data from LiteRT, the test source and its CMake target, and where the export puts
 * them for each project type. (Built and run against real TFLite Micro by scripts/firmware-check.sh, docs/firmware-check.md.)
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { generateHostTest, hostTestUnsupported, isGeneratedByUs, sha256Hex, type ModelProvenance } from '../../src/core/codegen';
import { computeGolden } from '../../src/core/codegen/golden';
import { memorySnapshot, planExport } from '../../src/core/firmware';
import { pathFrom } from '../../src/core/firmware/project-snapshot';
import { loadRuntimeModel } from '../../src/core/runtime';
import { ModelBuilder, TensorType, writeModel, type Model } from '../../src/core/tflite';

function floatModel(): { model: Model; bytes: Uint8Array } {
  const b = new ModelBuilder({ seed: 4 });
  const x = b.input('x', [1, 8]);
  b.output(b.softmax(b.fullyConnected(b.relu(b.fullyConnected(x, 6)), 3)));
  const model = b.build();
  return { model, bytes: writeModel(model) };
}

function provenance(bytes: Uint8Array): ModelProvenance {
  return { modelPath: 'm.tflite', sha256: sha256Hex(bytes), byteSize: bytes.length, date: new Date('2026-01-02T00:00:00Z') };
}

test('golden data: seeded inputs in range, outputs are what LiteRT computes for them, the same on every run', async () => {
  const { model, bytes } = floatModel();
  const golden = await computeGolden(model, bytes);
  assert.equal(golden.cases.length, 3);
  const runtime = await loadRuntimeModel(bytes);
  try {
    for (const c of golden.cases) {
      assert.ok(c.inputs[0] instanceof Float32Array && c.inputs[0].length === 8);
      assert.ok([...c.inputs[0]].every((v) => v >= -1 && v <= 1));
      const [out] = runtime.run([c.inputs[0]]);
      assert.deepEqual([...(c.outputs[0] as Float32Array)], [...(out as Float32Array)]);
    }
  } finally {
    runtime.dispose();
  }
  const again = await computeGolden(model, bytes);
  assert.deepEqual(again.cases.map((c) => [...c.inputs[0]!]), golden.cases.map((c) => [...c.inputs[0]!]));
});

test('host test source: raw inputs copied in, each output checked within the stated tolerance, PASS/FAIL printed', async () => {
  const { model, bytes } = floatModel();
  const golden = await computeGolden(model, bytes, { cases: 2 });
  const files = generateHostTest(model, provenance(bytes), golden, { prefix: 'model', runnerHeader: 'model_runner.h', goldenHeader: 'model_golden.h', style: 'main' });
  assert.ok(isGeneratedByUs(files.goldenHeader) && isGeneratedByUs(files.source));
  assert.match(files.goldenHeader, /#define MODEL_GOLDEN_CASES 2\n/);
  assert.match(files.goldenHeader, /static const float model_golden_input0\[2\]\[8\] = \{/);
  assert.match(files.goldenHeader, /static const float model_golden_output0\[2\]\[3\] = \{/);
  // Every golden value is written with enough digits to read back the same float.
  const first = /model_golden_output0\[2\]\[3\] = \{\n {2}\{\n {4}([^\n]*),\n/.exec(files.goldenHeader)![1]!.split(', ').map((v) => Math.fround(Number(v.replace(/f$/, ''))));
  assert.deepEqual(first, [...(golden.cases[0]!.outputs[0] as Float32Array)]);
  assert.match(files.source, /memcpy\(model_input0_data\(\), model_golden_input0\[c\], sizeof\(model_golden_input0\[c\]\)\);/);
  assert.match(files.source, /fabs\(got - want\) <= MODEL_GOLDEN_FLOAT_ABS \+ MODEL_GOLDEN_FLOAT_REL \* fabs\(want\)/);
  assert.match(files.source, /printf\("PASS: /);
  assert.match(files.source, /int main\(\) \{\n {2}return model_host_test_run\(\) == 0 \? 0 : 1;/);
  const unity = generateHostTest(model, provenance(bytes), golden, { prefix: 'model', runnerHeader: 'model_runner.h', goldenHeader: 'model_golden.h', style: 'unity' });
  assert.match(unity.source, /#include <unity.h>/);
  assert.match(unity.source, /RUN_TEST\(test_model_matches_golden_outputs\);/);
});

test('a model with an output type the test does not compare gets no host test, with the reason', () => {
  const { model } = floatModel();
  const sg = model.subgraphs[0]!;
  sg.tensors[sg.outputs[0]!]!.type = TensorType.STRING;
  assert.match(hostTestUnsupported(model) ?? '', /is STRING, which the host test does not compare/);
});

test('the export puts the host test where each build keeps tests, outside the firmware build', async () => {
  const { model, bytes } = floatModel();
  const golden = await computeGolden(model, bytes, { cases: 1 });
  const plan = (files: Record<string, string>) =>
    planExport({ modelBytes: bytes, modelPath: 'm.tflite', snapshot: memorySnapshot(files), model, boilerplate: true, golden, date: new Date('2026-01-02T00:00:00Z') });

  const pio = plan({ 'platformio.ini': '[env:uno]\nframework = arduino\nlib_deps = tflite-micro\n', 'src/main.cpp': '' });
  assert.deepEqual(pio.files.map((f) => f.path).filter((p) => p.startsWith('test/')), ['test/test_model/model_golden.h', 'test/test_model/test_main.cpp']);
  assert.ok(pio.notes.some((n) => /pio test -e native/.test(n) && /test_build_src = yes/.test(n)), pio.notes.join('\n'));
  // The runner builds for the computer too: the Arduino library header only in an Arduino build.
  const runner = Buffer.from(pio.files.find((f) => f.path === 'src/model_runner.cpp')!.contents).toString();
  assert.match(runner, /#ifdef ARDUINO\n#include <TensorFlowLite.h>\n#endif/);

  const cmake = plan({ 'CMakeLists.txt': 'project(fw)\nadd_executable(fw src/main.cc)\n', 'src/main.cc': '' });
  const lists = cmake.files.find((f) => f.path === 'host_test/CMakeLists.txt');
  assert.ok(lists, cmake.files.map((f) => f.path).join(', '));
  const text = Buffer.from(lists.contents).toString();
  assert.ok(isGeneratedByUs(text), 'a re-export regenerates it in place');
  assert.match(text, /add_executable\(model_host_test\n {2}\$\{CMAKE_CURRENT_LIST_DIR\}\/model_host_test\.cc\n {2}\$\{CMAKE_CURRENT_LIST_DIR\}\/\.\.\/src\/model_data\.cc\n {2}\$\{CMAKE_CURRENT_LIST_DIR\}\/\.\.\/src\/model_runner\.cc\n\)/);
  assert.match(text, /target_compile_definitions\(model_host_test PRIVATE TF_LITE_STATIC_MEMORY\)/);
  // The firmware's own target is not given the test.
  assert.ok(!cmake.edits.some((e) => /host_test/.test(e.newContents)));

  const none = planExport({ modelBytes: bytes, modelPath: 'm.tflite', snapshot: memorySnapshot({}), model, boilerplate: true, goldenNote: 'the model does not run in LiteRT' });
  assert.ok(!none.files.some((f) => f.path.includes('host_test')));
  assert.ok(none.notes.includes('No host test: the model does not run in LiteRT.'));
});

test('pathFrom: a snapshot path seen from another folder', () => {
  assert.equal(pathFrom('host_test', 'src/model_runner.cc'), '../src/model_runner.cc');
  assert.equal(pathFrom('fw/host_test', 'fw/model_data.cc'), '../model_data.cc');
  assert.equal(pathFrom('', 'a/b.cc'), 'a/b.cc');
  assert.equal(pathFrom('a', 'a'), '.');
});
