/**
 * The sequence of arena operations `MicroInterpreter::AllocateTensors()` performs for a model (micro_allocator.cc,
 * micro_interpreter.cc, micro_interpreter_graph.cc), as replayable steps, plus the memory plan of the head.
 * Order matters: tail padding depends on the running address, and each phase is checked against the state it sees.
 */
import { BuiltinOperator, type Model, type Tensor } from '../tflite/model';
import { toObject } from 'flatbuffers/js/flexbuffers';
import { buildAllocationInfo, type AllocationInfo, type ScopeOwner, type ScratchRequest } from './allocation-lifetimes';
import type { SimStep, TailAllocation, TailCategory } from './arena-simulator';
import { BUILTIN_PARAMS } from './builtin-params';
import { planGreedy, planSize, type PlannerBuffer } from './greedy-planner';
import { kernelAllocations, type CmsisIsa, type KernelAllocations, type KernelLibrary } from './kernels';
import { readOfflinePlan } from './offline-plan';
import { structLayout } from './struct-layout';
import { tflmTensorBytes } from './tensor-bytes';
import type { TargetLayout } from './target-layout';

/** Scratch requests a single operator may make (kMaxScratchBuffersPerOp). */
export const MAX_SCRATCH_BUFFERS_PER_OP = 12;

export interface OperatorAllocations {
  subgraph: number;
  operatorIndex: number;
  /** sizeof/alignof the builtin params struct the parser allocates, if any. */
  params?: { size: number; align: number };
  kernel: KernelAllocations;
  /** Index of this op's first scratch request in the model-wide request list. */
  firstScratch: number;
}

export interface PlannedBuffer extends PlannerBuffer {
  info: AllocationInfo;
  offset: number;
}

export interface AllocationScript {
  steps: SimStep[];
  operators: OperatorAllocations[];
  requests: ScratchRequest[];
  planned: PlannedBuffer[];
  planBytes: number;
  scopes: ScopeOwner[];
  hasOfflinePlan: boolean;
}

export function buildAllocationScript(model: Model, target: TargetLayout, kernels: KernelLibrary, isa: CmsisIsa): AllocationScript {
  const steps: SimStep[] = [];
  const tail = (bytes: number, align: number, category: TailCategory, extra: Partial<TailAllocation> = {}) =>
    steps.push({ kind: 'tail', alloc: { bytes, align, category, ...extra } });
  const reqBytes = target.scratchBufferRequest.size;
  const S = model.subgraphs.length;

  // MicroInterpreter construction: allocator, planner and MicroAllocator objects live in the tail.
  tail(target.singleArenaBufferAllocator.size, target.singleArenaBufferAllocator.align, 'runtime');
  tail(target.greedyMemoryPlanner.size, target.greedyMemoryPlanner.align, 'runtime');
  tail(target.microAllocator.size, target.microAllocator.align, 'runtime');

  // StartModelAllocation.
  tail(target.microBuiltinDataAllocator.size, target.microBuiltinDataAllocator.align, 'runtime');
  steps.push({ kind: 'resize-head', bytes: reqBytes * MAX_SCRATCH_BUFFERS_PER_OP, mustFit: true, what: 'scratch request array' });
  tail(target.subgraphAllocations.size * S, target.subgraphAllocations.align, 'runtime');
  model.subgraphs.forEach((sg, s) => tail(target.evalTensor.size * sg.tensors.length, target.evalTensor.align, 'eval-tensors', { subgraph: s }));
  model.subgraphs.forEach((sg, s) => tail(target.nodeAndRegistration.size * sg.operators.length, target.nodeAndRegistration.align, 'node-registrations', { subgraph: s }));

  // Per-op queries, computed once.
  const operators: OperatorAllocations[] = [];
  const requests: ScratchRequest[] = [];
  model.subgraphs.forEach((sg, s) => {
    sg.operators.forEach((op, i) => {
      const code = model.operatorCodes[op.opcodeIndex]!;
      let custom: Record<string, unknown> | undefined;
      const kernel = kernelAllocations({
        model, subgraph: s, operatorIndex: i, op, code, target, kernels, isa,
        input: (k) => tensorAt(sg.tensors, op.inputs[k]),
        output: (k) => tensorAt(sg.tensors, op.outputs[k]),
        option: (name) => op.builtinOptions?.table[name],
        customOption: (name) => {
          custom ??= decodeFlexbufferMap(op.customOptions);
          return custom[name];
        },
      });
      const paramsDef = code.builtinCode === BuiltinOperator.CUSTOM ? undefined : BUILTIN_PARAMS.get(code.builtinCode);
      const params = paramsDef ? structLayout(paramsDef, target.abi) : undefined;
      operators.push({ subgraph: s, operatorIndex: i, params, kernel, firstScratch: requests.length });
      for (const bytes of kernel.scratch) requests.push({ bytes, subgraph: s, operator: i });
    });
  });

  // PrepareNodeAndRegistrationDataFromFlatbuffer: builtin params.
  for (const o of operators) {
    if (o.params) tail(o.params.size, o.params.align, 'op-params', { subgraph: o.subgraph, operatorIndex: o.operatorIndex });
  }
  // InitSubgraphs.
  for (const o of operators) {
    for (const bytes of o.kernel.init) tail(bytes, target.arenaAlignment, 'kernel-data', { subgraph: o.subgraph, operatorIndex: o.operatorIndex });
  }
  // PrepareSubgraphs: temp TfLiteTensors, persistent buffers, then the head grows for the next op's requests.
  let requestCount = 0;
  for (const o of operators) {
    const sg = model.subgraphs[o.subgraph]!;
    const op = sg.operators[o.operatorIndex]!;
    // The kernel's temp TfLiteTensors only grow temp (freeing them does not move it back until the op is done), and
    // every struct's alignment divides the head's, so one block of their summed sizes is checked the same way.
    // `live`: where the structs Prepare still reads after its persistent allocations end: every temp tensor up to the
    // last one's TfLiteTensor and, when quantized, the scale and zero_point pointers of its TfLiteAffineQuantization
    // (DeallocateTempTfLiteTensor frees through them); its zero-point array is not read again. Matches real TFLM's
    // smallest working arena on a per-channel FULLY_CONNECTED model, 32- and 64-bit.
    let tempBytes = 0;
    let live = 0;
    for (const t of [...op.inputs, ...op.outputs]) {
      const tensor = tensorAt(sg.tensors, t);
      if (!tensor) continue;
      const start = Math.ceil(tempBytes / target.tfLiteTensor.align) * target.tfLiteTensor.align;
      live = start + target.tfLiteTensor.size;
      if (quantizationChannels(tensor) > 0) live = Math.ceil(live / target.affineQuantization.align) * target.affineQuantization.align + 2 * target.abi.pointerBytes;
      tempBytes = start + tempTensorBytes(tensor, target);
    }
    if (tempBytes > 0) steps.push({ kind: 'temp', bytes: tempBytes, live, align: 1, what: 'temporary TfLiteTensors of the operator' });
    for (const bytes of o.kernel.prepare) tail(bytes, target.arenaAlignment, 'kernel-data', { subgraph: o.subgraph, operatorIndex: o.operatorIndex });
    steps.push({ kind: 'reset-temp' });
    requestCount += o.kernel.scratch.length;
    steps.push({ kind: 'resize-head', bytes: reqBytes * (requestCount + MAX_SCRATCH_BUFFERS_PER_OP), mustFit: false, what: 'scratch request array' });
  }

  // FinishModelAllocation: scratch handles, then CommitStaticMemoryPlan.
  const R = requests.length;
  if (R > 0) tail(target.scratchBufferHandle.size * R, target.scratchBufferHandle.align, 'scratch-handles');
  const totalTensors = model.subgraphs.reduce((n, sg) => n + sg.tensors.length, 0);
  steps.push({ kind: 'temp', bytes: target.sizeT.size * S, align: target.sizeT.align, what: 'subgraph offsets' });
  steps.push({ kind: 'temp', bytes: target.allocationInfo.size * (totalTensors + R), align: target.allocationInfo.align, what: 'AllocationInfo array' });

  const offline = readOfflinePlan(model);
  let offlineIndex = 0;
  model.subgraphs.forEach((sg, s) => {
    for (const t of sg.tensors) {
      const off = offline ? offline[offlineIndex]! : -1;
      offlineIndex++;
      if (t.isVariable && off === -1) tail(tflmTensorBytes(t), target.arenaAlignment, 'variables', { subgraph: s });
    }
  });

  const { infos, scopes } = buildAllocationInfo(model, requests, offline);
  const planned: PlannedBuffer[] = [];
  for (const info of infos) {
    if (!info.needsAllocating) continue;
    const size = Math.ceil(info.bytes / target.arenaAlignment) * target.arenaAlignment;
    planned.push({ info, size, firstUse: info.firstUse, lastUse: info.lastUse, offlineOffset: info.offlineOffset, offset: -1 });
  }
  const offsets = planGreedy(planned);
  planned.forEach((p, k) => { p.offset = offsets[k]!; });
  const planBytes = planSize(planned, offsets);
  steps.push({ kind: 'planner', bufferCount: planned.length, bytesPerBuffer: target.plannerBytesPerBuffer, arenaAlignment: target.arenaAlignment });
  steps.push({ kind: 'resize-head', bytes: 0, mustFit: true, what: 'release of the request array' });
  steps.push({ kind: 'resize-head', bytes: planBytes, mustFit: true, what: 'memory plan' });

  // AllocateTensors: the interpreter's input and output TfLiteTensors.
  const main = model.subgraphs[0];
  if (main) {
    for (const list of [main.inputs, main.outputs]) {
      tail(target.abi.pointerBytes * list.length, target.arenaAlignment, 'io-tensors');
      for (const t of list) {
        const tensor = main.tensors[t];
        tail(target.tfLiteTensor.size, target.tfLiteTensor.align, 'io-tensors');
        const c = tensor ? quantizationChannels(tensor) : 0;
        if (c > 0) {
          tail(target.affineQuantization.size, target.affineQuantization.align, 'io-tensors');
          tail(4 + 4 * c, target.intArrayAlign, 'io-tensors');
        }
      }
    }
  }
  return { steps, operators, requests, planned, planBytes, scopes, hasOfflinePlan: offline !== undefined };
}

function tensorAt(tensors: readonly Tensor[], index: number | undefined): Tensor | undefined {
  return index === undefined || index < 0 ? undefined : tensors[index];
}

/** Channels of the TfLiteAffineQuantization TFLM builds: only when both scale and zero_point are non-empty. */
function quantizationChannels(t: Tensor): number {
  const q = t.quantization;
  return q && q.scale.length > 0 && q.zeroPoint.length > 0 ? q.scale.length : 0;
}

/** A temp TfLiteTensor plus, when quantized, its TfLiteAffineQuantization and zero-point array (aligned in sequence); where the last ends. */
function tempTensorBytes(t: Tensor, target: TargetLayout): number {
  let end = target.tfLiteTensor.size;
  const c = quantizationChannels(t);
  if (c > 0) {
    end = Math.ceil(end / target.affineQuantization.align) * target.affineQuantization.align + target.affineQuantization.size;
    end = Math.ceil(end / target.intArrayAlign) * target.intArrayAlign + 4 + 4 * c;
  }
  return end;
}

function decodeFlexbufferMap(bytes: Uint8Array | undefined): Record<string, unknown> {
  if (!bytes || bytes.length === 0) return {};
  try {
    const copy = bytes.slice().buffer;
    const value = toObject(copy);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
