/**
 * The op resolver a runner needs: one `tflite::MicroMutableOpResolver` registration per distinct operator of the
 * model, with the method the operator registry (tflite/operators.ts) names, or a note that the user must add one.
 */
import { BuiltinOperator, type Model, type OperatorCode } from '../tflite/model';
import { builtinOperatorName } from '../tflite/names';
import { operatorInfo, TFLM_CUSTOM_OPERATORS } from '../tflite/operators';

export type ResolverEntry =
  /** Registered by a resolver method, e.g. `AddConv2D`. */
  | { kind: 'method'; op: string; method: string }
  /** A custom op TFLite Micro does not ship: the user registers a kernel with AddCustom. */
  | { kind: 'custom'; op: string; customCode: string }
  /** A builtin with no TFLite Micro kernel. */
  | { kind: 'unsupported'; op: string };

export interface ResolverPlan {
  /** One entry per distinct operator, in order of first use. */
  entries: ResolverEntry[];
  /** The resolver capacity: every distinct operator takes one slot, including ones the user must add by hand. */
  size: number;
}

function entryFor(code: OperatorCode): ResolverEntry {
  if (code.builtinCode === BuiltinOperator.CUSTOM) {
    const customCode = code.customCode ?? '';
    const method = TFLM_CUSTOM_OPERATORS[customCode];
    return method ? { kind: 'method', op: customCode, method } : { kind: 'custom', op: customCode, customCode };
  }
  const op = builtinOperatorName(code.builtinCode);
  const method = operatorInfo(op).tflm;
  return method ? { kind: 'method', op, method } : { kind: 'unsupported', op };
}

/**
 * The distinct operators the model's operators use (all subgraphs, so WHILE/IF bodies count), each mapped to its
 * registration. Two opcodes of the same operator at different versions need one registration.
 */
export function planResolver(model: Model): ResolverPlan {
  const byKey = new Map<string, ResolverEntry>();
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      const code = model.operatorCodes[op.opcodeIndex];
      if (!code) continue;
      const key = code.builtinCode === BuiltinOperator.CUSTOM ? `custom:${code.customCode ?? ''}` : `builtin:${code.builtinCode}`;
      if (!byKey.has(key)) byKey.set(key, entryFor(code));
    }
  }
  const entries = [...byKey.values()];
  return { entries, size: entries.length };
}
