/** Human names for the schema's enums, as spelled in schema.fbs (CONV_2D, INT8, ...). */
import { BuiltinOperator } from './generated/tflite/builtin-operator';
import { TensorType } from './generated/tflite/tensor-type';
import type { Model, Operator, OperatorCode } from './model';

export function builtinOperatorName(code: number): string {
  return BuiltinOperator[code] ?? `BUILTIN_${code}`;
}

export function tensorTypeName(type: number): string {
  return TensorType[type] ?? `TYPE_${type}`;
}

/** `CONV_2D`, or `CUSTOM:<code>` for custom operators. */
export function opcodeName(code: OperatorCode): string {
  return code.builtinCode === BuiltinOperator.CUSTOM ? `CUSTOM:${code.customCode ?? ''}` : builtinOperatorName(code.builtinCode);
}

export function operatorCode(model: Model, op: Operator): OperatorCode {
  const code = model.operatorCodes[op.opcodeIndex];
  if (!code) throw new RangeError(`operator refers to opcode ${op.opcodeIndex}, model has ${model.operatorCodes.length}`);
  return code;
}

export function operatorName(model: Model, op: Operator): string {
  return opcodeName(operatorCode(model, op));
}
