/**
 * The offline memory plan: a metadata entry named exactly "OfflineMemoryAllocation" whose buffer holds int32 values
 * `[version, subgraph_count, n, offset_0 … offset_{n-1}]`, one offset per tensor over all subgraphs, -1 = plan online
 * (TFLM micro_allocation_info.cc GetOfflinePlannedOffsets; docs/offline_memory_plan.md).
 */
import type { Model } from '../tflite/model';

export const OFFLINE_PLAN_METADATA = 'OfflineMemoryAllocation';

export class OfflinePlanError extends Error {
  override readonly name = 'OfflinePlanError';
}

/** The per-tensor offsets (all subgraphs concatenated), or undefined when the model has no offline plan. */
export function readOfflinePlan(model: Model): Int32Array | undefined {
  let offsets: Int32Array | undefined;
  for (const entry of model.metadata) {
    if (entry.name !== OFFLINE_PLAN_METADATA) continue;
    const data = model.buffers[entry.buffer]?.data;
    if (!data || data.length < 12) {
      throw new OfflinePlanError(`metadata "${OFFLINE_PLAN_METADATA}" points to buffer ${entry.buffer}, which holds no plan`);
    }
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const n = view.getUint32(8, true);
    if (12 + 4 * n > data.length) {
      throw new OfflinePlanError(`metadata "${OFFLINE_PLAN_METADATA}" declares ${n} offsets but its buffer holds ${(data.length - 12) / 4}`);
    }
    const total = model.subgraphs.reduce((s, g) => s + g.tensors.length, 0);
    if (n !== total) {
      throw new OfflinePlanError(`the offline memory plan has ${n} offsets but the model has ${total} tensors; TFLite Micro rejects it in AllocateTensors(). Re-run the tool that wrote the plan (e.g. Vela) on this model`);
    }
    offsets = new Int32Array(n);
    for (let i = 0; i < n; i++) offsets[i] = view.getInt32(12 + 4 * i, true);
  }
  return offsets;
}
