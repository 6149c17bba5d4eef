/** The one formatter per unit: formatCount groups as en-US does, without loading the locale data. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCount } from '../../src/core/common/format';

test('formatCount groups thousands and keeps up to three decimals, as toLocaleString("en-US") does', () => {
  for (const n of [0, 7, -1, 999, 1000, 54340, 1234567, -1234567.5, 0.1234, 12.3456, 1000.0004, 999999.9999, 2 ** 40]) {
    assert.equal(formatCount(n), n.toLocaleString('en-US'), String(n));
  }
  assert.equal(formatCount(20188), '20,188');
  assert.equal(formatCount(NaN), 'NaN');
});
