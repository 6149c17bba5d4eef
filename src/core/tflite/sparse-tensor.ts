/**
 * Sparse constants (the schema's SparsityParameters), as the TF converter writes them for pruned weights and DENSIFY
 * expands them at run time: the stored values are the non-zeros in traversal order. Each level of the traversal is a
 * dimension, either DENSE (every index 0…dense_size−1) or SPARSE_CSR (the indices `array_indices[segments[p]…
 * segments[p+1])` under parent position p). Levels past the tensor's rank are block dimensions: `block_map[k]` names
 * the original dimension block k splits, and its dense_size is the block's size. The walk is TFLite's
 * FormatConverter::SparseToDense (kernels/internal/utils/sparsity_format_converter.cc), written from the schema's
 * comments. A sparsity that does not fit its tensor is a ModelFormatError naming the tensor (a damaged file).
 */
import { ModelFormatError } from './errors';
import { TensorType } from './generated/tflite/tensor-type';
import type { SparsityParameters, Tensor } from './model';
import { bitsPerElement, elementCount } from './tensor-types';

/** The dense bytes of a sparse constant `tensor` whose stored (non-zero) values are `data`. */
export function densify(tensor: Tensor, data: Uint8Array): Uint8Array {
  const s: SparsityParameters = tensor.sparsity ?? {};
  const shape = tensor.shape;
  const rank = shape.length;
  const bits = bitsPerElement(tensor.type);
  if (bits < 8 || bits % 8 !== 0) throw new ModelFormatError(`tensor "${tensor.name}": sparse ${TensorType[tensor.type] ?? tensor.type} values are not whole bytes`);
  const size = bits / 8;
  const order = s.traversalOrder ?? shape.map((_, i) => i);
  const blockMap = s.blockMap ?? [];
  const dims = s.dimMetadata ?? [];
  const levels = order.length;
  // The first `rank` levels are the tensor's dimensions in some order, the rest its block dimensions: a permutation.
  const permutation = new Set(order).size === levels && order.every((d, l) => Number.isInteger(d) && d >= 0 && d < levels && (l < rank) === (d < rank));
  if (dims.length !== levels || levels !== rank + blockMap.length || !permutation || new Set(blockMap).size !== blockMap.length || blockMap.some((d) => !(d >= 0 && d < rank))) {
    throw new ModelFormatError(`tensor "${tensor.name}": sparsity of ${levels} levels does not describe a rank-${rank} tensor with ${blockMap.length} block dimension(s)`);
  }
  const blockSize = blockMap.map((_, k) => dims[order.indexOf(rank + k)]!.denseSize);
  // Each dense level spans its dimension: the whole of it, or its blocks (dimension / block size).
  for (let l = 0; l < rank; l++) {
    const d = order[l]!, k = blockMap.indexOf(d);
    const span = k < 0 ? shape[d]! : shape[d]! / blockSize[k]!;
    if (dims[l]!.format === 0 && dims[l]!.denseSize !== span) throw new ModelFormatError(`tensor "${tensor.name}": level ${l} spans ${dims[l]!.denseSize} of dimension ${d}, which needs ${span}`);
  }
  const out = new Uint8Array(elementCount(shape) * size);
  const strides = shape.map((_, d) => elementCount(shape.slice(d + 1)));
  const index = new Array<number>(levels).fill(0);
  let src = 0;
  const place = () => {
    const orig = new Array<number>(rank).fill(0);
    for (let l = 0; l < rank; l++) orig[order[l]!] = index[l]!;
    for (let l = rank; l < levels; l++) {
      const k = order[l]! - rank;
      const d = blockMap[k]!;
      orig[d] = orig[d]! * blockSize[k]! + index[l]!;
    }
    let flat = 0;
    for (let d = 0; d < rank; d++) {
      if (orig[d]! >= shape[d]!) throw new ModelFormatError(`tensor "${tensor.name}": a sparse index lies outside its shape [${shape.join(', ')}]`);
      flat += orig[d]! * strides[d]!;
    }
    if ((src + 1) * size > data.byteLength) throw new ModelFormatError(`tensor "${tensor.name}": its sparsity lists more values than its ${data.byteLength / size} stored ones`);
    out.set(data.subarray(src * size, (src + 1) * size), flat * size);
    src++;
  };
  const walk = (level: number, parent: number): void => {
    if (level === levels) {
      place();
      return;
    }
    const m = dims[level]!;
    if (m.format === 0) {
      for (let i = 0; i < m.denseSize; i++) {
        index[level] = i;
        walk(level + 1, parent * m.denseSize + i);
      }
      return;
    }
    const segments = m.arraySegments?.values ?? [], indices = m.arrayIndices?.values ?? [];
    const [from, to] = [segments[parent], segments[parent + 1]];
    if (from === undefined || to === undefined || to > indices.length) throw new ModelFormatError(`tensor "${tensor.name}": sparse segments do not cover position ${parent} of level ${level}`);
    for (let i = from; i < to; i++) {
      index[level] = indices[i]!;
      walk(level + 1, i);
    }
  };
  walk(0, 0);
  if (src * size !== data.byteLength) throw new ModelFormatError(`tensor "${tensor.name}": ${data.byteLength / size} values stored, its sparsity places ${src}`);
  return out;
}
