import { ModelFormatError } from './errors';
import { BuiltinOperator } from './generated/tflite/builtin-operator';
import { TensorType } from './generated/tflite/tensor-type';
import { OFFLINE_MEMORY_ALLOCATION, offlineMemoryPlan } from './metadata';
import type { Model, SubGraph, Tensor } from './model';
import { describeShapeMismatch, firstDeclaredShapeMismatch } from './operator-shapes';
import { opcodeName, tensorTypeName } from './names';
import { tensorByteSize } from './tensor-types';

/** The schema version TFLite and TFLite Micro accept (TFLITE_SCHEMA_VERSION). */
export const TFLITE_SCHEMA_VERSION = 3;

/** Something TFLite or TFLite Micro may trip over, but that does not make the file unreadable. */
export interface ModelWarning {
  where: string;
  message: string;
}

export interface ValidateOptions {
  /** Size of the file the model came from, to check external buffer offsets against. */
  fileSize?: number;
}

const MAX_BUILTIN = Math.max(...Object.values(BuiltinOperator).filter((v): v is number => typeof v === 'number'));
const MAX_TENSOR_TYPE = Math.max(...Object.values(TensorType).filter((v): v is number => typeof v === 'number'));

/** Subgraph indices held in control-flow options: these make up the call graph between subgraphs. */
const SUBGRAPH_FIELDS = ['then_subgraph_index', 'else_subgraph_index', 'cond_subgraph_index', 'body_subgraph_index',
  'init_subgraph_index', 'subgraph', 'decomposition_subgraph_index'];

function fail(where: string, message: string): never {
  throw new ModelFormatError(`${where}: ${message}`);
}

function describeTensor(g: SubGraph, i: number): string {
  const t = g.tensors[i];
  return t?.name ? `tensor ${i} '${t.name}'` : `tensor ${i}`;
}

/**
 * Checks what the flatbuffer verifier cannot: every index and offset in range, constant buffers the size their
 * tensor's shape and type say, operators in an order where each input exists before it is read, and no cycle between
 * subgraphs. Throws ModelFormatError on the first violation (its message says where); returns warnings for what some
 * runtimes reject but the file is still well-formed.
 */
export function validateModel(model: Model, options: ValidateOptions = {}): ModelWarning[] {
  const warnings: ModelWarning[] = [];
  if (model.version !== TFLITE_SCHEMA_VERSION) {
    fail('model', `schema version ${model.version}; TFLite and TFLite Micro only load version ${TFLITE_SCHEMA_VERSION}`);
  }
  if (model.subgraphs.length === 0) fail('model', 'has no subgraphs');
  const nBuffers = model.buffers.length;
  const nCodes = model.operatorCodes.length;
  const nSubgraphs = model.subgraphs.length;

  model.operatorCodes.forEach((c, i) => {
    if (c.builtinCode < 0 || c.builtinCode > MAX_BUILTIN) fail(`operator code ${i}`, `unknown builtin operator ${c.builtinCode}`);
    if (c.builtinCode === BuiltinOperator.CUSTOM && !c.customCode) fail(`operator code ${i}`, 'custom operator without a custom_code name');
    if (c.version < 1) fail(`operator code ${i}`, `version ${c.version}, must be at least 1`);
  });

  model.buffers.forEach((b, i) => {
    if (b.offset > 1n || b.size > 0n) {
      if (b.data.length) fail(`buffer ${i}`, 'has both inline data and an external offset/size');
      if (options.fileSize !== undefined && b.offset + b.size > BigInt(options.fileSize)) {
        fail(`buffer ${i}`, `external data at offset ${b.offset} with size ${b.size} ends past the end of the ${options.fileSize}-byte file`);
      }
    }
  });

  const calls: number[][] = model.subgraphs.map(() => []);
  model.subgraphs.forEach((g, s) => validateSubgraph(model, g, s, nBuffers, nCodes, nSubgraphs, calls[s]!, warnings));
  checkNoSubgraphCycle(calls);

  model.metadata.forEach((m, i) => {
    if (m.buffer >= nBuffers) fail(`metadata ${i} '${m.name}'`, `refers to buffer ${m.buffer}, model has ${nBuffers}`);
  });
  model.metadataBuffer?.forEach((b, i) => {
    if (b < 0 || b >= nBuffers) fail('model', `metadata_buffer[${i}] refers to buffer ${b}, model has ${nBuffers}`);
  });
  const plan = offlineMemoryPlan(model);
  if (plan) {
    const total = model.subgraphs.reduce((n, g) => n + g.tensors.length, 0);
    if (plan.offsets.length !== total) {
      fail(OFFLINE_MEMORY_ALLOCATION, `has ${plan.offsets.length} offsets, but the model has ${total} tensors over all subgraphs (TFLite Micro's AllocateTensors() fails on this)`);
    }
  }

  model.signatureDefs.forEach((sd, i) => {
    const where = `signature ${i} '${sd.signatureKey}'`;
    const g = model.subgraphs[sd.subgraphIndex];
    if (!g) fail(where, `refers to subgraph ${sd.subgraphIndex}, model has ${nSubgraphs}`);
    for (const m of [...sd.inputs, ...sd.outputs]) {
      if (m.tensorIndex >= g.tensors.length) fail(where, `'${m.name}' refers to tensor ${m.tensorIndex}, subgraph ${sd.subgraphIndex} has ${g.tensors.length}`);
    }
    if (sd.inputs.length !== g.inputs.length || sd.outputs.length !== g.outputs.length) {
      warnings.push({ where, message: `lists ${sd.inputs.length} input(s) and ${sd.outputs.length} output(s), subgraph ${sd.subgraphIndex} has ${g.inputs.length} and ${g.outputs.length}: LiteRT refuses to load it ("Signature has incorrect number of input/outputs"); TFLite Micro ignores signatures` });
    }
  });
  // A declared shape the operator does not compute (a damaged file): TFLite Micro sizes the buffer by it.
  const wrong = firstDeclaredShapeMismatch(model);
  if (wrong) {
    const g = model.subgraphs[0]!;
    const code = model.operatorCodes[g.operators[wrong.op]!.opcodeIndex]!;
    warnings.push({ where: `subgraph 0, operator ${wrong.op}`, message: `${describeShapeMismatch(g.tensors[wrong.tensor]!, opcodeName(code), wrong.computed)}: the file is damaged, and TFLite Micro, which sizes the buffer by the declared shape, would read or write past it` });
  }
  return warnings;
}

function validateTensor(model: Model, g: SubGraph, s: number, i: number, t: Tensor, nBuffers: number, warnings: ModelWarning[]): void {
  const where = `subgraph ${s}, ${describeTensor(g, i)}`;
  if (t.type < 0 || t.type > MAX_TENSOR_TYPE) fail(where, `unknown tensor type ${t.type}`);
  if (t.buffer >= nBuffers) fail(where, `refers to buffer ${t.buffer}, model has ${nBuffers}`);
  for (const d of t.shape) if (!(d >= 0)) fail(where, `shape [${t.shape}] has a negative dimension (dynamic sizes belong in shape_signature)`);
  if (t.shapeSignature) {
    if (t.shapeSignature.length !== t.shape.length) fail(where, `shape_signature [${t.shapeSignature}] has rank ${t.shapeSignature.length}, shape [${t.shape}] has rank ${t.shape.length}`);
    t.shapeSignature.forEach((d, k) => {
      if (d !== -1 && d !== t.shape[k]) fail(where, `shape_signature [${t.shapeSignature}] disagrees with shape [${t.shape}]`);
    });
  }
  const q = t.quantization;
  if (q && q.scale.length) {
    if (q.zeroPoint.length !== q.scale.length && q.zeroPoint.length > 1) {
      fail(where, `quantization has ${q.scale.length} scales but ${q.zeroPoint.length} zero points`);
    }
    for (const sc of q.scale) if (!Number.isFinite(sc)) fail(where, `quantization scale ${sc} is not a finite number`);
    if (q.scale.length > 1) {
      const dim = q.quantizedDimension;
      if (dim < 0 || dim >= t.shape.length) {
        // person_detect.tflite ships 1-D biases like this: TFLite Micro ignores the dimension, full TFLite rejects it.
        warnings.push({ where, message: `per-channel quantization along dimension ${dim}, but the tensor has rank ${t.shape.length}; full TFLite rejects this model (TFLite Micro accepts it)` });
      } else if (t.shape[dim] !== q.scale.length) {
        fail(where, `${q.scale.length} per-channel scales along dimension ${dim}, which has size ${t.shape[dim]}`);
      }
    }
  }
  const data = model.buffers[t.buffer]!.data;
  if (data.length && !t.sparsity && t.type !== TensorType.STRING) {
    const expected = tensorByteSize(t.type, t.shape);
    if (expected !== undefined && expected !== data.length) {
      fail(where, `buffer ${t.buffer} holds ${data.length} bytes, but shape [${t.shape}] of ${tensorTypeName(t.type)} needs ${expected}`);
    }
  }
}

function validateSubgraph(model: Model, g: SubGraph, s: number, nBuffers: number, nCodes: number, nSubgraphs: number,
  calls: number[], warnings: ModelWarning[]): void {
  const nTensors = g.tensors.length;
  g.tensors.forEach((t, i) => validateTensor(model, g, s, i, t, nBuffers, warnings));

  // A tensor is available once it is a subgraph input, a constant, a variable, or written by an earlier operator.
  const available = new Uint8Array(nTensors);
  const producer = new Int32Array(nTensors).fill(-1);
  g.inputs.forEach((t, k) => {
    if (t < 0 || t >= nTensors) fail(`subgraph ${s}`, `input ${k} refers to tensor ${t}, subgraph has ${nTensors}`);
    available[t] = 1;
  });
  g.tensors.forEach((t, i) => {
    if (t.isVariable || model.buffers[t.buffer]!.data.length || model.buffers[t.buffer]!.size > 0n) available[i] = 1;
  });

  g.operators.forEach((op, o) => {
    const where = `subgraph ${s}, operator ${o}`;
    if (op.opcodeIndex >= nCodes) fail(where, `refers to operator code ${op.opcodeIndex}, model has ${nCodes}`);
    op.inputs.forEach((t, k) => {
      if (t === -1) return; // omitted optional input
      if (t < -1 || t >= nTensors) fail(where, `input ${k} refers to tensor ${t}, model has ${nTensors}`);
      if (!available[t]) {
        const later = g.operators.findIndex((other, j) => j > o && other.outputs.includes(t));
        if (later >= 0) {
          fail(where, `input ${k} (${describeTensor(g, t)}) is written by operator ${later}, which runs later: operators are not in execution order or form a cycle`);
        }
        // Vela's ethos-u op takes scratch tensors nobody writes; the runtime just allocates them uninitialized.
        warnings.push({ where, message: `input ${k} (${describeTensor(g, t)}) is never written by an operator; it is read uninitialized (a scratch buffer?)` });
        available[t] = 1;
      }
    });
    (op.intermediates ?? []).forEach((t, k) => {
      if (t < 0 || t >= nTensors) fail(where, `intermediate ${k} refers to tensor ${t}, model has ${nTensors}`);
    });
    op.outputs.forEach((t, k) => {
      if (t === -1) return;
      if (t < -1 || t >= nTensors) fail(where, `output ${k} refers to tensor ${t}, model has ${nTensors}`);
      if (producer[t]! >= 0 && !g.tensors[t]!.isVariable) fail(where, `output ${k} (${describeTensor(g, t)}) is also written by operator ${producer[t]}`);
      producer[t] = o;
      available[t] = 1;
    });
    for (const opts of [op.builtinOptions, op.builtinOptions2]) {
      if (!opts) continue;
      for (const field of SUBGRAPH_FIELDS) {
        const v = opts.table[field];
        if (typeof v !== 'number' || (field === 'subgraph' && opts.type !== 'CallOptions')) continue;
        if (v < 0 || v >= nSubgraphs) fail(where, `${opts.type}.${field} refers to subgraph ${v}, model has ${nSubgraphs}`);
        calls.push(v);
      }
    }
  });
  g.outputs.forEach((t, k) => {
    if (t < 0 || t >= nTensors) fail(`subgraph ${s}`, `output ${k} refers to tensor ${t}, subgraph has ${nTensors}`);
    if (!available[t]) fail(`subgraph ${s}`, `output ${k} (${describeTensor(g, t)}) is never written by any operator`);
  });
}

function checkNoSubgraphCycle(calls: number[][]): void {
  const state = new Uint8Array(calls.length); // 0 new, 1 on stack, 2 done
  const visit = (s: number, path: number[]): void => {
    if (state[s] === 2) return;
    if (state[s] === 1) fail('model', `subgraphs call each other in a cycle: ${[...path, s].join(' -> ')}`);
    state[s] = 1;
    for (const c of calls[s]!) visit(c, [...path, s]);
    state[s] = 2;
  };
  for (let s = 0; s < calls.length; s++) visit(s, []);
}
