import { BuiltinOperator, operatorCode, TensorType, type Buffer, type Model, type Operator, type OperatorCode, type Tensor } from '../../src/core/tflite';

/** A tensor for hand-made models: activations unless `data` is given. */
export function t(name: string, shape: number[], type: TensorType = TensorType.FLOAT32, extra: Partial<Tensor> = {}): Tensor {
  return { name, shape, type, buffer: 0, isVariable: false, hasRank: true, externalBuffer: 0, ...extra };
}

export interface OpSpec {
  code: BuiltinOperator;
  custom?: string;
  inputs: number[];
  outputs: number[];
  options?: Operator['builtinOptions'];
}

/**
 * One-subgraph model from tensors and ops. `constants` maps tensor index -> bytes (given a buffer of their own);
 * `metadata` adds named buffers (e.g. an offline memory plan).
 */
export function handMadeModel(spec: {
  tensors: Tensor[]; ops: OpSpec[]; inputs: number[]; outputs: number[];
  constants?: Record<number, Uint8Array>; metadata?: Record<string, Uint8Array>;
}): Model {
  const buffers: Buffer[] = [{ data: new Uint8Array(0), offset: 0n, size: 0n }];
  const tensors = spec.tensors.map((x, i) => {
    const data = spec.constants?.[i];
    if (!data) return x;
    buffers.push({ data, offset: 0n, size: 0n });
    return { ...x, buffer: buffers.length - 1 };
  });
  const codes: OperatorCode[] = [];
  const operators: Operator[] = spec.ops.map((o) => {
    let index = codes.findIndex((c) => c.builtinCode === o.code && c.customCode === o.custom);
    if (index < 0) {
      codes.push(operatorCode(o.code, 1, o.custom));
      index = codes.length - 1;
    }
    return { opcodeIndex: index, inputs: o.inputs, outputs: o.outputs, builtinOptions: o.options, customOptionsFormat: 0, debugMetadataIndex: -1 };
  });
  const metadata = Object.entries(spec.metadata ?? {}).map(([name, data]) => {
    buffers.push({ data, offset: 0n, size: 0n });
    return { name, buffer: buffers.length - 1 };
  });
  return {
    version: 3, operatorCodes: codes, buffers, metadata, signatureDefs: [],
    subgraphs: [{ tensors, operators, inputs: spec.inputs, outputs: spec.outputs, debugMetadataIndex: -1 }],
  };
}

/** The int32 payload of an "OfflineMemoryAllocation" metadata buffer. */
export function offlinePlan(offsets: number[]): Uint8Array {
  return new Uint8Array(Int32Array.from([1, 1, offsets.length, ...offsets]).buffer);
}

export function bytes(n: number): Uint8Array {
  return new Uint8Array(n).fill(1);
}
