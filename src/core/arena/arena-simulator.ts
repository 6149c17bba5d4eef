/**
 * Replays TFLite Micro's SingleArenaBufferAllocator for one arena size: persistent allocations move the tail down
 * (`AlignPointerDown(tail - size, align)`, checked only against the head), the head is one resizable buffer at the
 * arena base, and temp allocations grow up from the head. Padding depends on the running tail address, so the
 * steps are replayed in order. The arena base is taken as 16-aligned (address 0), its end at `arenaBytes`.
 */

export type TailCategory =
  | 'runtime'          // allocator, planner and MicroAllocator objects, builtin data allocator, SubgraphAllocations
  | 'eval-tensors'     // TfLiteEvalTensor arrays (every tensor of every subgraph)
  | 'node-registrations'
  | 'op-params'        // TfLite*Params from the flatbuffer parser
  | 'kernel-data'      // kernels' Init/Prepare persistent buffers
  | 'scratch-handles'
  | 'variables'        // variable tensors' buffers
  | 'io-tensors';      // input/output TfLiteTensor structs, pointer arrays and quantization data

export interface TailAllocation {
  bytes: number;
  align: number;
  category: TailCategory;
  /** Operator (subgraph 0 numbering for single-subgraph models) that caused it, when any. */
  operatorIndex?: number;
  subgraph?: number;
}

export type SimStep =
  | { kind: 'tail'; alloc: TailAllocation }
  /** ResizeBuffer of the head; `mustFit` false when TFLM ignores the failure (FinishPrepareNodeAllocations). */
  | { kind: 'resize-head'; bytes: number; mustFit: boolean; what: string }
  | { kind: 'temp'; bytes: number; align: number; what: string; /** bytes of it still read after later persistent allocations (default: all) */ live?: number }
  | { kind: 'reset-temp' }
  /** CommitStaticMemoryPlan's planner scratch: needs `bytesPerBuffer × bufferCount` between temp and tail. */
  | { kind: 'planner'; bufferCount: number; bytesPerBuffer: number; arenaAlignment: number };

export interface SimResult {
  ok: boolean;
  /** Why AllocateTensors() would fail at this size. */
  failure?: string;
  headBytes: number;
  tailBytes: number;
  /** Tail bytes per category, padding attributed to the allocation that caused it. */
  tailByCategory: Map<TailCategory, number>;
}

const alignDown = (v: number, a: number) => Math.floor(v / a) * a;
const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;

export function simulate(steps: readonly SimStep[], arenaBytes: number, collect = false): SimResult {
  const end = arenaBytes;
  let tail = end;
  let head = 0;
  let temp = 0;
  /** End of the temporary memory a persistent allocation must not overwrite. */
  let live = 0;
  const byCategory = new Map<TailCategory, number>();
  const fail = (failure: string): SimResult => ({ ok: false, failure, headBytes: head, tailBytes: end - tail, tailByCategory: byCategory });

  for (const step of steps) {
    switch (step.kind) {
      case 'tail': {
        const next = alignDown(tail - step.alloc.bytes, step.alloc.align);
        if (next < head) return fail(`persistent allocation of ${step.alloc.bytes} bytes (${step.alloc.category}) does not fit`);
        // TFLM checks a persistent allocation against the head only, so it may land on the temporary TfLiteTensors an
        // operator's Prepare still reads (per-channel arrays of a wide layer): AllocateTensors() then fails on garbage
        // ("kernel_util.cc: false was not true") or runs corrupted. The smallest arena that works keeps them apart.
        if (next < live) return fail(`persistent allocation of ${step.alloc.bytes} bytes (${step.alloc.category}) would overwrite the operator's temporary tensors`);
        if (collect) byCategory.set(step.alloc.category, (byCategory.get(step.alloc.category) ?? 0) + (tail - next));
        tail = next;
        break;
      }
      case 'resize-head': {
        if (tail < step.bytes) {
          if (step.mustFit) return fail(`${step.what}: the head needs ${step.bytes} bytes`);
          break;
        }
        head = temp = live = step.bytes;
        break;
      }
      case 'temp': {
        const start = alignUp(temp, step.align);
        // TFLM computes tail - start as size_t: when temp is already past the tail the check wraps and passes.
        if (tail >= start && tail - start < step.bytes) return fail(`${step.what}: temporary allocation of ${step.bytes} bytes does not fit`);
        temp = start + step.bytes;
        live = start + (step.live ?? step.bytes);
        break;
      }
      case 'reset-temp':
        temp = live = head;
        break;
      case 'planner': {
        const available = alignDown(tail, step.arenaAlignment) - alignUp(temp, step.arenaAlignment);
        if (step.bufferCount > 0 && (available < 0 || Math.floor(available / step.bytesPerBuffer) < step.bufferCount)) {
          return fail(`memory planning needs ${step.bytesPerBuffer * step.bufferCount} bytes of scratch for ${step.bufferCount} buffers ("Too many buffers")`);
        }
        temp = live = head;
        break;
      }
    }
  }
  return { ok: true, headBytes: head, tailBytes: end - tail, tailByCategory: byCategory };
}
