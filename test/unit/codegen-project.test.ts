import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { ExportConflictError, isGeneratedByUs, parseCArray } from '../../src/core/codegen';
import { detectProject, detectProjects, memorySnapshot, type ProjectType, planExport, type ExportPlan } from '../../src/core/firmware';
import { applyExportPlan, StalePlanError } from '../../src/core/firmware/node-apply';
import { nodeProjectSnapshot } from '../../src/core/firmware/node-snapshot';
import { FileError } from '../../src/core/io/file-error';
import { nodeWriteFs, type WriteFs } from '../../src/core/io/safe-write';
import { ModelBuilder, writeModel, type Model } from '../../src/core/tflite';
import { PROJECT_ROOT } from '../helpers/paths';
import { tempDir } from '../helpers/temp-dir';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'projects');
const DATE = new Date('2026-01-02T00:00:00Z');

function smallModel(): { model: Model; bytes: Uint8Array } {
  const b = new ModelBuilder({ seed: 5 });
  const x = b.input('x', [1, 8]);
  b.output(b.softmax(b.relu(b.fullyConnected(x, 4))));
  const model = b.build();
  return { model, bytes: writeModel(model) };
}

function copyFixture(name: string): string {
  const dir = tempDir(`tinyml-export-${name}-`);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

function plan(dir: string, extra: Partial<Parameters<typeof planExport>[0]> = {}): ExportPlan {
  const { model, bytes } = smallModel();
  return planExport({
    modelBytes: bytes, modelPath: 'models/kws.tflite', snapshot: nodeProjectSnapshot(dir), model, boilerplate: true,
    date: DATE, arena: { recommendedArenaBytes: 2000, target: 'cortex-m' }, ...extra,
  });
}

function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${path.relative(dir, p)}:${fs.statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort();
}

interface Expected {
  type: ProjectType;
  files: string[];
  edits: string[];
  arduinoHeader?: string;
}

const EXPECTED: Record<string, Expected> = {
  platformio: {
    type: 'platformio',
    files: ['src/model_data.cpp', 'include/model_data.h', 'src/model_runner.cpp', 'include/model_runner.h'],
    edits: [],
    arduinoHeader: 'TensorFlowLite.h',
  },
  arduino: {
    type: 'arduino',
    files: ['gesture_sketch/model_data.cpp', 'gesture_sketch/model_data.h', 'gesture_sketch/model_runner.cpp', 'gesture_sketch/model_runner.h'],
    edits: [],
    arduinoHeader: 'Chirale_TensorFlowLite.h',
  },
  'esp-idf': {
    type: 'esp-idf',
    files: ['main/model_data.cc', 'main/model_data.h', 'main/model_runner.cc', 'main/model_runner.h'],
    edits: ['main/CMakeLists.txt', 'main/idf_component.yml'],
  },
  zephyr: {
    type: 'zephyr',
    files: ['src/model_data.cc', 'src/model_data.h', 'src/model_runner.cc', 'src/model_runner.h'],
    edits: ['CMakeLists.txt', 'prj.conf'],
  },
  stm32cube: {
    type: 'stm32cube',
    files: ['Core/Src/model_data.cpp', 'Core/Inc/model_data.h', 'Core/Src/model_runner.cpp', 'Core/Inc/model_runner.h'],
    edits: [],
  },
  cmake: {
    type: 'cmake',
    files: ['src/model_data.cc', 'src/model_data.h', 'src/model_runner.cc', 'src/model_runner.h'],
    edits: ['CMakeLists.txt'],
  },
  make: {
    type: 'make',
    files: ['src/model_data.cc', 'src/model_data.h', 'src/model_runner.cc', 'src/model_runner.h'],
    edits: ['Makefile'],
  },
};

for (const [fixture, expected] of Object.entries(EXPECTED)) {
  test(`${fixture} fixture: detected, files in the conventional places, sources registered`, () => {
    const p = plan(path.join(FIXTURES, fixture));
    assert.equal(p.project.type, expected.type);
    assert.deepEqual(p.files.map((f) => f.path), expected.files);
    assert.ok(p.files.every((f) => f.kind === 'create'));
    assert.deepEqual(p.edits.map((e) => e.path), expected.edits);
    assert.equal(p.project.arduinoLibraryHeader, expected.arduinoHeader);
    const runner = Buffer.from(p.files[2]!.contents).toString('utf8');
    if (expected.arduinoHeader) assert.match(runner, new RegExp(`#include <${expected.arduinoHeader}>\\n`));
    else assert.doesNotMatch(runner, /TensorFlowLite\.h/);
    assert.match(runner, /#include "tensorflow\/lite\/micro\/micro_interpreter.h"/);
  });
}

test('build file edits: ESP-IDF SRCS and esp-tflite-micro, Zephyr target_sources and Kconfig, CMake, Make', () => {
  const edit = (fixture: string, file: string): string => plan(path.join(FIXTURES, fixture)).edits.find((e) => e.path === file)!.newContents;
  assert.equal(
    edit('esp-idf', 'main/CMakeLists.txt'),
    'idf_component_register(SRCS "main.c"\n                            "audio.c"\n                            "model_data.cc"\n' +
      '                            "model_runner.cc"\n                       INCLUDE_DIRS ".")\n',
  );
  assert.match(edit('esp-idf', 'main/idf_component.yml'), /^dependencies:\n {2}espressif\/esp-tflite-micro: "\*"$/m);
  const zephyr = edit('zephyr', 'CMakeLists.txt');
  assert.match(zephyr, /target_sources\(app PRIVATE src\/main\.c\)\n\n# Added by TinyML Toolkit.*\ntarget_sources\(app PRIVATE\n {2}src\/model_data\.cc\n {2}src\/model_runner\.cc\n\)\n$/);
  const prj = edit('zephyr', 'prj.conf');
  assert.match(prj, /^CONFIG_CPP=y\nCONFIG_MAIN_STACK_SIZE=4096\n# Added by TinyML Toolkit.*\nCONFIG_REQUIRES_FULL_LIBCPP=y\nCONFIG_TENSORFLOW_LITE_MICRO=y\n$/);
  assert.match(edit('cmake', 'CMakeLists.txt'), /target_sources\(sensor_fw PRIVATE\n {2}src\/model_data\.cc\n {2}src\/model_runner\.cc\n\)/);
  assert.match(edit('make', 'Makefile'), /^SRCS = src\/main\.cc \\\n {7}src\/board\.cc\n# Added by TinyML Toolkit.*\nSRCS \+= src\/model_data\.cc src\/model_runner\.cc\nOBJS/m);
});

test('array-only export registers only the data source and adds no TFLite Micro dependency', () => {
  const p = plan(path.join(FIXTURES, 'esp-idf'), { boilerplate: false, model: undefined });
  assert.deepEqual(p.files.map((f) => f.path), ['main/model_data.cc', 'main/model_data.h']);
  assert.deepEqual(p.edits.map((e) => e.path), ['main/CMakeLists.txt']);
  assert.doesNotMatch(p.edits[0]!.newContents, /model_runner/);
});

test('a workspace holding every fixture: each project found once, shallow first', () => {
  const projects = detectProjects(nodeProjectSnapshot(FIXTURES));
  assert.deepEqual(
    projects.map((p) => `${p.type}@${p.root}`).sort(),
    ['arduino@arduino/gesture_sketch', 'cmake@cmake', 'esp-idf@esp-idf', 'make@make', 'platformio@platformio', 'stm32cube@stm32cube', 'zephyr@zephyr'],
  );
  assert.equal(projects.at(-1)!.type, 'arduino');
});

test('detection details: Zephyr glob, ESP-IDF SRC_DIRS, Make wildcard need no edit; forced types use conventional layout', () => {
  const { model, bytes } = smallModel();
  const zephyrGlob = memorySnapshot({
    'CMakeLists.txt': 'find_package(Zephyr)\nproject(x)\nfile(GLOB app_sources src/*)\ntarget_sources(app PRIVATE ${app_sources})\n',
    'prj.conf': 'CONFIG_CPP=y\nCONFIG_REQUIRES_FULL_LIBCPP=y\nCONFIG_TENSORFLOW_LITE_MICRO=y\n',
    'src/main.cc': '',
  });
  const base = { modelBytes: bytes, modelPath: 'm.tflite', model, boilerplate: true, date: DATE };
  assert.deepEqual(planExport({ ...base, snapshot: zephyrGlob }).edits, []);
  const idfDirs = memorySnapshot({
    'CMakeLists.txt': 'include($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(x)\n',
    'main/CMakeLists.txt': 'idf_component_register(SRC_DIRS "." INCLUDE_DIRS ".")\n',
    'main/idf_component.yml': 'dependencies:\n  espressif/esp-tflite-micro: "^1.3.0"\n',
  });
  const idf = planExport({ ...base, snapshot: idfDirs });
  assert.equal(idf.project.type, 'esp-idf');
  assert.deepEqual(idf.edits, []);
  const makeWildcard = memorySnapshot({ Makefile: 'SRCS := $(wildcard src/*.cc)\n', 'src/main.cc': '' });
  const mk = planExport({ ...base, snapshot: makeWildcard });
  assert.equal(mk.project.registration.kind, 'none');
  const empty = memorySnapshot({});
  assert.equal(detectProject(empty).type, 'folder');
  const pio = detectProject(empty, 'platformio');
  assert.equal(pio.sourceDir, 'src');
  assert.match(pio.notes[0]!, /No platformio project was found/);
  const idfNew = planExport({ ...base, snapshot: empty, projectType: 'esp-idf' });
  assert.deepEqual(idfNew.edits.map((e) => e.path), ['main/idf_component.yml']);
  assert.ok(idfNew.notes.some((n) => /idf_component_register/.test(n)));
});

test('apply writes the plan; re-export updates in place and adds no duplicate registrations', async () => {
  for (const fixture of Object.keys(EXPECTED)) {
    const dir = copyFixture(fixture);
    try {
      const first = plan(dir);
      await applyExportPlan(first, dir);
      for (const f of first.files) assert.ok(isGeneratedByUs(fs.readFileSync(path.join(dir, f.path))), f.path);
      for (const e of first.edits) assert.equal(fs.readFileSync(path.join(dir, e.path), 'utf8'), e.newContents);
      const data = fs.readFileSync(path.join(dir, first.files[0]!.path), 'latin1');
      assert.ok(Buffer.from(parseCArray(data, 'g_model').bytes).equals(Buffer.from(smallModel().bytes)));

      const second = plan(dir, { date: new Date('2026-02-03T00:00:00Z') });
      assert.deepEqual(second.files.map((f) => f.kind), first.files.map(() => 'update'), fixture);
      assert.deepEqual(second.edits, [], `${fixture}: re-export must not edit build files again`);
      await applyExportPlan(second, dir);
      assert.match(fs.readFileSync(path.join(dir, first.files[1]!.path), 'utf8'), /Date: {4}2026-02-03/);
      assert.ok(!listTree(dir).some((f) => f.includes('.tinyml-')), 'temporary files left behind');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('a file with the same name that we did not generate is not overwritten (unless forced)', async () => {
  const dir = copyFixture('platformio');
  try {
    const foreign = path.join(dir, 'src', 'model_data.cpp');
    fs.writeFileSync(foreign, '// my own model data\nconst unsigned char g_model[] = {1};\n');
    const before = listTree(dir);
    const p = plan(dir);
    assert.equal(p.files[0]!.kind, 'conflict');
    await assert.rejects(applyExportPlan(p, dir), (e: unknown) => e instanceof ExportConflictError && /model_data\.cpp/.test(e.message) && /--force/.test(e.message));
    assert.deepEqual(listTree(dir), before, 'nothing may be written when a conflict is refused');
    await applyExportPlan(p, dir, { force: true });
    assert.ok(isGeneratedByUs(fs.readFileSync(foreign)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a build file changed after planning: refused, nothing written', async () => {
  const dir = copyFixture('cmake');
  try {
    const p = plan(dir);
    fs.appendFileSync(path.join(dir, 'CMakeLists.txt'), '# changed\n');
    const before = listTree(dir);
    await assert.rejects(applyExportPlan(p, dir), StalePlanError);
    assert.deepEqual(listTree(dir), before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Real fs, except that `deny` folders report EACCES on access(W_OK), as a read-only folder does for a normal user. */
function denyingFs(deny: string[], calls: string[]): WriteFs {
  const real = nodeWriteFs;
  const denied = (p: string): boolean => deny.some((d) => path.resolve(p) === path.resolve(d));
  return {
    ...real,
    access: async (p, mode) => {
      if (denied(p)) throw Object.assign(new Error(`EACCES: permission denied, access '${p}'`), { code: 'EACCES' });
      return real.access(p, mode);
    },
    mkdir: async (p) => { calls.push(`mkdir ${p}`); return real.mkdir(p); },
    writeFile: async (p, d, o) => { calls.push(`write ${p}`); return real.writeFile(p, d, o); },
    rename: async (a, b) => { calls.push(`rename ${b}`); return real.rename(a, b); },
    link: async (a, b) => { calls.push(`link ${b}`); return real.link(a, b); },
  };
}

test('read-only folder (injected permission failure): clear error naming the folder, nothing written', async () => {
  const dir = copyFixture('platformio');
  try {
    const before = listTree(dir);
    const calls: string[] = [];
    const includeDir = path.join(dir, 'include');
    await assert.rejects(
      applyExportPlan(plan(dir), dir, { fs: denyingFs([includeDir], calls) }),
      (e: unknown) => e instanceof FileError && e.kind === 'permission' && e.message.includes(path.relative(process.cwd(), includeDir)) && /permission denied/.test(e.message),
    );
    assert.deepEqual(calls.filter((c) => !c.includes('write-probe')), [], 'no write may happen before every target is checked');
    assert.deepEqual(listTree(dir), before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a failure while writing removes the temporaries and created folders', async () => {
  const dir = tempDir('tinyml-export-fail-');
  try {
    const calls: string[] = [];
    const base = denyingFs([], calls);
    let writes = 0;
    const failing: WriteFs = {
      ...base,
      writeFile: async (p, d, o) => {
        if (++writes === 3) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return base.writeFile(p, d, o);
      },
    };
    const p = plan(path.join(dir, 'fw'), { projectType: 'platformio' });
    await assert.rejects(applyExportPlan(p, path.join(dir, 'fw'), { fs: failing }), (e: unknown) => e instanceof FileError && e.kind === 'no-space' && /no space left on the device/.test(e.message));
    assert.deepEqual(fs.readdirSync(dir), [], 'the created project folders must be removed again');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('target under a file: clear error, nothing written', async () => {
  const dir = tempDir('tinyml-export-file-');
  try {
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const out = path.join(dir, 'notes.txt', 'fw');
    await assert.rejects(applyExportPlan(plan(out), out), (e: unknown) => e instanceof FileError && e.kind === 'not-a-folder' && /notes\.txt is a file, not a folder/.test(e.message));
    assert.deepEqual(fs.readdirSync(dir), ['notes.txt']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const RUNNING_AS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
test('read-only folder on the real file system', { skip: RUNNING_AS_ROOT ? 'running as root: chmod does not stop writes (covered by the injected-fs test)' : false }, async () => {
  const dir = copyFixture('cmake');
  try {
    fs.chmodSync(path.join(dir, 'src'), 0o555);
    const before = listTree(dir);
    await assert.rejects(applyExportPlan(plan(dir), dir), (e: unknown) => e instanceof FileError && /src/.test(e.message));
    assert.deepEqual(listTree(dir), before);
  } finally {
    fs.chmodSync(path.join(dir, 'src'), 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
