/**
 * Automatic top-to-bottom layout of the inspector graph with dagre (synchronous, no eval, works in the webview).
 * It runs in the webview, never in the extension host: a few hundred operators take a few hundred milliseconds.
 */
import dagre from '@dagrejs/dagre';
import type { GraphModel, GraphNode } from '../../src/core/inspector/graph';

export interface PlacedNode {
  node: GraphNode;
  /** Centre. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  tensor: number;
  points: { x: number; y: number }[];
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export const NODE_HEIGHT = 40;
/** Average advance of the 12 px monospace font the page draws labels with. */
const CHAR_WIDTH = 7.3;
const MAX_LABEL_CHARS = 28;

export function nodeWidth(node: GraphNode): number {
  const chars = Math.min(MAX_LABEL_CHARS, Math.max(node.label.length, node.detail.length));
  return Math.max(96, Math.ceil(chars * CHAR_WIDTH) + 24);
}

/** Graphs above this size skip dagre's crossing-minimisation sweeps, which dominate its time (≈2× faster). */
const CAREFUL_ORDER_LIMIT = 250;

export function layoutGraph(graph: GraphModel): GraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: nodeWidth(n), height: NODE_HEIGHT });
  graph.edges.forEach((e, i) => g.setEdge(e.from, e.to, {}, `e${i}`));
  dagre.layout(g, { disableOptimalOrderHeuristic: graph.nodes.length > CAREFUL_ORDER_LIMIT });

  const nodes = graph.nodes.map((node) => {
    const p = g.node(node.id) as { x: number; y: number; width: number; height: number };
    return { node, x: p.x, y: p.y, width: p.width, height: p.height };
  });
  const edges = graph.edges.map((e, i) => {
    const p = g.edge(e.from, e.to, `e${i}`) as { points?: { x: number; y: number }[] };
    return { from: e.from, to: e.to, tensor: e.tensor, points: p.points ?? [] };
  });
  const label = g.graph() as { width?: number; height?: number };
  return { nodes, edges, width: label.width ?? 0, height: label.height ?? 0 };
}
