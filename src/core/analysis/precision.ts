/**
 * Whether a model computes in integers (what TFLite Micro runs well: int8 or int16 activations) or in float (what a
 * converter writes first, and what "Quantize Model" starts from; hybrid models with int8 weights and float
 * activations count as float). The inspector's actions and the export's float-model warning ask this.
 */
import { TensorType, type Model } from '../tflite/index';
import { isConstant } from '../tflite/tensor-types';

export type ModelPrecision = 'integer' | 'float';

const INTEGER_ACTIVATIONS = new Set<TensorType>([TensorType.INT8, TensorType.UINT8, TensorType.INT16]);

export function modelPrecision(model: Model): ModelPrecision {
  for (const sg of model.subgraphs) {
    for (const t of sg.tensors) {
      if (INTEGER_ACTIVATIONS.has(t.type) && t.quantization?.scale.length && !isConstant(model, t)) return 'integer';
    }
  }
  return 'float';
}
