import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { builtinCatalog } from '../../src/core/fit/board-catalog';
import {
  detectBoards, parseArduinoJson, parsePlatformioIni, parseSdkconfigTarget, parseSketchYaml, parseZephyrBoard, pickDetectedBoard,
} from '../../src/core/fit/board-detect';
import { PROJECT_ROOT } from '../helpers/paths';

const catalog = builtinCatalog();
const project = (files: Record<string, string>) => (rel: string) => files[rel];

test('platformio.ini: envs inherit [env] and extends, default_envs decides', () => {
  const ini = [
    '[platformio]', 'default_envs = s3', '',
    '[env]', 'framework = arduino ; comment', '',
    '[env:base]', 'platform = espressif32', 'board = esp32dev', '',
    '[env:s3]', 'extends = env:base', 'board = esp32-s3-devkitc-1', '',
    '[env:classic]', 'extends = env:base', '',
    '[env:native]', 'platform = native',
  ].join('\n');
  const { envs, defaultEnvs } = parsePlatformioIni(ini);
  assert.deepEqual(defaultEnvs, ['s3']);
  assert.deepEqual(envs.find((e) => e.name === 's3'), { name: 's3', board: 'esp32-s3-devkitc-1', platform: 'espressif32', framework: 'arduino' });
  assert.equal(envs.find((e) => e.name === 'classic')?.board, 'esp32dev');
  assert.equal(envs.find((e) => e.name === 'native')?.board, undefined);
  const found = detectBoards(project({ 'platformio.ini': ini }), catalog);
  assert.equal(pickDetectedBoard(found)?.boardId, 'esp32-s3-devkitc-1');
  assert.equal(pickDetectedBoard(found)?.env, 's3');
  assert.deepEqual(found.map((d) => d.raw), ['esp32-s3-devkitc-1', 'esp32dev', 'esp32dev']);
});

test('platformio.ini without default_envs: the first env with a board', () => {
  const ini = '[env:a]\nboard = nucleo_l4r5zi\n[env:b]\nboard = nano33ble\n';
  assert.equal(pickDetectedBoard(detectBoards(project({ 'platformio.ini': ini }), catalog))?.boardId, 'nucleo_l4r5zi');
});

test('the PlatformIO fixture project is detected as nano33ble', () => {
  const dir = path.join(PROJECT_ROOT, 'test', 'fixtures', 'projects', 'platformio');
  const read = (rel: string) => { try { return fs.readFileSync(path.join(dir, rel), 'utf8'); } catch { return undefined; } };
  const pick = pickDetectedBoard(detectBoards(read, catalog));
  assert.deepEqual({ id: pick?.boardId, kind: pick?.kind, file: pick?.file }, { id: 'nano33ble', kind: 'platformio', file: 'platformio.ini' });
});

test('Arduino: .vscode/arduino.json FQBN, with options, and sketch.yaml profiles', () => {
  assert.equal(parseArduinoJson('{"board": "arduino:mbed_nano:nano33ble", "port": "/dev/ttyACM0"}'), 'arduino:mbed_nano:nano33ble');
  assert.equal(parseArduinoJson('{"board": "STMicroelectronics:stm32:Nucleo_64", "configuration": "pnum=NUCLEO_F401RE,upload_method=swdMethod"}'),
    'STMicroelectronics:stm32:Nucleo_64:pnum=NUCLEO_F401RE,upload_method=swdMethod');
  assert.equal(parseArduinoJson('not json'), undefined);
  const nucleo = detectBoards(project({ '.vscode/arduino.json': '{"board": "STMicroelectronics:stm32:Nucleo_64", "configuration": "pnum=NUCLEO_F401RE,xserial=generic"}' }), catalog);
  assert.equal(pickDetectedBoard(nucleo)?.boardId, 'nucleo_f401re');

  const yaml = [
    'profiles:', '  dev:', '    fqbn: arduino:mbed_nano:nano33ble', '    platforms:', '      - platform: arduino:mbed_nano (4.0.4)',
    '  cam:', '    fqbn: arduino:mbed_nicla:nicla_vision', 'default_profile: cam', '',
  ].join('\n');
  assert.deepEqual(parseSketchYaml(yaml), [
    { profile: 'dev', fqbn: 'arduino:mbed_nano:nano33ble', isDefault: false },
    { profile: 'cam', fqbn: 'arduino:mbed_nicla:nicla_vision', isDefault: true },
  ]);
  assert.equal(pickDetectedBoard(detectBoards(project({ 'sketch.yaml': yaml }), catalog))?.boardId, 'nicla_vision');
  assert.equal(pickDetectedBoard(detectBoards(project({ 'sketch.yaml': 'default_fqbn: esp32:esp32:XIAO_ESP32S3\n' }), catalog))?.boardId, 'seeed_xiao_esp32s3');
});

test('ESP-IDF: CONFIG_IDF_TARGET maps the chip to its dev kit, with a note', () => {
  assert.equal(parseSdkconfigTarget('# comment\nCONFIG_IDF_TARGET="esp32c3"\nCONFIG_IDF_TARGET_ESP32C3=y\n'), 'esp32c3');
  const found = detectBoards(project({ sdkconfig: 'CONFIG_IDF_TARGET="esp32s3"\n' }), catalog);
  assert.equal(found[0]?.boardId, 'esp32-s3-devkitc-1');
  assert.match(found[0]?.note ?? '', /names the chip/);
  assert.equal(detectBoards(project({ 'sdkconfig.defaults': 'CONFIG_IDF_TARGET="esp32"\n' }), catalog)[0]?.boardId, 'esp32dev');
});

test('Zephyr: set(BOARD) in CMakeLists.txt, build.board in .west/config, BOARD in the build cache', () => {
  assert.equal(parseZephyrBoard('cmake_minimum_required(VERSION 3.20)\nset(BOARD nrf52840dk_nrf52840)\nfind_package(Zephyr)\n', 'cmake'), 'nrf52840dk_nrf52840');
  assert.equal(parseZephyrBoard('[manifest]\npath = zephyr\n[build]\nboard = nrf5340dk/nrf5340/cpuapp\n', 'west'), 'nrf5340dk/nrf5340/cpuapp');
  assert.equal(parseZephyrBoard('[zephyr]\nboard = x\n', 'west'), undefined);
  assert.equal(parseZephyrBoard('CMAKE_BUILD_TYPE:STRING=\nBOARD:STRING=nucleo_h743zi\n', 'cache'), 'nucleo_h743zi');
  assert.equal(pickDetectedBoard(detectBoards(project({ 'CMakeLists.txt': 'set(BOARD nrf5340dk/nrf5340/cpuapp/ns)\n' }), catalog))?.boardId, 'nrf5340-dk');
  assert.equal(pickDetectedBoard(detectBoards(project({ '.west/config': '[build]\nboard = xiao_ble/nrf52840/sense\n' }), catalog))?.boardId, 'xiaoblesense');
  assert.equal(pickDetectedBoard(detectBoards(project({ 'build/CMakeCache.txt': 'BOARD:STRING=rpi_pico\n' }), catalog))?.boardId, 'pico');
});

test('a board the catalog does not know is reported raw, without an id; a plain CMake project names none', () => {
  const found = detectBoards(project({ 'platformio.ini': '[env:x]\nboard = some_custom_board\n' }), catalog);
  assert.deepEqual(found.map((d) => ({ raw: d.raw, id: d.boardId })), [{ raw: 'some_custom_board', id: undefined }]);
  assert.equal(pickDetectedBoard(found), undefined);
  assert.deepEqual(detectBoards(project({ 'CMakeLists.txt': 'project(app)\n', 'build/CMakeCache.txt': 'CMAKE_BUILD_TYPE:STRING=Release\n' }), catalog), []);
});
