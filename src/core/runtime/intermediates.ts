/**
 * Runs a model once and returns chosen intermediate tensors along with its outputs, by running a copy of the model in
 * which those tensors are extra outputs (see extra-outputs.ts).
 */
import { readModel, writeModel } from '../tflite/index';
import type { Model } from '../tflite/model';
import type { RuntimeTypedArray } from './element-types';
import { RuntimeError } from './errors';
import { newOutputTensors, withExtraOutputs } from './extra-outputs';
import { inputTensorIndices, outputTensorIndices } from './io-tensors';
import { loadRuntimeModel, type LoadOptions } from './litert';

export interface IntermediatesResult {
  /** The model's own outputs, in the order run() of the unmodified model returns them, with the same values. */
  outputs: RuntimeTypedArray[];
  /** Tensor index of each entry of `outputs`. */
  outputTensors: number[];
  /** Every requested tensor of subgraph 0, by tensor index (a requested input is the caller's own array). */
  intermediates: Map<number, RuntimeTypedArray>;
}

/**
 * @param source the model file or its decoded form
 * @param inputs in the order `loadRuntimeModel(source).inputs` lists them
 * @param tensorIndices tensors of subgraph 0 to return (activations, constants, inputs or outputs)
 */
export async function runWithIntermediates(
  source: Uint8Array | Model,
  inputs: readonly RuntimeTypedArray[],
  tensorIndices: readonly number[],
  opts: LoadOptions = {},
): Promise<IntermediatesResult> {
  const model = source instanceof Uint8Array ? readModel(source) : source;
  const sg = model.subgraphs[0];
  if (!sg) throw new RuntimeError('load-failed', `${opts.name ?? 'the model'} has no subgraph.`);
  // Inputs are returned as given: LiteRT does not copy a subgraph input that is also an output (it returns garbage).
  const wanted = newOutputTensors(model, tensorIndices).filter((t) => !sg.inputs.includes(t));
  const extended = withExtraOutputs(model, wanted);
  const runtime = await loadRuntimeModel(writeModel(extended), opts);
  try {
    const inputTensors = inputTensorIndices(model, runtime.inputs.map((i) => i.name));
    const runtimeOutputTensors = outputTensorIndices(extended, runtime.outputs.map((o) => o.name));
    const values = runtime.run(inputs);
    const byTensor = new Map<number, RuntimeTypedArray>();
    runtimeOutputTensors.forEach((t, i) => byTensor.set(t, values[i]!));
    inputTensors.forEach((t, i) => byTensor.set(t, inputs[i]!));

    const intermediates = new Map<number, RuntimeTypedArray>();
    for (const t of tensorIndices) {
      const value = byTensor.get(t);
      if (!value) throw new RuntimeError('run-failed', `the runtime did not return tensor ${t} (${sg.tensors[t]?.name}).`);
      intermediates.set(t, value);
    }
    const extra = new Set(wanted);
    // LiteRT lists outputs in subgraph order and the extra ones were appended: what remains is the original order.
    const outputTensors = runtimeOutputTensors.filter((t) => !extra.has(t));
    return { outputs: outputTensors.map((t) => byTensor.get(t)!), outputTensors, intermediates };
  } finally {
    runtime.dispose();
  }
}
