/**
 * The generated host test: the "run it on the computer first" step. Golden inputs (seeded, across each input's
 * range) go through our runtime (LiteRT) at export time (golden.ts, apart so that this file stays free of the
 * runtime); the test feeds the same raw inputs to the generated runner
 * on TFLite Micro and checks each output within a stated tolerance, printing PASS or FAIL. The golden data lives in
 * a small header beside the test.
 */
import { TensorType, type Model, type Tensor } from '../tflite/model';
import { tensorTypeName } from '../tflite/names';
import { markerComment, type ModelProvenance } from './marker';

/** Tolerance of an integer output: TFLite Micro and LiteRT may round a requantization differently by one step. */
export const GOLDEN_TOLERANCE_LSB = 1;
/** Tolerance of a float output: |actual - expected| <= abs + rel * |expected| (kernels sum in other orders). */
export const GOLDEN_FLOAT_TOLERANCE = { abs: 1e-4, rel: 1e-3 } as const;

export type GoldenArray = Float32Array | Int8Array | Uint8Array | Int16Array | Int32Array;

export interface GoldenType {
  c: string;
  /** Build the typed array of the tensor's element type from numbers. */
  make: (values: number[]) => GoldenArray;
  float: boolean;
}

export const GOLDEN_TYPES: Partial<Record<TensorType, GoldenType>> = {
  [TensorType.FLOAT32]: { c: 'float', make: (v) => Float32Array.from(v), float: true },
  [TensorType.INT8]: { c: 'int8_t', make: (v) => Int8Array.from(v), float: false },
  [TensorType.UINT8]: { c: 'uint8_t', make: (v) => Uint8Array.from(v), float: false },
  [TensorType.INT16]: { c: 'int16_t', make: (v) => Int16Array.from(v), float: false },
  [TensorType.INT32]: { c: 'int32_t', make: (v) => Int32Array.from(v), float: false },
};

/** One run: the raw values of each subgraph input and output, in the subgraph's order (as the runner indexes them). */
export interface GoldenCase {
  inputs: GoldenArray[];
  outputs: GoldenArray[];
}

export interface GoldenData {
  cases: GoldenCase[];
  /** How the inputs were made, for the header comment. */
  inputsFrom: string;
  /** What computed the outputs, for the header comment. */
  outputsFrom: string;
}

/** Why a model gets no host test (for the export's notes), or undefined when it can have one. */
export function hostTestUnsupported(model: Model): string | undefined {
  const sg = model.subgraphs[0];
  if (!sg) return 'the model has no subgraph';
  for (const t of [...sg.inputs, ...sg.outputs].map((i) => sg.tensors[i]!)) {
    if (!GOLDEN_TYPES[t.type]) return `tensor "${t.name}" is ${tensorTypeName(t.type)}, which the host test does not compare`;
    // A dynamic dimension (shape_signature -1) runs at its static size, as in the runner.
    if (t.shape.some((d) => d < 0)) return `tensor "${t.name}" has no static shape`;
  }
  return undefined;
}

export function elements(t: Tensor): number {
  return t.shape.reduce((a, d) => a * d, 1);
}

function cValue(v: number, float: boolean): string {
  if (!float) return String(v);
  const s = Math.fround(v).toPrecision(9).replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '.0$1');
  return `${s.includes('.') || s.includes('e') ? s : `${s}.0`}f`;
}

function cArray(name: string, type: GoldenType, rows: GoldenArray[]): string[] {
  const n = rows[0]!.length;
  const lines = [`static const ${type.c} ${name}[${rows.length}][${n}] = {`];
  for (const row of rows) {
    const values = Array.from(row as ArrayLike<number>, (v) => cValue(v, type.float));
    const chunks: string[] = [];
    for (let i = 0; i < values.length; i += 16) chunks.push(`    ${values.slice(i, i + 16).join(', ')},`);
    lines.push('  {', ...chunks, '  },');
  }
  lines.push('};');
  return lines;
}

export type HostTestStyle =
  /** A program: prints PASS/FAIL and exits 0/1 (CMake target, plain folder). */
  | 'main'
  /** A Unity test for PlatformIO's `native` environment (`pio test -e native`). */
  | 'unity';

export interface HostTestOptions {
  prefix: string;
  runnerHeader: string;
  goldenHeader: string;
  style: HostTestStyle;
}

export interface HostTestFiles {
  goldenHeader: string;
  source: string;
}

/** The golden header and the test source for a model and its golden data. */
export function generateHostTest(model: Model, provenance: ModelProvenance, golden: GoldenData, opts: HostTestOptions): HostTestFiles {
  const P = opts.prefix;
  const M = P.toUpperCase();
  const sg = model.subgraphs[0]!;
  const ins = sg.inputs.map((i) => sg.tensors[i]!);
  const outs = sg.outputs.map((i) => sg.tensors[i]!);
  const g = `${P}_golden`;
  const guard = `TINYML_${M}_GOLDEN_H_`;
  const h: string[] = [
    markerComment(provenance, 'golden inputs and outputs for the host test').trimEnd(),
    `// Inputs: ${golden.inputsFrom}. Outputs: computed at export time by ${golden.outputsFrom}.`,
    `#ifndef ${guard}`,
    `#define ${guard}`,
    '',
    '#include <stdint.h>',
    '',
    `#define ${M}_GOLDEN_CASES ${golden.cases.length}`,
    `// An integer output may differ by ${GOLDEN_TOLERANCE_LSB} step (LSB); a float one by ${GOLDEN_FLOAT_TOLERANCE.abs} + ${GOLDEN_FLOAT_TOLERANCE.rel} * |expected|.`,
    `#define ${M}_GOLDEN_TOLERANCE_LSB ${GOLDEN_TOLERANCE_LSB}`,
    `#define ${M}_GOLDEN_FLOAT_ABS ${GOLDEN_FLOAT_TOLERANCE.abs}f`,
    `#define ${M}_GOLDEN_FLOAT_REL ${GOLDEN_FLOAT_TOLERANCE.rel}f`,
    '',
  ];
  ins.forEach((t, i) => h.push(...cArray(`${g}_input${i}`, GOLDEN_TYPES[t.type]!, golden.cases.map((c) => c.inputs[i]!)), ''));
  outs.forEach((t, i) => h.push(...cArray(`${g}_output${i}`, GOLDEN_TYPES[t.type]!, golden.cases.map((c) => c.outputs[i]!)), ''));
  h.push(`#endif  // ${guard}`, '');

  const purpose = opts.style === 'unity' ? 'host test (PlatformIO native environment, Unity)' : 'host test';
  const s: string[] = [
    markerComment(provenance, purpose).trimEnd(),
    '// Runs the model on this computer with TFLite Micro, on the golden inputs, and checks the outputs against the ones',
    '// LiteRT computed at export time. The same runner builds unchanged for the microcontroller.',
  ];
  if (opts.style === 'main') {
    s.push(
      '// Build with TFLite Micro built for this computer (libtensorflow-microlite.a; the paths are yours), with CMake:',
      '//   cmake -S host_test -B build-host -DTFLM_INCLUDE_DIRS="<tflm>;<flatbuffers>/include;<gemmlowp>;<ruy>"',
      `//         -DTFLM_LIBRARY=<tflm-lib>/libtensorflow-microlite.a && cmake --build build-host && build-host/${P}_host_test`,
      '// or with the compiler alone, from this folder:',
      `//   g++ -std=c++17 -DTF_LITE_STATIC_MEMORY -I. -I<runner folder> -isystem <tflm> ... ${P}_host_test.cc`,
      `//       <runner folder>/${P}_runner.cc <runner folder>/${P}_data.cc <tflm-lib>/libtensorflow-microlite.a -o ${P}_host_test`,
    );
  }
  s.push('#include <math.h>', '#include <stdio.h>', '#include <string.h>', '');
  if (opts.style === 'unity') s.push('#include <unity.h>', '');
  s.push(`#include "${opts.runnerHeader}"`, `#include "${opts.goldenHeader}"`, '', 'namespace {', '');
  s.push(
    'int Failures(const char* what, int c, double actual, double expected, int index, int failures) {',
    '  if (failures < 10) printf("  case %d %s[%d]: got %g, expected %g\\n", c, what, index, actual, expected);',
    '  return failures + 1;',
    '}',
    '',
    '}  // namespace',
    '',
    `// Runs every golden case; returns the number of output values outside the tolerance (or -1 when setup fails).`,
    `int ${P}_host_test_run(void) {`,
    `  const ${P}_status setup = ${P}_setup();`,
    `  if (setup != ${M}_OK) {`,
    `    printf("FAIL: ${P}_setup() returned %d\\n", static_cast<int>(setup));`,
    '    return -1;',
    '  }',
    '  int failures = 0;',
    `  for (int c = 0; c < ${M}_GOLDEN_CASES; ++c) {`,
  );
  ins.forEach((t, i) => {
    const ct = GOLDEN_TYPES[t.type]!.c;
    s.push(`    memcpy(${P}_input${i}_data(), ${g}_input${i}[c], sizeof(${g}_input${i}[c]));  // ${ct}[${elements(t)}]`);
  });
  s.push(
    `    const ${P}_status invoked = ${P}_invoke();`,
    `    if (invoked != ${M}_OK) {`,
    `      printf("FAIL: ${P}_invoke() returned %d on case %d\\n", static_cast<int>(invoked), c);`,
    '      return -1;',
    '    }',
  );
  outs.forEach((t, i) => {
    const type = GOLDEN_TYPES[t.type]!;
    const n = elements(t);
    s.push(`    const ${type.c}* out${i} = ${P}_output${i}_data();`, `    for (int k = 0; k < ${n}; ++k) {`);
    s.push(`      const double got = static_cast<double>(out${i}[k]), want = static_cast<double>(${g}_output${i}[c][k]);`);
    s.push(
      type.float
        ? `      if (!(fabs(got - want) <= ${M}_GOLDEN_FLOAT_ABS + ${M}_GOLDEN_FLOAT_REL * fabs(want))) failures = Failures("output${i}", c, got, want, k, failures);`
        : `      if (fabs(got - want) > ${M}_GOLDEN_TOLERANCE_LSB) failures = Failures("output${i}", c, got, want, k, failures);`,
      '    }',
    );
  });
  const tolerance = outs.map((t) => (GOLDEN_TYPES[t.type]!.float ? 'float tolerance' : `±${GOLDEN_TOLERANCE_LSB} LSB`));
  s.push(
    '  }',
    '  if (failures == 0) {',
    `    printf("PASS: %d golden case(s), every output within ${[...new Set(tolerance)].join(' / ')} of the golden outputs\\n", ${M}_GOLDEN_CASES);`,
    '  } else {',
    `    printf("FAIL: %d output value(s) outside the tolerance\\n", failures);`,
    '  }',
    '  return failures;',
    '}',
    '',
  );
  if (opts.style === 'unity') {
    s.push(
      'void setUp(void) {}',
      'void tearDown(void) {}',
      '',
      `void test_${P}_matches_golden_outputs(void) {`,
      `  TEST_ASSERT_EQUAL_INT_MESSAGE(0, ${P}_host_test_run(), "outputs differ from LiteRT's (see the lines above)");`,
      '}',
      '',
      'int main(int, char**) {',
      '  UNITY_BEGIN();',
      `  RUN_TEST(test_${P}_matches_golden_outputs);`,
      '  return UNITY_END();',
      '}',
      '',
    );
  } else {
    s.push('int main() {', `  return ${P}_host_test_run() == 0 ? 0 : 1;`, '}', '');
  }
  return { goldenHeader: h.join('\n'), source: s.join('\n') };
}

/**
 * A CMakeLists.txt for the host test folder: a standalone project (`cmake -S host_test ...`) or a subdirectory of
 * the user's (`add_subdirectory(host_test)` in a host build), with the target `<prefix>_host_test`.
 */
export function generateHostTestCmake(provenance: ModelProvenance, opts: { prefix: string; testSource: string; runnerSources: string[]; includeDirs: string[] }): string {
  const lines = [
    markerComment(provenance, 'host test build (CMake)').trimEnd().replace(/^\/\//gm, '#'),
    `# The ${opts.prefix}_host_test target: the model's runner and the golden test, built for this computer.`,
    '# TFLM_INCLUDE_DIRS: the TFLite Micro source root and its third-party include folders (flatbuffers, gemmlowp, ruy);',
    '# TFLM_LIBRARY: TFLite Micro built for this computer (libtensorflow-microlite.a).',
    'cmake_minimum_required(VERSION 3.13)',
    'if(NOT DEFINED PROJECT_NAME)',
    `  project(${opts.prefix}_host_test CXX)`,
    'endif()',
    'set(TFLM_INCLUDE_DIRS "" CACHE STRING "TFLite Micro include folders")',
    'set(TFLM_LIBRARY "" CACHE FILEPATH "TFLite Micro library built for this computer")',
    `add_executable(${opts.prefix}_host_test`,
    `  \${CMAKE_CURRENT_LIST_DIR}/${opts.testSource}`,
    ...opts.runnerSources.map((f) => `  \${CMAKE_CURRENT_LIST_DIR}/${f}`),
    ')',
    `set_target_properties(${opts.prefix}_host_test PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON)`,
    `target_include_directories(${opts.prefix}_host_test PRIVATE \${CMAKE_CURRENT_LIST_DIR}${opts.includeDirs.map((d) => ` \${CMAKE_CURRENT_LIST_DIR}/${d}`).join('')})`,
    '# The library\'s headers as system headers: their own warnings are not this project\'s.',
    `target_include_directories(${opts.prefix}_host_test SYSTEM PRIVATE \${TFLM_INCLUDE_DIRS})`,
    `target_compile_definitions(${opts.prefix}_host_test PRIVATE TF_LITE_STATIC_MEMORY)`,
    `target_compile_options(${opts.prefix}_host_test PRIVATE -Wall -Wextra -fno-rtti -fno-exceptions)`,
    `target_link_libraries(${opts.prefix}_host_test PRIVATE \${TFLM_LIBRARY} m)`,
    '',
  ];
  return lines.join('\n');
}
