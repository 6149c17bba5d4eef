import * as flatbuffers from 'flatbuffers';
import { UNIONS } from './generated-meta/table-schema';
import { Buffer as FbBuffer } from './generated/tflite/buffer';
import { CustomQuantization } from './generated/tflite/custom-quantization';
import { DimensionMetadata as FbDimensionMetadata } from './generated/tflite/dimension-metadata';
import { ExternalBuffer as FbExternalBuffer } from './generated/tflite/external-buffer';
import { ExternalBufferGroup as FbExternalBufferGroup } from './generated/tflite/external-buffer-group';
import { Metadata as FbMetadata } from './generated/tflite/metadata';
import { Model as FbModel } from './generated/tflite/model';
import { Operator as FbOperator } from './generated/tflite/operator';
import { OperatorCode as FbOperatorCode } from './generated/tflite/operator-code';
import { QuantizationParameters as FbQuantizationParameters } from './generated/tflite/quantization-parameters';
import { SignatureDef as FbSignatureDef } from './generated/tflite/signature-def';
import { SparsityParameters as FbSparsityParameters } from './generated/tflite/sparsity-parameters';
import { SubGraph as FbSubGraph } from './generated/tflite/sub-graph';
import { Tensor as FbTensor } from './generated/tflite/tensor';
import { TensorMap as FbTensorMap } from './generated/tflite/tensor-map';
import { VariantSubType as FbVariantSubType } from './generated/tflite/variant-sub-type';
import type { BuiltinOptions, Model, Operator, QuantParams, SparseIndexVector, SparsityParameters, Tensor } from './model';
import { TFLITE_FILE_IDENTIFIER } from './read-model';
import { writeTable } from './table-codec';

/** TFLite (and TFLite Micro with its 16-byte arena alignment) wants weight buffers 16-byte aligned in the file. */
const BUFFER_ALIGNMENT = 16;

/**
 * Serializes a `Model` to .tflite bytes. Empty vectors are omitted rather than written empty (TFLite reads an empty
 * `shape_signature` as rank 0 and rejects empty `custom_options` on builtin ops); weight buffers are 16-byte aligned and
 * copied in one block each.
 */
export function writeModel(model: Model): Uint8Array {
  let weightBytes = 0;
  for (const buf of model.buffers) weightBytes += buf.data.length + BUFFER_ALIGNMENT;
  const b = new flatbuffers.Builder(weightBytes + 64 * 1024);

  // Weights first: the builder writes back to front, so they end up at the end of the file, as the TF converter does.
  const buffers = model.buffers.map((buf) => {
    const data = buf.data.length ? alignedByteVector(b, buf.data, BUFFER_ALIGNMENT) : 0;
    FbBuffer.startBuffer(b);
    if (data) FbBuffer.addData(b, data);
    if (buf.offset) FbBuffer.addOffset(b, buf.offset);
    if (buf.size) FbBuffer.addSize(b, buf.size);
    return FbBuffer.endBuffer(b);
  });

  const operatorCodes = model.operatorCodes.map((c) => {
    const custom = c.customCode !== undefined ? b.createString(c.customCode) : 0;
    FbOperatorCode.startOperatorCode(b);
    FbOperatorCode.addDeprecatedBuiltinCode(b, c.deprecatedBuiltinCode);
    if (custom) FbOperatorCode.addCustomCode(b, custom);
    FbOperatorCode.addVersion(b, c.version);
    FbOperatorCode.addBuiltinCode(b, c.builtinCode);
    return FbOperatorCode.endOperatorCode(b);
  });

  const subgraphs = model.subgraphs.map((g) => {
    const tensors = g.tensors.map((t) => writeTensor(b, t));
    const operators = g.operators.map((op) => writeOperator(b, op));
    const tensorsVec = FbSubGraph.createTensorsVector(b, tensors);
    const inputs = FbSubGraph.createInputsVector(b, g.inputs);
    const outputs = FbSubGraph.createOutputsVector(b, g.outputs);
    const operatorsVec = FbSubGraph.createOperatorsVector(b, operators);
    const name = g.name !== undefined ? b.createString(g.name) : 0;
    FbSubGraph.startSubGraph(b);
    FbSubGraph.addTensors(b, tensorsVec);
    FbSubGraph.addInputs(b, inputs);
    FbSubGraph.addOutputs(b, outputs);
    FbSubGraph.addOperators(b, operatorsVec);
    if (name) FbSubGraph.addName(b, name);
    FbSubGraph.addDebugMetadataIndex(b, g.debugMetadataIndex);
    return FbSubGraph.endSubGraph(b);
  });

  const metadata = model.metadata.map((md) => {
    const name = b.createString(md.name);
    FbMetadata.startMetadata(b);
    FbMetadata.addName(b, name);
    FbMetadata.addBuffer(b, md.buffer);
    return FbMetadata.endMetadata(b);
  });

  const signatureDefs = model.signatureDefs.map((sd) => {
    const maps = (list: { name: string; tensorIndex: number }[]) => list.map((m) => {
      const name = b.createString(m.name);
      FbTensorMap.startTensorMap(b);
      FbTensorMap.addName(b, name);
      FbTensorMap.addTensorIndex(b, m.tensorIndex);
      return FbTensorMap.endTensorMap(b);
    });
    const inputs = FbSignatureDef.createInputsVector(b, maps(sd.inputs));
    const outputs = FbSignatureDef.createOutputsVector(b, maps(sd.outputs));
    const key = b.createString(sd.signatureKey);
    FbSignatureDef.startSignatureDef(b);
    FbSignatureDef.addInputs(b, inputs);
    FbSignatureDef.addOutputs(b, outputs);
    FbSignatureDef.addSignatureKey(b, key);
    FbSignatureDef.addSubgraphIndex(b, sd.subgraphIndex);
    return FbSignatureDef.endSignatureDef(b);
  });

  const groups = model.externalBufferGroups?.map((g) => {
    const name = g.name !== undefined ? b.createString(g.name) : 0;
    FbExternalBufferGroup.startExternalBufferGroup(b);
    if (name) FbExternalBufferGroup.addName(b, name);
    return FbExternalBufferGroup.endExternalBufferGroup(b);
  });
  const externals = model.externalBuffers?.map((e) => {
    const packing = e.packing !== undefined ? b.createString(e.packing) : 0;
    return FbExternalBuffer.createExternalBuffer(b, e.id, e.group, e.offset, e.length, packing);
  });

  const opcodesVec = FbModel.createOperatorCodesVector(b, operatorCodes);
  const subgraphsVec = FbModel.createSubgraphsVector(b, subgraphs);
  const description = model.description !== undefined ? b.createString(model.description) : 0;
  const buffersVec = FbModel.createBuffersVector(b, buffers);
  const metadataBuffer = model.metadataBuffer?.length ? FbModel.createMetadataBufferVector(b, model.metadataBuffer) : 0;
  const metadataVec = metadata.length ? FbModel.createMetadataVector(b, metadata) : 0;
  const signaturesVec = signatureDefs.length ? FbModel.createSignatureDefsVector(b, signatureDefs) : 0;
  const groupsVec = groups?.length ? FbModel.createExternalBufferGroupsVector(b, groups) : 0;
  const externalsVec = externals?.length ? FbModel.createExternalBuffersVector(b, externals) : 0;

  FbModel.startModel(b);
  FbModel.addVersion(b, model.version);
  FbModel.addOperatorCodes(b, opcodesVec);
  FbModel.addSubgraphs(b, subgraphsVec);
  if (description) FbModel.addDescription(b, description);
  FbModel.addBuffers(b, buffersVec);
  if (metadataBuffer) FbModel.addMetadataBuffer(b, metadataBuffer);
  if (metadataVec) FbModel.addMetadata(b, metadataVec);
  if (signaturesVec) FbModel.addSignatureDefs(b, signaturesVec);
  if (groupsVec) FbModel.addExternalBufferGroups(b, groupsVec);
  if (externalsVec) FbModel.addExternalBuffers(b, externalsVec);
  b.finish(FbModel.endModel(b), TFLITE_FILE_IDENTIFIER);
  return b.asUint8Array();
}

/** The builder internals a bulk copy needs; the public `createByteVector` only aligns to 1 byte. */
interface BuilderInternals { space: number; bb: flatbuffers.ByteBuffer }

function alignedByteVector(b: flatbuffers.Builder, data: Uint8Array, alignment: number): flatbuffers.Offset {
  b.startVector(1, data.length, alignment);
  const inner = b as unknown as BuilderInternals;
  inner.space -= data.length;
  inner.bb.setPosition(inner.space);
  inner.bb.bytes().set(data, inner.space);
  return b.endVector();
}

function intVector(b: flatbuffers.Builder, values: readonly number[] | undefined): flatbuffers.Offset {
  if (!values?.length) return 0;
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
  return b.endVector();
}

function writeQuantization(b: flatbuffers.Builder, q: QuantParams): flatbuffers.Offset {
  const min = q.min?.length ? FbQuantizationParameters.createMinVector(b, q.min) : 0;
  const max = q.max?.length ? FbQuantizationParameters.createMaxVector(b, q.max) : 0;
  const scale = q.scale.length ? FbQuantizationParameters.createScaleVector(b, q.scale) : 0;
  const zp = q.zeroPoint.length ? FbQuantizationParameters.createZeroPointVector(b, q.zeroPoint.map((z) => BigInt(z))) : 0;
  let detailsType = 0;
  let details = 0;
  if (q.details) {
    detailsType = unionIndex('QuantizationDetails', q.details.type);
    details = q.details.type === 'CustomQuantization' && q.details.table['custom'] instanceof Uint8Array
      ? customQuantization(b, q.details.table['custom'])
      : writeTable(b, q.details.type, q.details.table);
  }
  FbQuantizationParameters.startQuantizationParameters(b);
  if (min) FbQuantizationParameters.addMin(b, min);
  if (max) FbQuantizationParameters.addMax(b, max);
  if (scale) FbQuantizationParameters.addScale(b, scale);
  if (zp) FbQuantizationParameters.addZeroPoint(b, zp);
  if (details) {
    FbQuantizationParameters.addDetailsType(b, detailsType);
    FbQuantizationParameters.addDetails(b, details);
  }
  FbQuantizationParameters.addQuantizedDimension(b, q.quantizedDimension);
  return FbQuantizationParameters.endQuantizationParameters(b);
}

function customQuantization(b: flatbuffers.Builder, custom: Uint8Array): flatbuffers.Offset {
  const data = alignedByteVector(b, custom, 16);
  CustomQuantization.startCustomQuantization(b);
  CustomQuantization.addCustom(b, data);
  return CustomQuantization.endCustomQuantization(b);
}

function sparseIndexVector(b: flatbuffers.Builder, v: SparseIndexVector): flatbuffers.Offset {
  return writeTable(b, v.type, { values: v.values });
}

function writeSparsity(b: flatbuffers.Builder, s: SparsityParameters): flatbuffers.Offset {
  const traversal = intVector(b, s.traversalOrder);
  const blockMap = intVector(b, s.blockMap);
  let dims = 0;
  if (s.dimMetadata?.length) {
    const offs = s.dimMetadata.map((d) => {
      const seg = d.arraySegments ? sparseIndexVector(b, d.arraySegments) : 0;
      const idx = d.arrayIndices ? sparseIndexVector(b, d.arrayIndices) : 0;
      FbDimensionMetadata.startDimensionMetadata(b);
      FbDimensionMetadata.addFormat(b, d.format);
      FbDimensionMetadata.addDenseSize(b, d.denseSize);
      if (seg) { FbDimensionMetadata.addArraySegmentsType(b, unionIndex('SparseIndexVector', d.arraySegments!.type)); FbDimensionMetadata.addArraySegments(b, seg); }
      if (idx) { FbDimensionMetadata.addArrayIndicesType(b, unionIndex('SparseIndexVector', d.arrayIndices!.type)); FbDimensionMetadata.addArrayIndices(b, idx); }
      return FbDimensionMetadata.endDimensionMetadata(b);
    });
    dims = FbSparsityParameters.createDimMetadataVector(b, offs);
  }
  FbSparsityParameters.startSparsityParameters(b);
  if (traversal) FbSparsityParameters.addTraversalOrder(b, traversal);
  if (blockMap) FbSparsityParameters.addBlockMap(b, blockMap);
  if (dims) FbSparsityParameters.addDimMetadata(b, dims);
  return FbSparsityParameters.endSparsityParameters(b);
}

function writeTensor(b: flatbuffers.Builder, t: Tensor): flatbuffers.Offset {
  const shape = intVector(b, t.shape);
  const name = b.createString(t.name);
  const quant = t.quantization ? writeQuantization(b, t.quantization) : 0;
  const sparsity = t.sparsity ? writeSparsity(b, t.sparsity) : 0;
  const sig = intVector(b, t.shapeSignature);
  let variants = 0;
  if (t.variantTensors?.length) {
    const offs = t.variantTensors.map((v) => {
      const vshape = intVector(b, v.shape);
      FbVariantSubType.startVariantSubType(b);
      if (vshape) FbVariantSubType.addShape(b, vshape);
      FbVariantSubType.addType(b, v.type);
      FbVariantSubType.addHasRank(b, v.hasRank);
      return FbVariantSubType.endVariantSubType(b);
    });
    variants = FbTensor.createVariantTensorsVector(b, offs);
  }
  FbTensor.startTensor(b);
  if (shape) FbTensor.addShape(b, shape);
  FbTensor.addType(b, t.type);
  FbTensor.addBuffer(b, t.buffer);
  FbTensor.addName(b, name);
  if (quant) FbTensor.addQuantization(b, quant);
  FbTensor.addIsVariable(b, t.isVariable);
  if (sparsity) FbTensor.addSparsity(b, sparsity);
  if (sig) FbTensor.addShapeSignature(b, sig);
  FbTensor.addHasRank(b, t.hasRank);
  if (variants) FbTensor.addVariantTensors(b, variants);
  FbTensor.addExternalBuffer(b, t.externalBuffer);
  return FbTensor.endTensor(b);
}

function unionIndex(unionName: string, member: string): number {
  const i = UNIONS[unionName]?.indexOf(member) ?? -1;
  if (i < 0) throw new TypeError(`${member} is not a member of union ${unionName}`);
  return i + 1;
}

function options(b: flatbuffers.Builder, unionName: string, o: BuiltinOptions | undefined): [number, flatbuffers.Offset] {
  if (!o) return [0, 0];
  return [unionIndex(unionName, o.type), writeTable(b, o.type, o.table)];
}

function writeOperator(b: flatbuffers.Builder, op: Operator): flatbuffers.Offset {
  const inputs = FbOperator.createInputsVector(b, op.inputs);
  const outputs = FbOperator.createOutputsVector(b, op.outputs);
  const [optType, opt] = options(b, 'BuiltinOptions', op.builtinOptions);
  const [opt2Type, opt2] = options(b, 'BuiltinOptions2', op.builtinOptions2);
  const custom = op.customOptions?.length ? b.createByteVector(op.customOptions) : 0;
  const mutating = op.mutatingVariableInputs?.length ? FbOperator.createMutatingVariableInputsVector(b, op.mutatingVariableInputs) : 0;
  const intermediates = intVector(b, op.intermediates);
  FbOperator.startOperator(b);
  FbOperator.addOpcodeIndex(b, op.opcodeIndex);
  FbOperator.addInputs(b, inputs);
  FbOperator.addOutputs(b, outputs);
  if (opt) { FbOperator.addBuiltinOptionsType(b, optType); FbOperator.addBuiltinOptions(b, opt); }
  if (custom) FbOperator.addCustomOptions(b, custom);
  FbOperator.addCustomOptionsFormat(b, op.customOptionsFormat);
  if (mutating) FbOperator.addMutatingVariableInputs(b, mutating);
  if (intermediates) FbOperator.addIntermediates(b, intermediates);
  if (op.largeCustomOptionsOffset) FbOperator.addLargeCustomOptionsOffset(b, op.largeCustomOptionsOffset);
  if (op.largeCustomOptionsSize) FbOperator.addLargeCustomOptionsSize(b, op.largeCustomOptionsSize);
  if (opt2) { FbOperator.addBuiltinOptions2Type(b, opt2Type); FbOperator.addBuiltinOptions2(b, opt2); }
  FbOperator.addDebugMetadataIndex(b, op.debugMetadataIndex);
  return FbOperator.endOperator(b);
}
