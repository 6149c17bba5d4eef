/** One arena and where model_setup()/model_invoke() go: the pure edit computation, on each kind of entry point. */
import assert from 'node:assert/strict';
import test from 'node:test';
import { compilePatterns, DEFAULT_ARENA_CONSTANT_PATTERNS } from '../../src/core/firmware/arena-constants';
import { applyInsertions, findProjectArena, planRunnerCalls } from '../../src/core/firmware/runner-calls';

const PATTERNS = compilePatterns(DEFAULT_ARENA_CONSTANT_PATTERNS).regexes;
const OPTS = { prefix: 'model', runnerHeader: 'model_runner.h' };

const ARDUINO = `#include <Arduino.h>
// uint8_t tensor_arena[1]; a comment is not the arena
constexpr int kTensorArenaSize = 10 * 1024;
alignas(16) static uint8_t tensor_arena[kTensorArenaSize];

void setup() {
    Serial.begin(115200);
}

void loop() {
    delay(100);
}
`;

test('the project\'s arena is found by the hover\'s patterns: the buffer, not its size constant or a comment', () => {
  const arena = findProjectArena(ARDUINO, PATTERNS);
  assert.equal(arena?.name, 'tensor_arena');
  assert.equal(arena?.elementType, 'uint8_t');
  assert.equal(ARDUINO.slice(arena!.offset, arena!.offset + 'tensor_arena'.length), 'tensor_arena');
  assert.equal(findProjectArena('unsigned char my_tensor_arena[4096];\n', PATTERNS)?.elementType, 'unsigned char');
  assert.equal(findProjectArena('int main(void) { return 0; }\n', PATTERNS), undefined);
});

test('Arduino / PlatformIO: setup_with_arena(their arena) in setup(), invoke in loop(), the include after theirs', () => {
  const arena = findProjectArena(ARDUINO, PATTERNS);
  for (const type of ['arduino', 'platformio'] as const) {
    const plan = planRunnerCalls(ARDUINO, type, { ...OPTS, arena });
    assert.ok(plan);
    assert.equal(plan.reusesArena, true);
    assert.equal(plan.description, 'call model_setup_with_arena(tensor_arena) and model_invoke() from setup() and loop()');
    const out = applyInsertions(ARDUINO, plan.insertions);
    assert.match(out, /^#include <Arduino.h>\n#include "model_runner.h"\n/);
    assert.match(out, /void setup\(\) \{\n {4}\/\/ TinyML Toolkit: load the model into tensor_arena;[^\n]*\n {4}if \(model_setup_with_arena\(tensor_arena, sizeof\(tensor_arena\)\) != MODEL_OK\) \{\n[^\n]*\n {4}\}\n {4}Serial\.begin/);
    assert.match(out, /void loop\(\) \{\n {4}\/\/ TinyML Toolkit: fill model_input0_data\(\)[^\n]*\n {4}model_invoke\(\);\n {4}delay\(100\);/);
    // Done once: a second run finds the call and plans nothing.
    assert.equal(planRunnerCalls(out, type, { ...OPTS, arena }), undefined);
  }
});

test('ESP-IDF app_main, Zephyr / CMake / plain C main: setup and invoke at the start; no arena: model_setup()', () => {
  const idf = 'extern "C" void app_main(void)\n{\n  printf("hi\\n");\n}\n';
  const idfOut = applyInsertions(idf, planRunnerCalls(idf, 'esp-idf', OPTS)!.insertions);
  assert.match(idfOut, /^#include "model_runner.h"\n\nextern "C" void app_main\(void\)\n\{\n {2}\/\/ TinyML Toolkit: load the model;[^\n]*\n {2}if \(model_setup\(\) != MODEL_OK\) \{\n[^\n]*\n {2}\}\n[^\n]*\n {2}model_invoke\(\);\n {2}printf/);
  const c = '#include <stdio.h>\n#include <zephyr/kernel.h>\n\nchar tensor_arena[2048];\n\nint main(void) {\n\treturn 0;\n}\n';
  for (const type of ['zephyr', 'cmake', 'make', 'folder', 'stm32cube'] as const) {
    const plan = planRunnerCalls(c, type, { ...OPTS, arena: findProjectArena(c, PATTERNS) });
    const out = applyInsertions(c, plan!.insertions);
    assert.match(out, /#include <zephyr\/kernel.h>\n#include "model_runner.h"\n/);
    // A char array goes through a cast; the body's tab indentation is kept.
    assert.match(out, /int main\(void\) \{\n\t\/\/ TinyML Toolkit[^\n]*\n\tif \(model_setup_with_arena\(\(uint8_t\*\)tensor_arena, sizeof\(tensor_arena\)\) != MODEL_OK\) \{/);
    assert.match(out, /\tmodel_invoke\(\);\n\treturn 0;/);
  }
  // No entry point of the kind: nothing to do (the user is told where the calls go instead).
  assert.equal(planRunnerCalls(c, 'arduino', OPTS), undefined);
  assert.equal(planRunnerCalls('// int main(void) {\n', 'cmake', OPTS), undefined, 'a commented-out main is not one');
});
