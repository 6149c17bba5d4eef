/**
 * Which tensor of the model each runtime input/output is. LiteRT names them by signature name when the model has
 * signatures, else by tensor name, and orders them by its own rules: match by name, never by position alone.
 */
import type { Model, TensorMap } from '../tflite/model';
import { RuntimeError } from './errors';

function match(model: Model, runtimeNames: readonly string[], which: 'inputs' | 'outputs'): number[] {
  const sig = model.signatureDefs[0];
  let candidates: TensorMap[];
  if (sig) {
    candidates = sig[which];
  } else {
    const sg = model.subgraphs[0];
    if (!sg) throw new RuntimeError('load-failed', 'the model has no subgraph.');
    candidates = sg[which].map((t) => ({ name: sg.tensors[t]?.name ?? '', tensorIndex: t }));
    // Without signatures LiteRT lists the subgraph's tensors in order: when the names agree, positions are safe
    // even if two tensors share a name.
    if (candidates.length === runtimeNames.length && candidates.every((c, i) => c.name === runtimeNames[i])) {
      return candidates.map((c) => c.tensorIndex);
    }
  }
  return runtimeNames.map((name) => {
    const found = candidates.filter((c) => c.name === name);
    if (found.length !== 1) {
      throw new RuntimeError(
        'load-failed',
        `cannot tell which tensor the runtime ${which.slice(0, -1)} "${name}" is: ${found.length} ${which} of the model have that name`
          + `${sig ? ` in its signature "${sig.signatureKey}"` : ''}. The file's names disagree (damaged or hand-edited): convert or export the model again.`,
      );
    }
    return found[0]!.tensorIndex;
  });
}

/** Tensor index (in subgraph 0) of each runtime input, in runtime order. */
export function inputTensorIndices(model: Model, runtimeNames: readonly string[]): number[] {
  return match(model, runtimeNames, 'inputs');
}

/** Tensor index (in subgraph 0) of each runtime output, in runtime order. */
export function outputTensorIndices(model: Model, runtimeNames: readonly string[]): number[] {
  return match(model, runtimeNames, 'outputs');
}
