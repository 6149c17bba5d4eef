/**
 * What makes TFLite Micro's AllocateTensors() (or the op resolver) reject a model, found before anyone flashes it:
 * missing kernels, hybrid ops, float16 weights, unknown custom ops, dynamic shapes and type combinations the
 * kernels refuse. Each problem names the operator and says what to do.
 */
import { BuiltinOperator, TensorType, type Model, type Tensor } from '../tflite/model';
import { elementCount, isConstant } from '../tflite/tensor-types';
import { builtinOperatorName, opcodeName, tensorTypeName } from '../tflite/names';
import { operatorInfo, TFLM_CUSTOM_OPERATORS } from '../tflite/operators';
import { INT16X8_LIMITS, TFLM_INT16_KERNELS } from '../quantize/int16-kernels';
import { isSamePadding, leadingPadding } from '../tflite/padding';
import { describeShapeMismatch, firstDeclaredShapeMismatch } from '../tflite/operator-shapes';
import { fusedActivationRange, hasFusedActivation } from '../quantize/op-rules';
import { roundHalfAway } from '../quantize/quant-math';
import type { KernelLibrary } from '../arena/kernels/types';

export type TflmSeverity = 'error' | 'warning' | 'info';

export interface TflmProblem {
  /** -1 for problems of the model as a whole. */
  operatorIndex: number;
  subgraph: number;
  /** e.g. CONV_2D or CUSTOM:ethos-u; empty for model-level problems. */
  opcode: string;
  severity: TflmSeverity;
  message: string;
}

const QUANTIZE_HINT = 'quantize the whole model to int8 with "TinyML: Quantize Model"';

/** Element types TFLM can size (TfLiteTypeSizeOf); anything else fails AllocateTensors. */
const SIZED_TYPES: ReadonlySet<TensorType> = new Set([
  TensorType.FLOAT16, TensorType.BFLOAT16, TensorType.FLOAT32, TensorType.FLOAT64, TensorType.INT16, TensorType.INT32,
  TensorType.UINT32, TensorType.UINT8, TensorType.UINT16, TensorType.INT8, TensorType.INT64, TensorType.UINT64,
  TensorType.BOOL, TensorType.RESOURCE, TensorType.COMPLEX64, TensorType.COMPLEX128, TensorType.INT4,
]);

/**
 * @param kernels the firmware's kernel set: with 'cmsis-nn' also what CMSIS-NN's kernels (as TFLite Micro 90b983c2
 *   pins them) refuse, crash on or compute wrong (cmsisNnProblems)
 */
export function checkTflmCompatibility(model: Model, kernels: KernelLibrary = 'reference'): TflmProblem[] {
  const problems: TflmProblem[] = [];
  model.subgraphs.forEach((sg, s) => {
    const tensor = (i: number | undefined): Tensor | undefined => (i === undefined || i < 0 ? undefined : sg.tensors[i]);

    sg.operators.forEach((op, i) => {
      const code = model.operatorCodes[op.opcodeIndex];
      if (!code) return;
      const opcode = opcodeName(code);
      const add = (severity: TflmSeverity, message: string) => problems.push({ operatorIndex: i, subgraph: s, opcode, severity, message });

      if (code.builtinCode === BuiltinOperator.CUSTOM) {
        checkCustom(code.customCode ?? '', add);
      } else {
        const name = builtinOperatorName(code.builtinCode);
        if (!operatorInfo(code.builtinCode).tflm) {
          // Pruned weights: the quantizer writes them dense (quantize/graph.ts foldConstantDensify).
          const fix = code.builtinCode === BuiltinOperator.DENSIFY
            ? `The weights are stored sparse (pruned): ${QUANTIZE_HINT}, which writes them dense, or convert without sparsity.`
            : 'Replace the layer with supported ops before converting (see the TFLM op list), or implement and register a custom kernel.';
          add('error', `TFLite Micro has no kernel for ${name}: AllocateTensors() fails with "Didn't find op for builtin opcode '${name}'". ${fix}`);
        }
        if (op.customOptions && op.customOptions.length > 0) {
          add('error', `${name} carries custom options; TFLite Micro rejects builtin operators with custom options. Re-convert the model with a current TFLite converter.`);
        }
      }

      const weighted = code.builtinCode === BuiltinOperator.CUSTOM ? undefined : operatorInfo(code.builtinCode).weighted;
      if (weighted) {
        const input = tensor(op.inputs[weighted.input]);
        const weights = tensor(op.inputs[weighted.weights]);
        if (input && weights) checkWeightedTypes(opcode, input, weights, add);
      }

      if (code.builtinCode === BuiltinOperator.DEQUANTIZE) {
        const input = tensor(op.inputs[0]);
        if (input?.type === TensorType.FLOAT16) {
          add('error', `DEQUANTIZE of float16 ${isConstant(model, input) ? 'weights' : 'data'} (tensor "${input.name}"): TFLite Micro's DEQUANTIZE only accepts int8, int16 and uint8. Convert without float16 quantization, or ${QUANTIZE_HINT}.`);
        }
      }

      // A 16x8 model's operator that TFLite Micro has float32 / int8 kernels for only: Prepare or Invoke() refuses the type.
      const int16 = code.builtinCode === BuiltinOperator.CUSTOM ? undefined : TFLM_INT16_KERNELS[code.builtinCode];
      if (int16 && !int16.reference && !int16.cmsisNn && tensor(op.inputs[0])?.type === TensorType.INT16) {
        add('error', `${opcode} takes int16 data, and TFLite Micro has no int16 kernel for it (${int16.source}): the interpreter stops on an unsupported type. Quantize with --mode int8; an accuracy target (--target-sqnr) keeps layers in int16 only where TFLite Micro has the kernel.`);
      }

      for (const t of [...op.inputs, ...op.outputs]) {
        const x = tensor(t);
        if (x && !SIZED_TYPES.has(x.type)) {
          add('error', `tensor "${x.name}" has type ${tensorTypeName(x.type)}, which TFLite Micro cannot hold; AllocateTensors() fails. Remove the ops that produce it (e.g. string processing) from the on-device model.`);
        }
        if (x && x.shape.some((d) => d < 0)) {
          add('error', `tensor "${x.name}" has a dynamic shape [${x.shape.join(', ')}]; TFLite Micro never resizes tensors. Convert with fixed input shapes (e.g. batch 1).`);
        }
      }
      if (kernels === 'cmsis-nn' && code.builtinCode !== BuiltinOperator.CUSTOM) cmsisNnProblems(code.builtinCode, op, tensor, add);
      if (op.intermediates?.some((t) => elementCount(tensor(t)?.shape ?? [0]) > 0)) {
        add('error', 'the operator has intermediate tensors with a non-zero size, which TFLite Micro does not support (fully integer LSTMs converted with intermediates). Re-convert the LSTM with the TFLM-compatible converter settings.');
      }
    });

    // Inputs and outputs with -1 in shape_signature: TFLM uses the static shape.
    for (const t of new Set([...sg.inputs, ...sg.outputs])) {
      const x = tensor(t);
      if (x?.shapeSignature?.some((d) => d === -1) && !x.shape.some((d) => d < 0)) {
        problems.push({
          operatorIndex: -1, subgraph: s, opcode: '', severity: 'warning',
          message: `tensor "${x.name}" has a dynamic dimension (shape_signature [${x.shapeSignature.join(', ')}]); TFLite Micro uses the static shape [${x.shape.join(', ')}] and cannot resize it. Convert with a fixed input shape so what you test is what runs.`,
        });
      }
    }
  });
  // A declared shape the operator does not compute (a damaged file): TFLite Micro sizes and indexes its buffers by it.
  const wrong = firstDeclaredShapeMismatch(model);
  if (wrong) {
    const sg = model.subgraphs[0]!;
    const opcode = opcodeName(model.operatorCodes[sg.operators[wrong.op]!.opcodeIndex]!);
    problems.push({
      operatorIndex: wrong.op, subgraph: 0, opcode, severity: 'error',
      message: `${describeShapeMismatch(sg.tensors[wrong.tensor]!, opcode, wrong.computed)}: TFLite Micro, which sizes and indexes its buffers by the declared shapes, reads or writes past the tensor. The file is damaged: convert or export the model again.`,
    });
  }
  return problems;
}

/**
 * CMSIS-NN's kernels where they differ from the reference ones beyond speed: found by running files on a CMSIS-NN
 * build of TFLM 90b983c2 (its pinned CMSIS-NN 4ab83cc3) against the reference build (docs/tflm-accuracy.md). The
 * quantizer writes around the int16 ones for `--kernels cmsis-nn` (int16-kernels.ts INT16X8_LIMITS).
 */
function cmsisNnProblems(code: BuiltinOperator, op: Model['subgraphs'][number]['operators'][number], tensor: (i: number | undefined) => Tensor | undefined, add: (s: TflmSeverity, m: string) => void): void {
  const options = op.builtinOptions?.table ?? {};
  if (code === BuiltinOperator.TRANSPOSE_CONV) {
    const input = tensor(op.inputs[2]), filter = tensor(op.inputs[1]), output = tensor(op.outputs[0]);
    if (!input || !filter || !output || input.shape.length !== 4 || filter.shape.length !== 4 || output.shape.length !== 4) return;
    if (input.type === TensorType.INT8) {
      // The wrapper drops the fused clamp for int8 too: harmless when the output's range already ends where the
      // activation does (a RELU output quantized from 0, as the quantizer writes it), wrong when it reaches beyond.
      // (RELU and RELU6 only: an asymmetric int8 grid cannot put both ends of RELU_N1_TO_1 on its limits, so every
      // such file is a step off at one end, ours too.)
      const act = options['fused_activation_function'];
      const clamp = act === 'RELU_N1_TO_1' ? undefined : fusedActivationRange(op);
      const q = output.quantization;
      if (clamp && q?.scale.length) {
        // As TFLM's Quantize: the division in float32, rounded half away from zero.
        const zp = Number(q.zeroPoint[0] ?? 0), sc = Math.fround(q.scale[0]!);
        const at = (v: number) => zp + roundHalfAway(Math.fround(v / sc));
        const needs = at(clamp[0]!) > -128 || (Number.isFinite(clamp[1]!) && at(clamp[1]!) < 127);
        if (needs) add('warning', `int8 TRANSPOSE_CONV with a fused ${String(act)} whose output range reaches beyond it: cmsis_nn/transpose_conv.cc drops the fused activation (it passes kTfLiteActNone), so the outputs are not clamped to its range. Quantize the model again (our quantizer sets the output range to the activation's), or use the reference kernels.`);
      }
      // arm_transpose_conv_wrapper_s8.c takes arm_transpose_conv_s8 unless both strides are ≤ 2 and the input has more
      // than 16 channels; that function misplaces its rows when the top padding is not a multiple of the stride.
      const sh = Number(options['stride_h'] ?? 1), sw = Number(options['stride_w'] ?? 1);
      const padH = leadingPadding(isSamePadding(options), sh, 1, output.shape[1]!, filter.shape[1]!);
      const generic = !(sh <= 2 && sw <= 2 && input.shape[3]! > 16);
      if (generic && padH % sh !== 0) {
        add('warning', `CMSIS-NN's int8 TRANSPOSE_CONV (arm_transpose_conv_s8 at the CMSIS-NN TFLite Micro 90b983c2 pins) computes wrong values for this layer: its top padding (${padH}) is not a multiple of its stride (${sh}), and it takes that function's path (${sh > 2 || sw > 2 ? 'a stride above 2' : `${input.shape[3]} input channels, 16 or fewer`}). Measured on such a layer (5×5 → 10×10, stride 2, padding 1): 556 of 720 output values wrong, by up to 174 steps. Build with a CMSIS-NN that has the fix (CMSIS-NN PR #233, "row misalignment when pad_h % stride_h != 0"); or compile TFLite Micro's reference transpose_conv.cc under another name and register it for this operator (a cmsis_nn build replaces the file of that name); or change the layer (strides of at most 2 and more than 16 input channels take CMSIS-NN's other, correct path).`);
      }
    } else if (input.type === TensorType.INT16) {
      const bias = tensor(op.inputs[3]);
      if (!bias) add('error', `int16 TRANSPOSE_CONV without a bias: ${INT16X8_LIMITS.transposeConvBias}, so Prepare crashes. Give it a zero bias (the quantizer writes one), or use the reference kernels.`);
      if (hasFusedActivation(op)) add('warning', `int16 TRANSPOSE_CONV with a fused ${String(options['fused_activation_function'])}: ${INT16X8_LIMITS.transposeConvActivation}; the outputs are not clamped. Quantizing for these kernels (--kernels cmsis-nn) writes around it: --mode int16x8 writes a RELU or RELU6 as its own operator after the TRANSPOSE_CONV, an accuracy target keeps the layer in float. Or use the reference kernels.`);
    }
  }
  if (code === BuiltinOperator.FULLY_CONNECTED && tensor(op.inputs[0])?.type === TensorType.INT8 && tensor(op.inputs[1])?.type === TensorType.INT4
    && (tensor(op.inputs[1])?.quantization?.scale.length ?? 0) > 1) {
    add('error', 'FULLY_CONNECTED with per-channel int4 weights: cmsis_nn/fully_connected.cc accepts per-channel weights only as int8, so AllocateTensors() fails. Use int8 weights, or per-tensor int4 ones.');
  }
  if (code === BuiltinOperator.FULLY_CONNECTED && tensor(op.inputs[0])?.type === TensorType.INT16 && (tensor(op.inputs[1])?.quantization?.scale.length ?? 0) > 1) {
    add('error', `int16 FULLY_CONNECTED with per-channel weights: ${INT16X8_LIMITS.perTensorFullyConnected}, so AllocateTensors() fails. Quantize with --kernels cmsis-nn, which writes them per tensor.`);
  }
}

function checkCustom(customCode: string, add: (s: TflmSeverity, m: string) => void): void {
  const method = TFLM_CUSTOM_OPERATORS[customCode];
  if (method) {
    add('info', `custom operator ${customCode} has a TFLite Micro kernel but needs registering: call op_resolver.${method}() on your MicroMutableOpResolver${customCode === 'ethos-u' ? ' (and build TFLM with the Ethos-U driver)' : ''}.`);
  } else if (customCode.startsWith('Flex')) {
    add('error', `${customCode} is a TensorFlow (Select TF ops) operator; TFLite Micro cannot run it. Re-convert without SELECT_TF_OPS, using only TFLite builtin operators.`);
  } else {
    add('error', `unknown custom operator "${customCode}": TFLite Micro has no kernel for it. Implement it and register it with op_resolver.AddCustom("${customCode}", ...), or re-convert the model without it.`);
  }
}

function checkWeightedTypes(opcode: string, input: Tensor, weights: Tensor, add: (s: TflmSeverity, m: string) => void): void {
  const inT = input.type;
  const wT = weights.type;
  if (inT === TensorType.FLOAT32 && (wT === TensorType.INT8 || wT === TensorType.UINT8 || wT === TensorType.INT4)) {
    add('error', `${opcode} has float32 input with ${tensorTypeName(wT).toLowerCase()} weights (a hybrid op): "Hybrid models are not supported on TFLite Micro." Use float32 weights, or ${QUANTIZE_HINT} (with a representative dataset).`);
    return;
  }
  if (inT === TensorType.FLOAT32 && wT === TensorType.FLOAT16) {
    add('error', `${opcode} has float16 weights; TFLite Micro kernels need float32 or int8 weights. Convert without float16 quantization, or ${QUANTIZE_HINT}.`);
    return;
  }
  if (inT === TensorType.UINT8) {
    add('error', `${opcode} uses uint8 (asymmetric) quantization, which TFLite Micro's kernels no longer support. Re-quantize to int8: ${QUANTIZE_HINT}.`);
    return;
  }
  const ok =
    (inT === TensorType.FLOAT32 && wT === TensorType.FLOAT32) ||
    (inT === TensorType.INT8 && (wT === TensorType.INT8 || wT === TensorType.INT4)) ||
    (inT === TensorType.INT16 && wT === TensorType.INT8);
  if (!ok) {
    add('error', `${opcode} has ${tensorTypeName(inT).toLowerCase()} input with ${tensorTypeName(wT).toLowerCase()} weights, a combination TFLite Micro's kernels reject in Prepare. Supported: float32/float32, int8/int8 (or int4), int16/int8; ${QUANTIZE_HINT}.`);
  }
}

/** True when no problem stops the model from running (info and warnings only). */
export function isTflmCompatible(problems: readonly TflmProblem[]): boolean {
  return !problems.some((p) => p.severity === 'error');
}
