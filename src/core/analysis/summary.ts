import {
  integerRange, isConstant, minRuntimeVersion, opcodeName, tensorByteSize, tensorTypeName, elementCount,
  type Model, type QuantParams, type SubGraph, type ModelWarning,
} from '../tflite';
import { operatorMacs } from './op-cost';

/** A model input or output as firmware sees it: the numbers needed to (de)quantize it. */
export interface IoTensorSummary {
  index: number;
  name: string;
  shape: number[];
  shapeSignature?: number[];
  type: string;
  bytes: number;
  /** Per-tensor quantization (absent for float tensors). */
  scale?: number;
  zeroPoint?: number;
  /** Real values the quantized type can represent: [(qmin - zp) * scale, (qmax - zp) * scale]. */
  realRange?: [number, number];
}

export interface OperatorSummary {
  subgraph: number;
  index: number;
  /** Schema enum name (CONV_2D) or CUSTOM:<code>. */
  opcode: string;
  version: number;
  inputs: number[];
  outputs: number[];
  fusedActivation?: string;
  macs: number;
  /** Bytes of the first output tensor. */
  outputBytes: number;
}

export interface SubgraphSummary {
  index: number;
  name?: string;
  tensorCount: number;
  operatorCount: number;
  inputs: number[];
  outputs: number[];
}

export interface ModelSummary {
  fileBytes?: number;
  schemaVersion: number;
  description?: string;
  minRuntimeVersion?: string;
  signatures: { key: string; subgraph: number; inputs: string[]; outputs: string[] }[];
  subgraphs: SubgraphSummary[];
  inputs: IoTensorSummary[];
  outputs: IoTensorSummary[];
  operators: OperatorSummary[];
  /** Operator count per opcode name, over all subgraphs, most frequent first. */
  opHistogram: Record<string, number>;
  tensorCount: number;
  /** Elements in constant tensors (weights, biases and constant operands). */
  paramCount: number;
  /** Bytes of constant data per tensor type name (each buffer counted once). */
  weightBytesByType: Record<string, number>;
  weightBytes: number;
  /** Constant tensors stored sparse (pruned weights): their bytes above are the stored ones, their parameters dense. */
  sparseTensors: number;
  macs: number;
  warnings: ModelWarning[];
}

function ioSummary(g: SubGraph, index: number): IoTensorSummary {
  const t = g.tensors[index]!;
  const type = tensorTypeName(t.type);
  const s: IoTensorSummary = { index, name: t.name, shape: [...t.shape], type, bytes: tensorByteSize(t.type, t.shape) ?? 0 };
  if (t.shapeSignature) s.shapeSignature = [...t.shapeSignature];
  const q = perTensorQuant(t.quantization);
  if (q) {
    s.scale = q.scale;
    s.zeroPoint = q.zeroPoint;
    const r = integerRange(t.type);
    if (r) s.realRange = [(r[0] - q.zeroPoint) * q.scale, (r[1] - q.zeroPoint) * q.scale];
  }
  return s;
}

function perTensorQuant(q: QuantParams | undefined): { scale: number; zeroPoint: number } | undefined {
  if (!q || q.scale.length === 0) return undefined;
  return { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0] ?? 0 };
}

/**
 * Everything the CLI and the inspector's overview show, from the model structure alone: no weight bytes are read,
 * so it costs the same for a 3 KB and a 30 MB model with the same graph.
 */
export function summarizeModel(model: Model, opts: { fileBytes?: number; warnings?: ModelWarning[] } = {}): ModelSummary {
  const histogram = new Map<string, number>();
  const operators: OperatorSummary[] = [];
  const weightBytesByType: Record<string, number> = {};
  const countedBuffers = new Set<number>();
  let tensorCount = 0;
  let paramCount = 0;
  let weightBytes = 0;
  let sparseTensors = 0;
  let macs = 0;

  model.subgraphs.forEach((g, s) => {
    tensorCount += g.tensors.length;
    for (const t of g.tensors) {
      if (!isConstant(model, t)) continue;
      paramCount += elementCount(t.shape);
      if (t.sparsity) sparseTensors++;
      if (countedBuffers.has(t.buffer)) continue;
      countedBuffers.add(t.buffer);
      const bytes = model.buffers[t.buffer]!.data.length;
      const type = tensorTypeName(t.type);
      weightBytesByType[type] = (weightBytesByType[type] ?? 0) + bytes;
      weightBytes += bytes;
    }
    g.operators.forEach((op, i) => {
      const code = model.operatorCodes[op.opcodeIndex]!;
      const name = opcodeName(code);
      histogram.set(name, (histogram.get(name) ?? 0) + 1);
      const opMacs = operatorMacs(model, g, op);
      macs += opMacs;
      const out = op.outputs[0] !== undefined && op.outputs[0] >= 0 ? g.tensors[op.outputs[0]] : undefined;
      const summary: OperatorSummary = {
        subgraph: s, index: i, opcode: name, version: code.version, inputs: [...op.inputs], outputs: [...op.outputs],
        macs: opMacs, outputBytes: out ? tensorByteSize(out.type, out.shape) ?? 0 : 0,
      };
      const act = op.builtinOptions?.table['fused_activation_function'];
      if (typeof act === 'string' && act !== 'NONE') summary.fusedActivation = act;
      operators.push(summary);
    });
  });

  const main = model.subgraphs[0]!;
  const summary: ModelSummary = {
    schemaVersion: model.version,
    signatures: model.signatureDefs.map((sd) => ({
      key: sd.signatureKey, subgraph: sd.subgraphIndex, inputs: sd.inputs.map((m) => m.name), outputs: sd.outputs.map((m) => m.name),
    })),
    subgraphs: model.subgraphs.map((g, index) => ({
      index, ...(g.name !== undefined ? { name: g.name } : {}), tensorCount: g.tensors.length, operatorCount: g.operators.length,
      inputs: [...g.inputs], outputs: [...g.outputs],
    })),
    inputs: main.inputs.map((i) => ioSummary(main, i)),
    outputs: main.outputs.map((i) => ioSummary(main, i)),
    operators,
    opHistogram: Object.fromEntries([...histogram].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    tensorCount,
    paramCount,
    weightBytesByType,
    weightBytes,
    sparseTensors,
    macs,
    warnings: opts.warnings ?? [],
  };
  if (opts.fileBytes !== undefined) summary.fileBytes = opts.fileBytes;
  if (model.description !== undefined) summary.description = model.description;
  const mrv = minRuntimeVersion(model);
  if (mrv) summary.minRuntimeVersion = mrv;
  return summary;
}

