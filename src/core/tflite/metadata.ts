import { ModelFormatError } from './errors';
import type { Model } from './model';

/** The bytes of a named metadata entry (e.g. "min_runtime_version"), or undefined when absent. */
export function metadataBytes(model: Model, name: string): Uint8Array | undefined {
  const md = model.metadata.find((m) => m.name === name);
  if (!md) return undefined;
  return model.buffers[md.buffer]?.data;
}

/** `min_runtime_version` as written by the TF converter (a NUL-padded ASCII string such as "1.14.0"). */
export function minRuntimeVersion(model: Model): string | undefined {
  const bytes = metadataBytes(model, 'min_runtime_version');
  if (!bytes) return undefined;
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

/**
 * An offline memory plan ("OfflineMemoryAllocation" metadata, written by e.g. Vela): `[version, num_subgraphs, n,
 * offsets...]`, one arena offset per tensor over all subgraphs in order; -1 means "let the online planner place it".
 */
export interface OfflineMemoryPlan {
  version: number;
  /** As recorded; TFLite Micro ignores it and only checks that n equals the total tensor count. */
  numSubgraphs: number;
  offsets: number[];
}

export const OFFLINE_MEMORY_ALLOCATION = 'OfflineMemoryAllocation';

export function offlineMemoryPlan(model: Model): OfflineMemoryPlan | undefined {
  const bytes = metadataBytes(model, OFFLINE_MEMORY_ALLOCATION);
  if (!bytes) return undefined;
  if (bytes.length < 12 || bytes.length % 4 !== 0) {
    throw new ModelFormatError(`${OFFLINE_MEMORY_ALLOCATION} metadata holds ${bytes.length} bytes, expected a whole number of int32 values (at least 3)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getInt32(0, true);
  const numSubgraphs = view.getInt32(4, true);
  const count = view.getInt32(8, true);
  if (count < 0 || 12 + count * 4 > bytes.length) {
    throw new ModelFormatError(`${OFFLINE_MEMORY_ALLOCATION} metadata announces ${count} offsets but holds ${(bytes.length - 12) / 4}`);
  }
  const offsets = new Array<number>(count);
  for (let i = 0; i < count; i++) offsets[i] = view.getInt32(12 + i * 4, true);
  return { version, numSubgraphs, offsets };
}
