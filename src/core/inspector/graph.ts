/**
 * The data-flow graph of one subgraph for the inspector's Graph view: one node per operator plus one per subgraph
 * input and output, and one edge per activation tensor from the operator that writes it to each operator that reads
 * it. Constant inputs (weights) are not nodes: they are listed on their consumer as weight shapes (as Netron does),
 * and so is a DEQUANTIZE whose input is a constant (float16 or int8 weights stored compressed): it is folded into
 * the operator that reads its output, which keeps pose_landmark_heavy's 396 weight DEQUANTIZEs off the canvas.
 * An operator's name scope (the `a/b` of `a/b/c`, from its output tensor's name) groups it (graph-scopes.ts).
 * Pure data; the webview lays it out in a worker (webview/lib/graph-layout.ts) and groups it (graph-scopes.ts).
 */
import { formatShape } from '../common/format';
import type { OpCategory } from '../tflite/operators';
import type { OperatorRow, TensorRow } from './tables';

export type GraphNodeKind = 'op' | 'input' | 'output' | 'group';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  /** Opcode, or the tensor name for inputs and outputs. */
  label: string;
  /** Second line: the output shape of an operator, the shape of an input/output tensor. */
  detail: string;
  category: OpCategory | 'io';
  /** Operator index (kind 'op') or tensor index (inputs, outputs); for a group, its first operator. */
  ref: number;
  /** Constant inputs (weights, biases, the stored tensors of folded DEQUANTIZEs): tensor indices, in input order. */
  weights?: number[];
  /** Fused activation, when not NONE. */
  activation?: string;
  /** Operators folded into this node: weight DEQUANTIZEs, or every operator of a collapsed scope (kind 'group'). */
  folded?: number[];
}

export interface GraphEdge {
  from: string;
  to: string;
  tensor: number;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Weight DEQUANTIZE operators folded into their consumers (not nodes of their own). */
  foldedOps?: number;
}

export const opNodeId = (op: number): string => `op${op}`;
export const inputNodeId = (tensor: number): string => `in${tensor}`;
export const outputNodeId = (tensor: number): string => `out${tensor}`;

/** The name scope of a tensor name: up to its last `/` (of the first of `;`-joined names, as the converter writes them). */
export function nameScope(name: string): string {
  const first = name.split(';', 1)[0] ?? '';
  const cut = first.lastIndexOf('/');
  return cut > 0 ? first.slice(0, cut) : '';
}

/** A DEQUANTIZE of a constant: stored weights (float16, int8) expanded at run time; its output is a weight too. */
export function isWeightDequantize(op: OperatorRow, tensors: readonly TensorRow[]): boolean {
  if (op.opcode !== 'DEQUANTIZE') return false;
  const ins = op.inputs.filter((t) => t >= 0);
  return ins.length > 0 && ins.every((t) => tensors[t]?.constant === true);
}

export function buildGraph(operators: readonly OperatorRow[], tensors: readonly TensorRow[], inputs: readonly number[], outputs: readonly number[]): GraphModel {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const source = new Map<number, string>();
  /** Output tensor of a folded DEQUANTIZE -> that operator and the stored weight it expands. */
  const dequantized = new Map<number, { op: number; from: number }>();
  for (const op of operators) {
    if (!isWeightDequantize(op, tensors)) continue;
    const from = op.inputs.find((t) => t >= 0)!;
    for (const t of op.outputs) if (t >= 0) dequantized.set(t, { op: op.index, from });
  }
  const foldedOps = new Set([...dequantized.values()].map((d) => d.op));
  for (const t of inputs) {
    const tensor = tensors[t];
    if (!tensor) continue;
    nodes.push({ id: inputNodeId(t), kind: 'input', label: tensor.name || `tensor ${t}`, detail: formatShape(tensor.shape), category: 'io', ref: t });
    source.set(t, inputNodeId(t));
  }
  for (const op of operators) {
    if (foldedOps.has(op.index)) continue;
    const out = op.outputs[0] !== undefined && op.outputs[0] >= 0 ? tensors[op.outputs[0]] : undefined;
    const node: GraphNode = { id: opNodeId(op.index), kind: 'op', label: op.opcode, detail: out ? formatShape(out.shape) : '', category: op.category, ref: op.index };
    const weights: number[] = [];
    const folded: number[] = [];
    for (const t of op.inputs) {
      const d = t >= 0 ? dequantized.get(t) : undefined;
      if (d) { weights.push(d.from); folded.push(d.op); } else if (t >= 0 && tensors[t]?.constant) weights.push(t);
    }
    if (weights.length) node.weights = weights;
    if (folded.length) node.folded = folded;
    if (op.fusedActivation && op.fusedActivation !== 'NONE') node.activation = op.fusedActivation;
    nodes.push(node);
    for (const t of op.outputs) if (t >= 0) source.set(t, opNodeId(op.index));
  }
  for (const op of operators) {
    if (foldedOps.has(op.index)) continue;
    const seen = new Set<number>();
    for (const t of op.inputs) {
      if (t < 0 || seen.has(t) || dequantized.has(t)) continue;
      seen.add(t);
      const from = source.get(t);
      if (from) edges.push({ from, to: opNodeId(op.index), tensor: t });
    }
  }
  for (const t of outputs) {
    const tensor = tensors[t];
    if (!tensor) continue;
    nodes.push({ id: outputNodeId(t), kind: 'output', label: tensor.name || `tensor ${t}`, detail: formatShape(tensor.shape), category: 'io', ref: t });
    const from = source.get(t);
    if (from) edges.push({ from, to: outputNodeId(t), tensor: t });
  }
  return foldedOps.size ? { nodes, edges, foldedOps: foldedOps.size } : { nodes, edges };
}
