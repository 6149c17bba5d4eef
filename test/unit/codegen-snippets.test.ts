import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { TFLM_BUILTIN_METHODS } from '../../src/core/tflite/operators';
import { PROJECT_ROOT } from '../helpers/paths';

test('snippets are valid snippet JSON and only offer real op resolver methods', () => {
  const methods = new Set(Object.values(TFLM_BUILTIN_METHODS));
  for (const file of ['tflm-cpp.json', 'tflm-c.json']) {
    const snippets = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'snippets', file), 'utf8')) as Record<string, { prefix: string; body: string[]; description: string }>;
    assert.ok(Object.keys(snippets).length >= 2, file);
    for (const [name, s] of Object.entries(snippets)) {
      assert.match(s.prefix, /^tflm-/, name);
      assert.ok(Array.isArray(s.body) && s.body.length > 0 && s.description, name);
      for (const choice of s.body.join('\n').matchAll(/Add\$\{\d+\|([^|]+)\|\}/g)) {
        for (const op of choice[1]!.split(',')) assert.ok(methods.has(`Add${op}`), `${file} ${name}: Add${op} is not a resolver method`);
      }
    }
  }
});
