/**
 * Which buffers TFLite Micro plans in the head and when each is alive (AllocationInfoBuilder in
 * micro_allocation_info.cc). Every op opens a new scope; control-flow ops (IF, WHILE, CALL_ONCE) walk their subgraphs
 * inside the op's scope, so tensors used across the call stay alive; scratch buffers live for their op only.
 */
import { BuiltinOperator, type Model } from '../tflite/model';
import { isConstant } from '../tflite/tensor-types';
import { tflmTensorBytes } from './tensor-bytes';

export interface ScratchRequest {
  bytes: number;
  subgraph: number;
  operator: number;
}

export interface AllocationInfo {
  kind: 'tensor' | 'scratch';
  subgraph: number;
  /** Tensor index within its subgraph, or scratch request index. */
  index: number;
  bytes: number;
  firstUse: number;
  lastUse: number;
  needsAllocating: boolean;
  /** From the offline plan; undefined = planned online. */
  offlineOffset?: number;
}

/** Who owns each lifetime scope: scope 0 is the model inputs (operator -1), then one per executed operator. */
export interface ScopeOwner {
  subgraph: number;
  operator: number;
}

export interface Lifetimes {
  infos: AllocationInfo[];
  scopes: ScopeOwner[];
}

export function buildAllocationInfo(model: Model, requests: readonly ScratchRequest[],
  offlineOffsets: Int32Array | undefined): Lifetimes {
  const scopes: ScopeOwner[] = [{ subgraph: 0, operator: -1 }];
  const infos: AllocationInfo[] = [];
  const subgraphStart: number[] = [];
  let offlineIndex = 0;
  model.subgraphs.forEach((sg, s) => {
    subgraphStart.push(infos.length);
    sg.tensors.forEach((t, i) => {
      const bytes = tflmTensorBytes(t);
      const info: AllocationInfo = {
        kind: 'tensor', subgraph: s, index: i, bytes, firstUse: -1, lastUse: -1,
        // A constant points into the flatbuffer: TFLM never plans it.
        needsAllocating: !isConstant(model, t) && !t.isVariable && bytes !== 0,
      };
      if (offlineOffsets) {
        const off = offlineOffsets[offlineIndex++]!;
        if (off !== -1) info.offlineOffset = off;
        if (t.isVariable && off !== -1) info.needsAllocating = true;
      }
      infos.push(info);
    });
  });
  const scratchStart = infos.length;
  requests.forEach((r, i) => {
    infos.push({ kind: 'scratch', subgraph: r.subgraph, index: i, bytes: r.bytes, firstUse: -1, lastUse: -1, needsAllocating: true });
  });

  let scope = 0;
  const first = (info: AllocationInfo, at: number) => { if (info.firstUse === -1) info.firstUse = at; };
  const last = (info: AllocationInfo, at: number) => { info.lastUse = at; };

  const mark = (s: number): void => {
    const sg = model.subgraphs[s];
    if (!sg) return;
    const base = subgraphStart[s]!;
    for (const t of sg.inputs) {
      const info = infos[base + t];
      if (info) { first(info, scope); last(info, scope); }
    }
    sg.operators.forEach((op, i) => {
      scope++;
      scopes[scope] = { subgraph: s, operator: i };
      for (const t of op.outputs) { const info = infos[base + t]; if (info) first(info, scope); }
      const start = scope;
      for (const callee of calledSubgraphs(model, op.opcodeIndex, op.builtinOptions?.table)) {
        scope++;
        scopes[scope] = { subgraph: callee, operator: -1 };
        mark(callee);
      }
      for (const t of op.inputs) { if (t >= 0) { const info = infos[base + t]; if (info) last(info, scope); } }
      for (const t of op.outputs) { const info = infos[base + t]; if (info) last(info, scope); }
      requests.forEach((r, k) => {
        if (r.operator === i && r.subgraph === s) {
          const info = infos[scratchStart + k]!;
          first(info, start);
          last(info, scope);
        }
      });
    });
    for (const t of sg.outputs) {
      const info = infos[base + t];
      if (info) { first(info, scope); last(info, scope); }
    }
  };
  mark(0);
  return { infos, scopes };
}

function calledSubgraphs(model: Model, opcodeIndex: number, options: Record<string, unknown> | undefined): number[] {
  const code = model.operatorCodes[opcodeIndex]?.builtinCode;
  const get = (k: string): number => (typeof options?.[k] === 'number' ? (options[k] as number) : 0);
  switch (code) {
    case BuiltinOperator.IF: return [get('then_subgraph_index'), get('else_subgraph_index')];
    case BuiltinOperator.WHILE: return [get('cond_subgraph_index'), get('body_subgraph_index')];
    case BuiltinOperator.CALL_ONCE: return [get('init_subgraph_index')];
    default: return [];
  }
}
