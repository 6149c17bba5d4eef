import assert from 'node:assert/strict';
import { test } from 'node:test';
import { floatToHalf, halfToFloat } from '../../src/core/common/float16';

test('every binary16 code decodes to its value and encodes back to itself (NaNs stay NaN)', () => {
  for (let h = 0; h < 0x10000; h++) {
    const v = halfToFloat(h);
    const exp = (h >>> 10) & 0x1f, mant = h & 0x3ff, sign = h & 0x8000 ? -1 : 1;
    if (exp === 0x1f && mant) { assert.ok(Number.isNaN(v), `0x${h.toString(16)}`); continue; }
    const expected = exp === 0x1f ? sign * Infinity : exp === 0 ? sign * mant * 2 ** -24 : sign * (1 + mant / 1024) * 2 ** (exp - 15);
    assert.ok(Object.is(v, expected), `0x${h.toString(16)}: ${v} vs ${expected}`);
    assert.equal(floatToHalf(v), h, `0x${h.toString(16)} round trip`);
  }
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0x1_3c00), 1, 'only the low 16 bits are a code');
});
