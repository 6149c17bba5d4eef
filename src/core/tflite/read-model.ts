import type * as flatbuffers from 'flatbuffers';
import { CheckedByteBuffer } from './checked-byte-buffer';
import { ModelFormatError } from './errors';
import { UNIONS } from './generated-meta/table-schema';
import { BuiltinOperator } from './generated/tflite/builtin-operator';
import { DimensionMetadata as FbDimensionMetadata } from './generated/tflite/dimension-metadata';
import { Model as FbModel } from './generated/tflite/model';
import { Operator as FbOperator } from './generated/tflite/operator';
import { QuantizationParameters as FbQuantizationParameters } from './generated/tflite/quantization-parameters';
import { SparsityParameters as FbSparsityParameters } from './generated/tflite/sparsity-parameters';
import { Tensor as FbTensor } from './generated/tflite/tensor';
import type {
  Buffer, BuiltinOptions, DimensionMetadata, Model, Operator, OperatorCode, QuantParams, SignatureDef,
  SparseIndexVector, SparsityParameters, SubGraph, Tensor,
} from './model';
import { readTable } from './table-codec';

export const TFLITE_FILE_IDENTIFIER = 'TFL3';

/**
 * Decodes a .tflite flatbuffer into a `Model`. Weight bytes stay zero-copy views of `bytes`, so the caller must not
 * mutate `bytes` while the model is in use. Every read is bounds-checked: corrupt input throws ModelFormatError and
 * nothing else. Structural checks (indices, sizes, execution order) are `validateModel`'s job.
 */
export function readModel(bytes: Uint8Array): Model {
  if (bytes.length < 8) throw new ModelFormatError(`file is too small to be a .tflite model (${bytes.length} bytes)`);
  const ident = String.fromCharCode(bytes[4]!, bytes[5]!, bytes[6]!, bytes[7]!);
  if (ident !== TFLITE_FILE_IDENTIFIER) {
    const other = otherFormat(bytes);
    throw new ModelFormatError(`not a TFLite model: file identifier is ${JSON.stringify(ident)}, expected "TFL3"${other ? `; it looks like ${other}` : ''}`);
  }
  try {
    return decodeModel(new CheckedByteBuffer(bytes));
  } catch (e) {
    const message = e instanceof ModelFormatError ? e.message : `corrupt flatbuffer: ${(e as Error).message}`;
    // A read past the end or a broken offset: a valid header with damaged contents, most often a file cut short.
    if (!message.startsWith('corrupt flatbuffer')) throw e;
    throw new ModelFormatError(`${message}. The file is damaged or cut short (an interrupted download or copy?): copy or export it again`);
  }
}

/** Files users give in place of a model, by their first bytes: what it is, and what to do instead. */
const OTHER_FORMATS: readonly { magic: string; what: string }[] = [
  { magic: 'version https://git-lfs', what: 'a Git LFS pointer, not the model itself: run `git lfs pull` to fetch it' },
  { magic: '\x93NUMPY', what: 'a .npy array: data, not a model (quantize takes it as --data)' },
  { magic: '\x89HDF', what: 'a Keras/HDF5 model: convert it to .tflite with the TensorFlow Lite converter first' },
  { magic: 'PK\x03\x04', what: 'a zip archive (a .npz array, or a .keras or SavedModel archive: convert that to .tflite first)' },
  { magic: '\x89PNG', what: 'a PNG image' },
  { magic: '\xFF\xD8\xFF', what: 'a JPEG image' },
  { magic: 'RIFF', what: 'a RIFF file (e.g. .wav audio)' },
];

function otherFormat(bytes: Uint8Array): string | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, 32));
  return OTHER_FORMATS.find((f) => head.startsWith(f.magic))?.what;
}

type NumVectorAccessor = { (i: number): number | null };

function numVector(length: number, at: NumVectorAccessor): number[] {
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) out[i] = at(i) ?? 0;
  return out;
}

/** Present-but-empty optional vectors decode as absent: TFLite gives an empty vector no extra meaning here. */
function optionalNumVector(length: number, at: NumVectorAccessor): number[] | undefined {
  return length ? numVector(length, at) : undefined;
}

function unionTable(bb: CheckedByteBuffer, unionName: string, type: number, get: (t: flatbuffers.Table) => flatbuffers.Table | null):
  { type: string; table: Record<string, import('./table-codec').OptionValue> } | undefined {
  if (!type) return undefined;
  const name = UNIONS[unionName]?.[type - 1];
  if (!name) throw new ModelFormatError(`unknown ${unionName} type ${type}`);
  const t = get({ bb: null, bb_pos: 0 } as unknown as flatbuffers.Table);
  if (!t) return undefined;
  return { type: name, table: readTable(bb, t.bb_pos, name) };
}

function decodeQuantization(bb: CheckedByteBuffer, q: FbQuantizationParameters): QuantParams {
  const zeroPoint = new Array<number>(q.zeroPointLength());
  for (let i = 0; i < zeroPoint.length; i++) zeroPoint[i] = Number(q.zeroPoint(i) ?? 0n);
  const out: QuantParams = {
    scale: numVector(q.scaleLength(), (i) => q.scale(i)),
    zeroPoint,
    quantizedDimension: q.quantizedDimension(),
  };
  const min = optionalNumVector(q.minLength(), (i) => q.min(i));
  const max = optionalNumVector(q.maxLength(), (i) => q.max(i));
  if (min) out.min = min;
  if (max) out.max = max;
  const details = unionTable(bb, 'QuantizationDetails', q.detailsType(), (t) => q.details(t));
  if (details) out.details = details;
  return out;
}

function decodeSparseIndexVector(bb: CheckedByteBuffer, type: number, get: (t: flatbuffers.Table) => flatbuffers.Table | null): SparseIndexVector | undefined {
  const u = unionTable(bb, 'SparseIndexVector', type, get);
  if (!u) return undefined;
  const values = u.table['values'];
  const arr = values instanceof Uint8Array ? Array.from(values) : Array.isArray(values) ? values.map(Number) : [];
  return { type: u.type as SparseIndexVector['type'], values: arr };
}

function decodeSparsity(bb: CheckedByteBuffer, s: FbSparsityParameters): SparsityParameters {
  const out: SparsityParameters = {};
  const traversalOrder = optionalNumVector(s.traversalOrderLength(), (i) => s.traversalOrder(i));
  const blockMap = optionalNumVector(s.blockMapLength(), (i) => s.blockMap(i));
  if (traversalOrder) out.traversalOrder = traversalOrder;
  if (blockMap) out.blockMap = blockMap;
  const n = s.dimMetadataLength();
  if (n) {
    const dims: DimensionMetadata[] = [];
    const d = new FbDimensionMetadata();
    for (let i = 0; i < n; i++) {
      if (!s.dimMetadata(i, d)) continue;
      const dm: DimensionMetadata = { format: d.format(), denseSize: d.denseSize() };
      const seg = decodeSparseIndexVector(bb, d.arraySegmentsType(), (t) => d.arraySegments(t));
      const idx = decodeSparseIndexVector(bb, d.arrayIndicesType(), (t) => d.arrayIndices(t));
      if (seg) dm.arraySegments = seg;
      if (idx) dm.arrayIndices = idx;
      dims.push(dm);
    }
    out.dimMetadata = dims;
  }
  return out;
}

function decodeTensor(bb: CheckedByteBuffer, t: FbTensor): Tensor {
  const tensor: Tensor = {
    name: t.name() ?? '',
    type: t.type(),
    shape: numVector(t.shapeLength(), (i) => t.shape(i)),
    buffer: t.buffer(),
    isVariable: t.isVariable(),
    hasRank: t.hasRank(),
    externalBuffer: t.externalBuffer(),
  };
  const sig = optionalNumVector(t.shapeSignatureLength(), (i) => t.shapeSignature(i));
  if (sig) tensor.shapeSignature = sig;
  const q = t.quantization();
  if (q) tensor.quantization = decodeQuantization(bb, q);
  const s = t.sparsity();
  if (s) tensor.sparsity = decodeSparsity(bb, s);
  const nv = t.variantTensorsLength();
  if (nv) {
    tensor.variantTensors = [];
    for (let i = 0; i < nv; i++) {
      const v = t.variantTensors(i);
      if (!v) continue;
      const shape = optionalNumVector(v.shapeLength(), (j) => v.shape(j));
      tensor.variantTensors.push({ ...(shape ? { shape } : {}), type: v.type(), hasRank: v.hasRank() });
    }
  }
  return tensor;
}

function bytesView(length: number, arrayOf: () => Uint8Array | null): Uint8Array | undefined {
  return length ? arrayOf() ?? undefined : undefined;
}

function decodeOperator(bb: CheckedByteBuffer, o: FbOperator): Operator {
  const op: Operator = {
    opcodeIndex: o.opcodeIndex(),
    inputs: numVector(o.inputsLength(), (i) => o.inputs(i)),
    outputs: numVector(o.outputsLength(), (i) => o.outputs(i)),
    customOptionsFormat: o.customOptionsFormat(),
    debugMetadataIndex: o.debugMetadataIndex(),
  };
  const intermediates = optionalNumVector(o.intermediatesLength(), (i) => o.intermediates(i));
  if (intermediates) op.intermediates = intermediates;
  const opts: BuiltinOptions | undefined = unionTable(bb, 'BuiltinOptions', o.builtinOptionsType(), (t) => o.builtinOptions(t));
  if (opts) op.builtinOptions = opts;
  const opts2: BuiltinOptions | undefined = unionTable(bb, 'BuiltinOptions2', o.builtinOptions2Type(), (t) => o.builtinOptions2(t));
  if (opts2) op.builtinOptions2 = opts2;
  const custom = bytesView(o.customOptionsLength(), () => o.customOptionsArray());
  if (custom) op.customOptions = custom;
  const nm = o.mutatingVariableInputsLength();
  if (nm) op.mutatingVariableInputs = Array.from({ length: nm }, (_, i) => !!o.mutatingVariableInputs(i));
  const lo = o.largeCustomOptionsOffset();
  const ls = o.largeCustomOptionsSize();
  if (lo || ls) { op.largeCustomOptionsOffset = lo; op.largeCustomOptionsSize = ls; }
  return op;
}

function decodeModel(bb: CheckedByteBuffer): Model {
  const m = FbModel.getRootAsModel(bb);

  const operatorCodes: OperatorCode[] = [];
  for (let i = 0, n = m.operatorCodesLength(); i < n; i++) {
    const c = m.operatorCodes(i);
    if (!c) throw new ModelFormatError(`operator code ${i} is missing`);
    const deprecated = c.deprecatedBuiltinCode();
    // TFLite resolves the code as the larger of the two fields (old files only set the int8 one, new ones put 127
    // there when the real code does not fit in int8).
    const builtinCode = Math.max(deprecated, c.builtinCode()) as BuiltinOperator;
    const code: OperatorCode = { builtinCode, deprecatedBuiltinCode: deprecated, version: c.version() };
    const custom = c.customCode();
    if (custom !== null) code.customCode = custom;
    operatorCodes.push(code);
  }

  const subgraphs: SubGraph[] = [];
  const fbTensor = new FbTensor();
  const fbOperator = new FbOperator();
  for (let s = 0, ns = m.subgraphsLength(); s < ns; s++) {
    const g = m.subgraphs(s);
    if (!g) throw new ModelFormatError(`subgraph ${s} is missing`);
    const tensors: Tensor[] = new Array(g.tensorsLength());
    for (let i = 0; i < tensors.length; i++) {
      if (!g.tensors(i, fbTensor)) throw new ModelFormatError(`subgraph ${s}: tensor ${i} is missing`);
      tensors[i] = decodeTensor(bb, fbTensor);
    }
    const operators: Operator[] = new Array(g.operatorsLength());
    for (let i = 0; i < operators.length; i++) {
      if (!g.operators(i, fbOperator)) throw new ModelFormatError(`subgraph ${s}: operator ${i} is missing`);
      operators[i] = decodeOperator(bb, fbOperator);
    }
    const sub: SubGraph = {
      tensors,
      inputs: numVector(g.inputsLength(), (i) => g.inputs(i)),
      outputs: numVector(g.outputsLength(), (i) => g.outputs(i)),
      operators,
      debugMetadataIndex: g.debugMetadataIndex(),
    };
    const name = g.name();
    if (name !== null) sub.name = name;
    subgraphs.push(sub);
  }

  const buffers: Buffer[] = new Array(m.buffersLength());
  for (let i = 0; i < buffers.length; i++) {
    const b = m.buffers(i);
    if (!b) throw new ModelFormatError(`buffer ${i} is missing`);
    const len = b.dataLength();
    buffers[i] = { data: len ? b.dataArray()! : EMPTY, offset: b.offset(), size: b.size() };
  }

  const metadata = [];
  for (let i = 0, n = m.metadataLength(); i < n; i++) {
    const md = m.metadata(i);
    if (md) metadata.push({ name: md.name() ?? '', buffer: md.buffer() });
  }

  const signatureDefs: SignatureDef[] = [];
  for (let i = 0, n = m.signatureDefsLength(); i < n; i++) {
    const sd = m.signatureDefs(i);
    if (!sd) continue;
    const maps = (len: number, get: (j: number) => { name(): string | null; tensorIndex(): number } | null) => {
      const out = [];
      for (let j = 0; j < len; j++) { const t = get(j); if (t) out.push({ name: t.name() ?? '', tensorIndex: t.tensorIndex() }); }
      return out;
    };
    signatureDefs.push({
      signatureKey: sd.signatureKey() ?? '',
      subgraphIndex: sd.subgraphIndex(),
      inputs: maps(sd.inputsLength(), (j) => sd.inputs(j)),
      outputs: maps(sd.outputsLength(), (j) => sd.outputs(j)),
    });
  }

  const model: Model = { version: m.version(), operatorCodes, subgraphs, buffers, metadata, signatureDefs };
  const description = m.description();
  if (description !== null) model.description = description;
  const metadataBuffer = optionalNumVector(m.metadataBufferLength(), (i) => m.metadataBuffer(i));
  if (metadataBuffer) model.metadataBuffer = metadataBuffer;
  const ng = m.externalBufferGroupsLength();
  if (ng) {
    model.externalBufferGroups = [];
    for (let i = 0; i < ng; i++) {
      const g = m.externalBufferGroups(i);
      const name = g?.name();
      model.externalBufferGroups.push(name != null ? { name } : {});
    }
  }
  const ne = m.externalBuffersLength();
  if (ne) {
    model.externalBuffers = [];
    for (let i = 0; i < ne; i++) {
      const e = m.externalBuffers(i);
      if (!e) continue;
      const packing = e.packing();
      model.externalBuffers.push({ id: e.id(), group: e.group(), offset: e.offset(), length: e.length(), ...(packing != null ? { packing } : {}) });
    }
  }
  return model;
}

const EMPTY = new Uint8Array(0);
