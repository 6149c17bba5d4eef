import assert from 'node:assert/strict';
import test from 'node:test';
import { BoardFileError, builtinCatalog, CORE_IDS, findBoard, mergeUserBoards, parseSize, suggestBoards } from '../../src/core/fit/board-catalog';
import { BOARDS } from '../../src/core/fit/boards';

test('the catalog has at least 30 boards with unique ids, sane sizes and a source each', () => {
  assert.ok(BOARDS.length >= 30, `${BOARDS.length} boards`);
  const ids = new Set<string>();
  const aliases = new Map<string, string>();
  for (const b of BOARDS) {
    assert.ok(!ids.has(b.id), `duplicate id ${b.id}`);
    ids.add(b.id);
    assert.match(b.id, /^[a-z0-9_.-]+$/, `${b.id}: ids are PlatformIO ids or lower-case-dashed kit names`);
    assert.ok(CORE_IDS.includes(b.core), `${b.id}: core ${b.core}`);
    assert.ok(b.clockMhz >= 16 && b.clockMhz <= 1000, `${b.id}: clock ${b.clockMhz}`);
    assert.ok(b.ramBytes >= 16 * 1024 && b.ramBytes <= 8 * 1024 * 1024, `${b.id}: RAM ${b.ramBytes}`);
    assert.ok(b.largestRegionBytes > 0 && b.largestRegionBytes <= b.ramBytes, `${b.id}: largest region`);
    assert.ok(b.flashBytes >= 32 * 1024, `${b.id}: flash ${b.flashBytes}`);
    assert.match(b.source, /^https:\/\//, `${b.id}: cite a datasheet or product page`);
    assert.ok(!b.mve || b.core === 'cortex-m55' || b.core === 'cortex-m85', `${b.id}: Helium only on M55/M85`);
    assert.ok(!(b.core === 'cortex-m0plus' && (b.dsp || b.fpu !== 'none')), `${b.id}: an M0+ has neither DSP nor FPU`);
    for (const a of b.aliases ?? []) {
      const prev = aliases.get(a.toLowerCase());
      assert.ok(!prev, `alias ${a} of ${b.id} already names ${prev}`);
      aliases.set(a.toLowerCase(), b.id);
    }
  }
  for (const id of ['nano33ble', 'nicla_vision', 'portenta_h7_m7', 'esp32dev', 'esp32-s3-devkitc-1', 'esp32-c3-devkitm-1',
    'seeed_xiao_esp32s3', 'xiaoblesense', 'pico', 'rpipico2', 'teensy41', 'sparkfun-edge', 'seeed_wio_terminal',
    'nucleo_f401re', 'nucleo_l4r5zi', 'nucleo_h743zi', 'nucleo_h7a3zi_q', 'nucleo_u575zi_q', 'disco_f746ng',
    'nrf52840_dk', 'nrf5340-dk', 'ek-ra6m4', 'ek-ra8d1', 'cy8ckit-062s2-43012', 'frdm-mcxn947', 'xg24-dk2601b']) {
    assert.ok(ids.has(id), `the issue's board ${id} is in the catalog`);
  }
});

test('boards are found by id and by alias (FQBN, IDF target, Zephyr name), case-insensitively for aliases', () => {
  const c = builtinCatalog();
  assert.equal(findBoard(c, 'nano33ble')?.mcu, 'nRF52840');
  assert.equal(findBoard(c, 'arduino:mbed_nano:nano33ble')?.id, 'nano33ble');
  assert.equal(findBoard(c, 'ESP32S3')?.id, 'esp32-s3-devkitc-1');
  assert.equal(findBoard(c, 'nrf5340dk/nrf5340/cpuapp')?.id, 'nrf5340-dk');
  assert.equal(findBoard(c, 'no-such-board'), undefined);
  assert.ok(suggestBoards(c, 'nano33').includes('nano33ble'));
});

test('parseSize reads bytes and K/M suffixes', () => {
  assert.equal(parseSize(1024), 1024);
  assert.equal(parseSize('256K'), 262144);
  assert.equal(parseSize('1.5M'), 1572864);
  assert.equal(parseSize('320KiB'), 327680);
  assert.equal(parseSize('2MB'), 2097152);
  assert.equal(parseSize('lots'), undefined);
  assert.equal(parseSize(-5), undefined);
});

test('a user boards file adds boards and overrides fields of built-in ones', () => {
  const text = JSON.stringify({
    boards: [
      { id: 'my_sensor', name: 'My sensor board', mcu: 'STM32L432KC', core: 'cortex-m4', clockMhz: 80, ramBytes: '64K', flashBytes: '256K', fpu: 'sp', dsp: true },
      { id: 'nano33ble', clockMhz: 32 },
    ],
  });
  const c = mergeUserBoards(text, 'boards.json');
  const mine = c.byId.get('my_sensor')!;
  assert.equal(mine.ramBytes, 65536);
  assert.equal(mine.largestRegionBytes, 65536, 'defaults to all of the RAM');
  assert.equal(mine.mve, false);
  assert.equal(c.byId.get('nano33ble')!.clockMhz, 32);
  assert.equal(c.byId.get('nano33ble')!.ramBytes, 256 * 1024, 'untouched fields keep the catalog value');
  assert.ok(c.userIds.has('my_sensor') && c.userIds.has('nano33ble') && !c.userIds.has('pico'));
  assert.equal(c.boards.length, BOARDS.length + 1);
});

test('a bad boards file is rejected with the file, the board and the field named', () => {
  const bad = (text: string, kind: string, pattern: RegExp) => {
    assert.throws(() => mergeUserBoards(text, 'cfg/boards.json'), (e: unknown) => {
      assert.ok(e instanceof BoardFileError);
      assert.equal(e.kind, kind);
      assert.equal(e.file, 'cfg/boards.json');
      assert.match(e.message, /^cfg\/boards\.json: /);
      assert.match(e.message, pattern);
      return true;
    });
  };
  bad('{ boards: [', 'json', /not valid JSON/);
  bad('{"board": {}}', 'shape', /expected \{"boards": \[\.\.\.\]\}/);
  bad('[{"name": "x"}]', 'field', /boards\[0\]\.id/);
  bad('[{"id": "new_one", "core": "cortex-m4", "clockMhz": 64, "flashBytes": 1024}]', 'field', /board "new_one": "ramBytes" must be given/);
  bad('[{"id": "x", "core": "cortex-m5", "clockMhz": 64, "ramBytes": 1024, "flashBytes": 1024}]', 'field', /"core" must be one of cortex-m0plus/);
  bad('[{"id": "nano33ble", "ramBytes": "big"}]', 'field', /"ramBytes" must be a size in bytes/);
  bad('[{"id": "nano33ble", "largestRegionBytes": "1M"}]', 'field', /larger than "ramBytes"/);
  bad('[{"id": "nano33ble", "ram": 5}]', 'field', /unknown field "ram"/);
  bad('[{"id": "nano33ble", "clockMhz": 1}, {"id": "nano33ble", "clockMhz": 2}]', 'duplicate', /defined twice/);
});
