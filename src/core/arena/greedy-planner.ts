/**
 * A faithful port of TFLite Micro's GreedyMemoryPlanner (memory_planner/greedy_memory_planner.cc). Its quirks decide
 * the head size, so they are kept exactly: offline buffers first in index order, online buffers collected from the back
 * (reverse index order) and then stably bubble-sorted by descending size, so among equal sizes the later-added buffer
 * is placed first; each online buffer is first-fitted into the gaps between buffers that overlap it in time.
 */

export interface PlannerBuffer {
  /** Size in bytes, already rounded up to the arena alignment. */
  size: number;
  firstUse: number;
  lastUse: number;
  /** Fixed offset from an offline plan, or undefined to plan online. */
  offlineOffset?: number;
}

interface Entry {
  offset: number;
  id: number;
  next: number;
}

/** Offsets for each buffer, in the order given, as the planner would assign them. */
export function planGreedy(buffers: readonly PlannerBuffer[]): number[] {
  const count = buffers.length;
  const offsets = new Array<number>(count).fill(-1);
  if (count === 0) return offsets;

  const sizes = new Array<number>(count);
  const ids = new Array<number>(count);
  let fromTail = count;
  let fromHead = 0;
  for (let i = 0; i < count; i++) {
    const b = buffers[i]!;
    if (b.offlineOffset === undefined) {
      fromTail--;
      sizes[fromTail] = b.size;
      ids[fromTail] = i;
    } else {
      sizes[fromHead] = b.size;
      ids[fromHead] = i;
      offsets[i] = b.offlineOffset;
      fromHead++;
    }
  }
  reverseSortInPlace(sizes, ids, fromHead, count);

  const entries: Entry[] = [];
  let firstIndex = 0;
  const firstId = ids[0]!;
  if (buffers[firstId]!.offlineOffset === undefined) offsets[firstId] = 0;
  entries.push({ offset: offsets[firstId]!, id: firstId, next: -1 });

  for (let i = 1; i < count; i++) {
    const id = ids[i]!;
    const wanted = buffers[id]!;
    let candidate = 0;
    if (wanted.offlineOffset === undefined) {
      let prior: Entry | undefined;
      for (;;) {
        const next = nextActive(entries, firstIndex, prior, buffers, wanted.firstUse, wanted.lastUse);
        if (prior) {
          const end = prior.offset + buffers[prior.id]!.size;
          if (end > candidate) candidate = end;
        }
        if (!next) break;
        if (next.offset - candidate >= wanted.size) break;
        prior = next;
      }
    } else {
      candidate = wanted.offlineOffset;
    }
    offsets[id] = candidate;

    const newIndex = entries.length;
    const entry: Entry = { offset: candidate, id, next: -1 };
    entries.push(entry);
    const first = entries[firstIndex]!;
    if (first.offset > candidate) {
      entry.next = firstIndex;
      firstIndex = newIndex;
    } else {
      let current = first;
      for (;;) {
        if (current.next === -1) {
          current.next = newIndex;
          break;
        }
        const following = entries[current.next]!;
        if (following.offset > candidate) {
          entry.next = current.next;
          current.next = newIndex;
          break;
        }
        current = following;
      }
    }
  }
  return offsets;
}

/** The largest offset + size: the head (non-persistent) size of the plan. */
export function planSize(buffers: readonly PlannerBuffer[], offsets: readonly number[]): number {
  let max = 0;
  for (let i = 0; i < buffers.length; i++) max = Math.max(max, offsets[i]! + buffers[i]!.size);
  return max;
}

function nextActive(entries: Entry[], firstIndex: number, start: Entry | undefined, buffers: readonly PlannerBuffer[],
  firstUse: number, lastUse: number): Entry | undefined {
  let index = start === undefined ? firstIndex : start.next;
  while (index !== -1) {
    const e = entries[index]!;
    const b = buffers[e.id]!;
    if (!(b.firstUse > lastUse || firstUse > b.lastUse)) return e;
    index = e.next;
  }
  return undefined;
}

/**
 * TFLM's ReverseSortInPlace is a bubble sort that swaps only strictly smaller neighbours, i.e. a stable descending
 * sort over [from, to); a stable sort gives the same order (and ties) in O(n log n).
 */
function reverseSortInPlace(values: number[], ids: number[], from: number, to: number): void {
  const idx: number[] = [];
  for (let i = from; i < to; i++) idx.push(i - from);
  const v = values.slice(from, to);
  const d = ids.slice(from, to);
  idx.sort((a, b) => (v[b]! - v[a]!) || (a - b));
  for (let k = 0; k < idx.length; k++) {
    values[from + k] = v[idx[k]!]!;
    ids[from + k] = d[idx[k]!]!;
  }
}
