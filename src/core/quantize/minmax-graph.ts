/**
 * For min/max calibration only two numbers per tensor matter. Copying every activation out of the runtime costs more
 * than the model itself on conv nets (hundreds of KB per sample); instead, a copy of the model gets one REDUCE_MIN and
 * one REDUCE_MAX over all axes per observed tensor, and only those scalars become outputs.
 */
import { BuiltinOperator, operatorCode, TensorType, type Model, type Operator, type OperatorCode, type Tensor } from '../tflite/index';
import { bytesOf, newBuffer } from './graph';

export interface MinMaxGraph {
  model: Model;
  /** Observed tensor -> [its REDUCE_MIN output, its REDUCE_MAX output]. */
  reductions: Map<number, [number, number]>;
}

export function withMinMaxOutputs(model: Model, tensors: readonly number[]): MinMaxGraph {
  const sg = model.subgraphs[0]!;
  const tensorList: Tensor[] = [...sg.tensors];
  const buffers = [...model.buffers];
  const operatorCodes: OperatorCode[] = [...model.operatorCodes];
  const operators: Operator[] = [...sg.operators];
  const codeIndex = (code: BuiltinOperator): number => {
    const i = operatorCodes.findIndex((c) => c.builtinCode === code && c.customCode === undefined && c.version === 1);
    if (i >= 0) return i;
    operatorCodes.push(operatorCode(code));
    return operatorCodes.length - 1;
  };
  const axesByRank = new Map<number, number>();
  const axes = (rank: number): number => {
    let t = axesByRank.get(rank);
    if (t === undefined) {
      buffers.push(newBuffer(bytesOf(Int32Array.from({ length: rank }, (_, i) => i))));
      tensorList.push({ name: `tinyml_axes_${rank}`, type: TensorType.INT32, shape: [rank], buffer: buffers.length - 1, isVariable: false, hasRank: true, externalBuffer: 0 });
      t = tensorList.length - 1;
      axesByRank.set(rank, t);
    }
    return t;
  };
  const reductions = new Map<number, [number, number]>();
  for (const t of tensors) {
    const source = sg.tensors[t]!;
    const pair = ([BuiltinOperator.REDUCE_MIN, BuiltinOperator.REDUCE_MAX] as const).map((code) => {
      tensorList.push({ name: `tinyml_${code === BuiltinOperator.REDUCE_MIN ? 'min' : 'max'}_${t}`, type: TensorType.FLOAT32, shape: [], buffer: 0, isVariable: false, hasRank: true, externalBuffer: 0 });
      const out = tensorList.length - 1;
      operators.push({
        opcodeIndex: codeIndex(code), inputs: [t, axes(Math.max(1, source.shape.length))], outputs: [out],
        builtinOptions: { type: 'ReducerOptions', table: { keep_dims: false } }, customOptionsFormat: 0, debugMetadataIndex: -1,
      });
      return out;
    }) as [number, number];
    reductions.set(t, pair);
  }
  return {
    model: { ...model, buffers, operatorCodes, subgraphs: model.subgraphs.map((s, i) => (i === 0 ? { ...s, tensors: tensorList, operators } : s)) },
    reductions,
  };
}
