/**
 * The data-flow graph of one subgraph for the inspector's Graph view: one node per operator plus one per subgraph
 * input and output, and one edge per activation tensor from the operator that writes it to each operator that reads
 * it. Constant inputs (weights) are left out: they would triple the node count without showing the data flow; the
 * node details list them. Pure data; the webview lays it out (webview/lib/graph-layout.ts).
 */
import { formatShape } from '../common/format';
import type { OpCategory } from '../tflite/operators';
import type { OperatorRow, TensorRow } from './tables';

export type GraphNodeKind = 'op' | 'input' | 'output';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  /** Opcode, or the tensor name for inputs and outputs. */
  label: string;
  /** Second line: the output shape of an operator, the shape of an input/output tensor. */
  detail: string;
  category: OpCategory | 'io';
  /** Operator index (kind 'op') or tensor index (inputs, outputs). */
  ref: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  tensor: number;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const opNodeId = (op: number): string => `op${op}`;
export const inputNodeId = (tensor: number): string => `in${tensor}`;
export const outputNodeId = (tensor: number): string => `out${tensor}`;

export function buildGraph(operators: readonly OperatorRow[], tensors: readonly TensorRow[], inputs: readonly number[], outputs: readonly number[]): GraphModel {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const source = new Map<number, string>();
  for (const t of inputs) {
    const tensor = tensors[t];
    if (!tensor) continue;
    nodes.push({ id: inputNodeId(t), kind: 'input', label: tensor.name || `tensor ${t}`, detail: formatShape(tensor.shape), category: 'io', ref: t });
    source.set(t, inputNodeId(t));
  }
  for (const op of operators) {
    const out = op.outputs[0] !== undefined && op.outputs[0] >= 0 ? tensors[op.outputs[0]] : undefined;
    nodes.push({ id: opNodeId(op.index), kind: 'op', label: op.opcode, detail: out ? formatShape(out.shape) : '', category: op.category, ref: op.index });
    for (const t of op.outputs) if (t >= 0) source.set(t, opNodeId(op.index));
  }
  for (const op of operators) {
    const seen = new Set<number>();
    for (const t of op.inputs) {
      if (t < 0 || seen.has(t)) continue;
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
  return { nodes, edges };
}
