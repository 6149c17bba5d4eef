/** The one formatter per unit: formatCount groups as en-US does, without loading the locale data. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCount, formatPercent, formatT } from '../../src/core/common/format';

test('formatCount groups thousands and keeps up to three decimals, as toLocaleString("en-US") does', () => {
  for (const n of [0, 7, -1, 999, 1000, 54340, 1234567, -1234567.5, 0.1234, 12.3456, 1000.0004, 999999.9999, 2 ** 40]) {
    assert.equal(formatCount(n), n.toLocaleString('en-US'), String(n));
  }
  assert.equal(formatCount(20188), '20,188');
  assert.equal(formatCount(NaN), 'NaN');
});

test('formatT: two decimals, capped at ±100 where the size no longer means anything', () => {
  assert.equal(formatT(2.345), '2.35');
  assert.equal(formatT(-0.8), '-0.80');
  assert.equal(formatT(12943973964258888), '> 100');
  assert.equal(formatT(Infinity), '> 100');
  assert.equal(formatT(-Infinity), '< -100');
  assert.equal(formatT(NaN), 'n/a');
});

test('formatPercent: a fraction, or part of a whole with the product first, so integer ratios round as written', () => {
  assert.equal(formatPercent(0.9), '90.0%');
  assert.equal(formatPercent(3, 10, 0), '30%');
  // 100 · (23 / 80) is 28.749999…; (100 · 23) / 80 is exactly 28.75.
  assert.equal(formatPercent(23, 80), '28.8%');
  assert.equal(formatPercent(23000, 40000, 0), '58%');
  // Against the exact rational rounded half up (integers only). Up to 400 every tie (a denominator of 16, 80 or 400)
  // is a binary fraction, so the division is exact there; 100 · (part / whole) missed 23 of them (23 of 80 among them).
  for (let whole = 1; whole <= 400; whole++) {
    for (let part = 0; part <= whole; part++) {
      const tenths = Math.floor((2000 * part + whole) / (2 * whole));
      assert.equal(formatPercent(part, whole), `${Math.floor(tenths / 10)}.${tenths % 10}%`, `${part} of ${whole}`);
    }
  }
});
