/**
 * Operator numbers as the user's file has them. The quantizer works on a prepared copy of the model: constant
 * DEQUANTIZEs folded into float weights (hybrid.ts) and ARG_MAX / ARG_MIN output heads taken off (index-heads.ts), so
 * its operators are numbered differently from the file the user opens in the inspector. Messages and the report name
 * operators by the model as given, matched by the operator's first output tensor, whose name preparing keeps.
 */
import { opcodeName, type Model } from '../tflite/index';

/** The prepared model's operator i → its number in the model as given (i itself where no operator matches). */
export type OpNumbering = (preparedIndex: number) => number;

export const SAME_NUMBERING: OpNumbering = (i) => i;

export function givenNumbering(given: Model, prepared: Model): OpNumbering {
  const gsg = given.subgraphs[0], psg = prepared.subgraphs[0];
  if (!gsg || !psg || given === prepared) return SAME_NUMBERING;
  const byOutput = new Map<string, number>();
  gsg.operators.forEach((op, i) => {
    const name = gsg.tensors[op.outputs[0] ?? -1]?.name;
    if (name !== undefined && !byOutput.has(name)) byOutput.set(name, i);
  });
  const numbers = psg.operators.map((op, i) => byOutput.get(psg.tensors[op.outputs[0] ?? -1]?.name ?? '') ?? i);
  return (i) => numbers[i] ?? i;
}

/** "CONV_2D #12": the prepared model's operator i, numbered as in the model as given. */
export function opName(model: Model, index: number, numbering: OpNumbering = SAME_NUMBERING): string {
  const op = model.subgraphs[0]!.operators[index]!;
  return `${opcodeName(model.operatorCodes[op.opcodeIndex]!)} #${numbering(index)}`;
}
