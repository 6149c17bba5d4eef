/** Building an entry of a model's operator-code table, the one way every writer of operators does it. */
import type { BuiltinOperator, OperatorCode } from './model';

/** deprecated_builtin_code is an int8: 127 (PLACEHOLDER_FOR_GREATER_OP_CODES) says "read builtin_code instead". */
const DEPRECATED_CODE_LIMIT = 127;

/** The entry as the TFLite converter writes it, readable by old runtimes for codes below 127. */
export function operatorCode(builtinCode: BuiltinOperator, version = 1, customCode?: string): OperatorCode {
  const code: OperatorCode = { builtinCode, deprecatedBuiltinCode: Math.min(builtinCode, DEPRECATED_CODE_LIMIT), version };
  if (customCode !== undefined) code.customCode = customCode;
  return code;
}
