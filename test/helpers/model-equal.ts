import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Model } from '../../src/core/tflite';

/** Deep equality for models: typed arrays compare by content, everything else structurally. */
export function normalizeModel(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: value.length, sha256: createHash('sha256').update(value).digest('hex') };
  if (Array.isArray(value)) return value.map(normalizeModel);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = normalizeModel(v);
    return out;
  }
  // NaN equals NaN for our purposes (min/max arrays can hold them)
  return typeof value === 'number' && Number.isNaN(value) ? 'NaN' : value;
}

export function assertModelsEqual(actual: Model, expected: Model, message?: string): void {
  assert.deepStrictEqual(normalizeModel(actual), normalizeModel(expected), message);
}
