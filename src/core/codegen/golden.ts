/**
 * The host test's golden data: seeded inputs across each input's range, and the outputs TFLite Micro computes for
 * them. Where our bit-exact evaluator of TFLM's reference kernels covers the model (core/quantize/tflm-reference.ts),
 * it computes them: LiteRT rounds int8 rescaling once where TFLM rounds twice, so LiteRT's outputs differ by a few
 * steps (3 on our per-channel ad01, docs/tflm-accuracy.md) and a ±1 LSB check would fail on a correct build.
 * Otherwise LiteRT computes them.
 */
import { mulberry32 } from '../common/seeded-random';
import { inputTensorIndices, loadRuntimeModel, outputTensorIndices, type RuntimeTypedArray } from '../runtime/index';
import { TensorType, type Model, type Tensor } from '../tflite/model';
import { integerRange, SEEDED_FLOAT_RANGE } from '../tflite/tensor-types';
import { writeModel } from '../tflite/write-model';
import { TflmReference } from '../quantize/tflm-reference';
import { elements, GOLDEN_TYPES, hostTestUnsupported, type GoldenArray, type GoldenCase, type GoldenData } from './host-test';

/** Input values per case are bounded so that the header stays small (person_detect: 9,216 int8 per case). */
const MAX_GOLDEN_INPUT_VALUES = 24_576;
const MAX_CASES = 3;

/**
 * The model as LiteRT accepts it. TFLite Micro reads a 1-D tensor's quantized_dimension past its rank as dimension 0
 * (person_detect's biases say 3); LiteRT refuses the model. The same values with dimension 0 mean the same thing,
 * so the golden outputs are computed on that copy; the exported model stays as it is.
 */
function runnableBytes(model: Model, bytes: Uint8Array): Uint8Array {
  const bad = model.subgraphs.some((sg) => sg.tensors.some((t) => t.quantization && t.quantization.quantizedDimension >= Math.max(t.shape.length, 1)));
  if (!bad) return bytes;
  const copy = structuredClone(model);
  for (const sg of copy.subgraphs) {
    for (const t of sg.tensors) if (t.quantization && t.quantization.quantizedDimension >= Math.max(t.shape.length, 1)) t.quantization.quantizedDimension = 0;
  }
  return writeModel(copy);
}

/** Seeded values across the tensor's range: its integer type's range, [-1, 1] for floats. */
function goldenInput(t: Tensor, rnd: () => number): GoldenArray {
  const type = GOLDEN_TYPES[t.type]!;
  const n = elements(t);
  if (type.float) return type.make(Array.from({ length: n }, () => SEEDED_FLOAT_RANGE[0] + rnd() * (SEEDED_FLOAT_RANGE[1] - SEEDED_FLOAT_RANGE[0])));
  const [lo, hi] = t.type === TensorType.INT32 ? [-100, 100] : integerRange(t.type)!;
  return type.make(Array.from({ length: n }, () => lo + Math.floor(rnd() * (hi - lo + 1))));
}

/**
 * Runs seeded golden inputs through LiteRT. Throws the runtime's typed error when the model does not run there; the
 * caller then exports without a host test and says why.
 */
export async function computeGolden(model: Model, modelBytes: Uint8Array, opts: { seed?: number; cases?: number; name?: string } = {}): Promise<GoldenData> {
  const unsupported = hostTestUnsupported(model);
  if (unsupported) throw new Error(`no host test: ${unsupported}`);
  const sg = model.subgraphs[0]!;
  const inputTensors = sg.inputs.map((i) => sg.tensors[i]!);
  const perCase = inputTensors.reduce((a, t) => a + elements(t), 0);
  const count = Math.max(1, Math.min(opts.cases ?? MAX_CASES, Math.floor(MAX_GOLDEN_INPUT_VALUES / Math.max(perCase, 1))));
  const rnd = mulberry32(opts.seed ?? 12);
  const inputsFrom = `seeded values across each input's range (integer inputs: the type's range; float inputs: [${SEEDED_FLOAT_RANGE.join(', ')}])`;
  if (!TflmReference.unsupported(model)) {
    const reference = TflmReference.create(model);
    const cases: GoldenCase[] = [];
    for (let c = 0; c < count; c++) {
      const inputs = inputTensors.map((t) => goldenInput(t, rnd));
      const outputs = reference.run(inputs as (Int8Array | Int32Array | Float32Array)[]).map((o, k) => GOLDEN_TYPES[sg.tensors[sg.outputs[k]!]!.type]!.make(Array.from(o)));
      cases.push({ inputs, outputs });
    }
    return { cases, inputsFrom, outputsFrom: "our evaluator of TFLite Micro's reference kernels (bit-exact with a real TFLM build)" };
  }
  const runtime = await loadRuntimeModel(runnableBytes(model, modelBytes), { name: opts.name });
  try {
    const inOrder = inputTensorIndices(model, runtime.inputs.map((i) => i.name));
    const outOrder = outputTensorIndices(model, runtime.outputs.map((o) => o.name));
    const cases: GoldenCase[] = [];
    for (let c = 0; c < count; c++) {
      const inputs = inputTensors.map((t) => goldenInput(t, rnd));
      // The runtime takes and returns its own order: map through the tensor indices.
      const runtimeInputs = inOrder.map((ti) => inputs[sg.inputs.indexOf(ti)]! as RuntimeTypedArray);
      const results = runtime.run(runtimeInputs);
      const outputs = sg.outputs.map((ti) => {
        const r = results[outOrder.indexOf(ti)];
        if (!r) throw new Error(`no host test: the runtime returned no output for tensor ${ti}`);
        return GOLDEN_TYPES[sg.tensors[ti]!.type]!.make(Array.from(r as ArrayLike<number>));
      });
      if (outputs.some((o) => o instanceof Float32Array && o.some((v) => !Number.isFinite(v)))) {
        throw new Error('no host test: the model gives non-finite outputs on the golden inputs');
      }
      cases.push({ inputs, outputs });
    }
    return { cases, inputsFrom, outputsFrom: 'LiteRT (the TFLite runtime)' };
  } finally {
    runtime.dispose();
  }
}

