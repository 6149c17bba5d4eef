/**
 * Activation memory along the execution order, for the inspector's Memory view: for each operator, the bytes of the
 * activation tensors alive while it runs (its inputs, its outputs and everything produced earlier and read later).
 * That sum is what any arena plan must hold at that step; the real plan (estimateArena) adds alignment, gaps,
 * scratch buffers and the persistent tail.
 */
import type { OperatorRow, TensorRow } from './tables';

export interface ActivationStep {
  op: number;
  opcode: string;
  /** Bytes of activation tensors alive during this operator. */
  liveBytes: number;
  /** Bytes this operator writes (all its outputs). */
  outputBytes: number;
}

export interface ActivationTimeline {
  steps: ActivationStep[];
  peakBytes: number;
  /** Operator at the peak; -1 when the subgraph has no operators. */
  peakOp: number;
}

export function activationTimeline(operators: readonly OperatorRow[], tensors: readonly TensorRow[], outputs: readonly number[]): ActivationTimeline {
  const n = operators.length;
  // Difference array over steps: +bytes where a tensor becomes live, -bytes after its last use.
  const delta = new Float64Array(n + 1);
  const isOutput = new Set(outputs);
  for (const t of tensors) {
    if (t.constant || t.bytes === 0) continue;
    const used = t.consumers.length > 0 || t.producer !== undefined;
    if (!used) continue;
    const first = t.producer ?? 0;
    let last = t.consumers.length ? t.consumers[t.consumers.length - 1]! : first;
    if (isOutput.has(t.index)) last = n - 1;
    if (last < first) last = first;
    delta[first]! += t.bytes;
    delta[last + 1]! -= t.bytes;
  }
  const steps: ActivationStep[] = [];
  let live = 0;
  let peakBytes = 0;
  let peakOp = -1;
  for (const op of operators) {
    live += delta[op.index]!;
    const outputBytes = op.outputs.reduce((sum, t) => sum + (t >= 0 ? tensors[t]?.bytes ?? 0 : 0), 0);
    steps.push({ op: op.index, opcode: op.opcode, liveBytes: live, outputBytes });
    if (live > peakBytes) { peakBytes = live; peakOp = op.index; }
  }
  return { steps, peakBytes, peakOp };
}
