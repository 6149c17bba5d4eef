/**
 * How an array in a file maps onto a model input: which axis counts samples. A file holds either many samples
 * ([N, ...input shape] or [N, ...input shape without its batch/leading 1s]) or, for one-sample files, exactly one.
 */
import type { InputSpec } from './dataset';
import { elementCount } from '../tflite/tensor-types';
import { DatasetError } from './errors';

/** The input shape without its leading 1s (the batch): [1, 640] → [640], [1, 1] → []. */
export function coreShape(shape: readonly number[]): number[] {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  return shape.slice(i);
}

/**
 * How many axes of an input are longer than 1: one for a waveform however it is wrapped ([16000], [1, 16000],
 * [1, 16000, 1, 1] as 1-D convolutions written as CONV_2D take it), two for frames ([1, 49, 320]) or an image plane.
 */
export const longAxes = (shape: readonly number[]): number => shape.filter((d) => d > 1).length;

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

export const formatShape = (shape: readonly (number | string)[]): string => `[${shape.join(', ')}]`;

/** The forms a batched array for this input may take, for error messages: "[N, 640] or [N, 1, 640]". */
export function expectedBatchForms(input: InputSpec): string {
  const core = coreShape(input.shape);
  const forms = new Set([formatShape(['N', ...core]), formatShape(['N', ...input.shape])]);
  return [...forms].join(' or ');
}

export const describeInput = (input: InputSpec): string => `input '${input.name}' ${formatShape(input.shape)}`;

/**
 * Number of samples in an array of `shape` for `input`, or undefined when it does not fit. The first axis counts
 * samples when the rest equals the input shape once leading 1s are dropped from both ([N, 640], [N, 1, 640] and, for
 * a scalar input [1, 1], a plain [N] all fit).
 */
export function batchCount(shape: readonly number[], input: InputSpec): number | undefined {
  if (shape.length === 0) return undefined;
  const rest = coreShape(shape.slice(1));
  return sameShape(rest, coreShape(input.shape)) ? shape[0] : undefined;
}

/** Splits a batched array into per-sample Float32Arrays, or throws a DatasetError naming the expected forms. */
export function splitBatch(data: Float32Array, shape: readonly number[], input: InputSpec, file: string): Float32Array[] {
  const n = batchCount(shape, input);
  if (n === undefined) {
    throw new DatasetError('shape', file, `${file}: shape ${formatShape(shape)} does not fit ${describeInput(input)}: expected ${expectedBatchForms(input)}.`);
  }
  const per = elementCount(input.shape);
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) out.push(data.slice(i * per, (i + 1) * per));
  return out;
}

/** A one-sample array: its shape must equal the input shape once leading 1s are dropped from both. */
export function singleSample(data: Float32Array, shape: readonly number[], input: InputSpec, file: string): Float32Array {
  if (!sameShape(coreShape(shape), coreShape(input.shape))) {
    throw new DatasetError('shape', file, `${file}: shape ${formatShape(shape)} does not fit ${describeInput(input)}: a one-sample file must have shape ${formatShape(input.shape)} or ${formatShape(coreShape(input.shape))}.`);
  }
  return data;
}
