/**
 * Outputs whose shape TFLite only learns while running ("dynamic tensors"). LiteRT.js binds its own buffer to each
 * output before running and does not notice when TFLite reallocates a dynamic one: the caller gets uninitialized
 * memory back, without any error. Such outputs are found here from the model structure so they can be refused.
 */
import { BuiltinOperator, type Model } from '../tflite/model';
import { isConstant } from '../tflite/tensor-types';

/**
 * For each operator type, the inputs that determine the output shape: when one of them is not a constant, TFLite
 * makes the output dynamic. `'all'` marks operators whose output size depends on the data itself.
 */
const SHAPE_INPUTS: Partial<Record<BuiltinOperator, readonly number[] | 'all'>> = {
  [BuiltinOperator.RESHAPE]: [1],
  [BuiltinOperator.TRANSPOSE_CONV]: [0],
  [BuiltinOperator.CONV_3D_TRANSPOSE]: [0],
  [BuiltinOperator.FILL]: [0],
  [BuiltinOperator.BROADCAST_TO]: [1],
  [BuiltinOperator.SLICE]: [1, 2],
  [BuiltinOperator.STRIDED_SLICE]: [1, 2, 3],
  [BuiltinOperator.PAD]: [1],
  [BuiltinOperator.PADV2]: [1],
  [BuiltinOperator.MIRROR_PAD]: [1],
  [BuiltinOperator.RESIZE_BILINEAR]: [1],
  [BuiltinOperator.RESIZE_NEAREST_NEIGHBOR]: [1],
  [BuiltinOperator.TILE]: [1],
  [BuiltinOperator.EXPAND_DIMS]: [1],
  [BuiltinOperator.TRANSPOSE]: [1],
  [BuiltinOperator.MEAN]: [1],
  [BuiltinOperator.SUM]: [1],
  [BuiltinOperator.REDUCE_PROD]: [1],
  [BuiltinOperator.REDUCE_MAX]: [1],
  [BuiltinOperator.REDUCE_MIN]: [1],
  [BuiltinOperator.REDUCE_ANY]: [1],
  [BuiltinOperator.REDUCE_ALL]: [1],
  [BuiltinOperator.ARG_MAX]: [1],
  [BuiltinOperator.ARG_MIN]: [1],
  [BuiltinOperator.SPLIT]: [0],
  [BuiltinOperator.SPLIT_V]: [1, 2],
  [BuiltinOperator.SPACE_TO_BATCH_ND]: [1, 2],
  [BuiltinOperator.BATCH_TO_SPACE_ND]: [1, 2],
  [BuiltinOperator.ONE_HOT]: [1],
  [BuiltinOperator.SCATTER_ND]: [2],
  [BuiltinOperator.RANGE]: [0, 1, 2],
  [BuiltinOperator.WHERE]: 'all',
  [BuiltinOperator.UNIQUE]: 'all',
  [BuiltinOperator.NON_MAX_SUPPRESSION_V4]: 'all',
  [BuiltinOperator.NON_MAX_SUPPRESSION_V5]: 'all',
};

export interface DynamicOutput {
  tensor: number;
  /** Index of the operator that produces it. */
  operator: number;
  operatorName: string;
  /** The non-constant inputs that set its shape (empty when the data itself decides). */
  shapeInputs: number[];
}

/** Which of `tensors` (default: the subgraph's outputs) TFLite will allocate dynamically. */
export function dynamicOutputs(model: Model, subgraph = 0, tensors?: readonly number[]): DynamicOutput[] {
  const sg = model.subgraphs[subgraph];
  if (!sg) return [];
  const wanted = new Set(tensors ?? sg.outputs);
  const constant = (t: number): boolean => { const x = sg.tensors[t]; return !!x && isConstant(model, x); };
  const found: DynamicOutput[] = [];
  sg.operators.forEach((op, index) => {
    const produced = op.outputs.filter((t) => wanted.has(t));
    if (produced.length === 0) return;
    const code = model.operatorCodes[op.opcodeIndex]?.builtinCode;
    const rule = code === undefined ? undefined : SHAPE_INPUTS[code];
    if (!rule) return;
    const shapeInputs = rule === 'all' ? [] : rule.map((i) => op.inputs[i] ?? -1).filter((t) => t >= 0 && !constant(t));
    if (rule !== 'all' && shapeInputs.length === 0) return;
    for (const tensor of produced) found.push({ tensor, operator: index, operatorName: BuiltinOperator[code!] ?? String(code), shapeInputs });
  });
  return found;
}
