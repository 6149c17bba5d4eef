/**
 * Intermediate tensors cannot be read from LiteRT directly. Making them extra outputs of a copy of the model lets one
 * run return them all (this is how calibration reads every activation). Operators, weights and the original
 * outputs are untouched, so the original outputs keep their values.
 */
import type { Model, SignatureDef, SubGraph } from '../tflite/model';
import { RuntimeError } from './errors';

/** Prefix of the signature output names given to extra outputs. */
export const EXTRA_OUTPUT_PREFIX = 'tinyml_tensor_';

function checkedSubgraph(model: Model, subgraph: number): SubGraph {
  const sg = model.subgraphs[subgraph];
  if (!sg) throw new RuntimeError('invalid-input', `subgraph ${subgraph} does not exist; the model has ${model.subgraphs.length}.`);
  return sg;
}

/** The tensors that become new outputs: requested ones that are not outputs already, without repeats. */
export function newOutputTensors(model: Model, tensorIndices: readonly number[], subgraph = 0): number[] {
  const sg = checkedSubgraph(model, subgraph);
  const added: number[] = [];
  for (const t of tensorIndices) {
    if (!Number.isInteger(t) || t < 0 || t >= sg.tensors.length) {
      throw new RuntimeError('invalid-input', `tensor ${t} does not exist in subgraph ${subgraph}, which has ${sg.tensors.length} tensors.`);
    }
    if (!sg.outputs.includes(t) && !added.includes(t)) added.push(t);
  }
  return added;
}

/** The signature output name used for tensor `t` in `sig`: unique among the signature's names. */
export function extraOutputName(sig: SignatureDef, t: number): string {
  const taken = new Set(sig.outputs.map((o) => o.name));
  let name = `${EXTRA_OUTPUT_PREFIX}${t}`;
  while (taken.has(name)) name += '_';
  return name;
}

/**
 * A copy of `model` in which `tensorIndices` are also outputs of `subgraph`, appended after the existing outputs,
 * and also outputs of every signature over that subgraph (named `tinyml_tensor_<index>`). Pure: the input model is
 * not modified, and arrays not changed are shared with it.
 */
export function withExtraOutputs(model: Model, tensorIndices: readonly number[], subgraph = 0): Model {
  const added = newOutputTensors(model, tensorIndices, subgraph);
  const subgraphs = model.subgraphs.map((sg, i) => (i === subgraph ? { ...sg, outputs: [...sg.outputs, ...added] } : sg));
  const signatureDefs = model.signatureDefs.map((sig) => {
    if (sig.subgraphIndex !== subgraph || added.length === 0) return sig;
    const copy: SignatureDef = { ...sig, outputs: [...sig.outputs] };
    for (const t of added) copy.outputs.push({ name: extraOutputName(copy, t), tensorIndex: t });
    return copy;
  });
  return { ...model, subgraphs, signatureDefs };
}
