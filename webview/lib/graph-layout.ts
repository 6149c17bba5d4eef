/**
 * Layered (Sugiyama-style) top-to-bottom layout of the inspector graph, written for TFLite graphs (mostly chains with
 * branches and skip connections) of up to tens of thousands of nodes. Every step is a loop over flat arrays: no
 * recursion (dagre's recursive ranking overflowed the stack on a 5,000-operator model), no allocation per node
 * beyond a few typed arrays. It runs in a Web Worker (graph-worker.ts) so the page never waits for it.
 *
 * 1. Ranking: Kahn's topological order, then longest path from the sources (rank = 1 + max rank of the
 *    predecessors). A source that is not a subgraph input is pulled down to just above its first consumer, so a
 *    branch that starts from nothing sits beside the node it feeds, not at the top. (Edges closing a cycle, which
 *    a valid TFLite subgraph does not have, are ignored.)
 * 2. Long edges: an edge spanning k > 1 ranks gets k - 1 dummy nodes, one per rank it crosses, so ordering sees
 *    it and it is routed around the nodes in between (edges spanning more than MAX_DUMMY_SPAN ranks are drawn
 *    straight and left out of the ordering, which bounds the dummy count).
 * 3. Ordering (crossing reduction): the first down sweep orders each rank by the barycenter (mean position) of the
 *    node's neighbours in the rank above; then SWEEPS alternate up and down sweeps by the rank below / above. A node
 *    without neighbours on that side keeps its position.
 * 4. Coordinates: ranks packed left to right, then a few passes that move each node to the mean x of its
 *    neighbours on the previous rank (down passes) or the next (up passes), resolved against the minimum gap by
 *    averaging two feasible placements: pushing right from the left end (x_i = max(want_i, x_{i-1} + gap)) and
 *    pushing left from the right end. A chain ends up a straight vertical line, a branch fans out symmetrically.
 * 5. y is the sum of the rank heights and the rank gaps; edges are polylines through their dummies.
 *
 * Cost: O((V + E + D) log V) per sweep (D = dummies), a few sweeps; about 50 ms for 10,000 nodes.
 */
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

/** What the worker gets: sizes and edges as flat arrays (node i, edge j from edges[2j] to edges[2j+1]). */
export interface LayoutInput {
  widths: Float64Array;
  heights: Float64Array;
  edges: Int32Array;
}

/** What the worker returns: node centres, and per edge a polyline [x0, y0, x1, y1, …] in `points` from `pointStart[j]`. */
export interface LayoutResult {
  x: Float64Array;
  y: Float64Array;
  pointStart: Int32Array;
  points: Float64Array;
  width: number;
  height: number;
}

export const NODE_HEIGHT = 40;
/** A node with weights shows them on a third line. */
export const NODE_HEIGHT_WEIGHTS = 54;
/** Average advance of the 12 px monospace font the page draws labels with. */
export const CHAR_WIDTH = 7.3;
export const MAX_LABEL_CHARS = 28;
const NODE_SEP = 24;
const DUMMY_WIDTH = 8;
const RANK_SEP = 36;
const MARGIN = 16;
const SWEEPS = 4;
const COORD_PASSES = 4;
const MAX_DUMMY_SPAN = 400;

/** Shapes of tensors by index, for the weights line (the subgraph's tensor table). */
export type TensorShapes = readonly { shape: readonly number[] }[];

export function nodeWidth(node: GraphNode, tensors: TensorShapes = []): number {
  const chars = Math.min(MAX_LABEL_CHARS, Math.max(node.label.length, nodeDetail(node).length, weightLine(node, tensors).length));
  return Math.max(96, Math.ceil(chars * CHAR_WIDTH) + 24);
}

export function nodeHeight(node: GraphNode): number {
  return node.weights?.length ? NODE_HEIGHT_WEIGHTS : NODE_HEIGHT;
}

/** Second line of a node: the output shape, then the fused activation. */
export function nodeDetail(node: GraphNode): string {
  return node.activation ? `${node.detail} · ${node.activation}` : node.detail;
}

/** Third line: the weights' shapes, compact, e.g. `W 32×3×3×3 · 32` (types are in the details panel). */
export function weightLine(node: GraphNode, tensors: TensorShapes): string {
  if (!node.weights?.length) return '';
  return `W ${node.weights.map((t) => (tensors[t]?.shape ?? []).join('×') || 'scalar').join(' · ')}`;
}

/** The flat input of `layeredLayout` for a graph model. */
export function layoutInput(graph: GraphModel, tensors: TensorShapes = []): LayoutInput {
  const index = new Map<string, number>();
  graph.nodes.forEach((n, i) => index.set(n.id, i));
  const widths = new Float64Array(graph.nodes.length);
  const heights = new Float64Array(graph.nodes.length);
  graph.nodes.forEach((n, i) => { widths[i] = nodeWidth(n, tensors); heights[i] = nodeHeight(n); });
  const edges = new Int32Array(graph.edges.length * 2);
  graph.edges.forEach((e, j) => { edges[2 * j] = index.get(e.from) ?? -1; edges[2 * j + 1] = index.get(e.to) ?? -1; });
  return { widths, heights, edges };
}

/** Compressed adjacency (CSR): the neighbours of v are list[start[v] .. start[v + 1]). */
interface Adjacency { start: Int32Array; list: Int32Array }

function adjacency(n: number, from: ArrayLike<number>, to: ArrayLike<number>, count: number): Adjacency {
  const start = new Int32Array(n + 1);
  for (let j = 0; j < count; j++) start[from[j]! + 1]!++;
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, n);
  const list = new Int32Array(count);
  for (let j = 0; j < count; j++) list[fill[from[j]!]!++] = to[j]!;
  return { start, list };
}

export function layeredLayout(input: LayoutInput): LayoutResult {
  const n = input.widths.length;
  const m = input.edges.length / 2;
  // Valid edges only (both ends known, no self-loops).
  const ef: number[] = [];
  const et: number[] = [];
  const edgeOf: number[] = [];
  for (let j = 0; j < m; j++) {
    const a = input.edges[2 * j]!;
    const b = input.edges[2 * j + 1]!;
    if (a >= 0 && b >= 0 && a < n && b < n && a !== b) { ef.push(a); et.push(b); edgeOf.push(j); }
  }
  const succ = adjacency(n, ef, et, ef.length);
  const pred = adjacency(n, et, ef, ef.length);

  // 1. Topological order (Kahn), longest-path ranks.
  const indeg = new Int32Array(n);
  for (const b of et) indeg[b]!++;
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let v = 0; v < n; v++) if (indeg[v] === 0) order[tail++] = v;
  const placed = new Uint8Array(n);
  while (tail < n) {
    while (head < tail) {
      const v = order[head++]!;
      placed[v] = 1;
      for (let k = succ.start[v]!; k < succ.start[v + 1]!; k++) {
        const w = succ.list[k]!;
        if (--indeg[w]! === 0) order[tail++] = w;
      }
    }
    if (tail < n) { // a cycle: release its first unplaced node
      let v = 0;
      while (placed[v] || indeg[v] === 0) v++;
      indeg[v] = 0;
      order[tail++] = v;
    }
  }
  while (head < tail) placed[order[head++]!] = 1;
  const topo = new Int32Array(n);
  order.forEach((v, i) => { topo[v] = i; });
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = order[i]!;
    for (let k = pred.start[v]!; k < pred.start[v + 1]!; k++) {
      const u = pred.list[k]!;
      if (topo[u]! < i) rank[v] = Math.max(rank[v]!, rank[u]! + 1);
    }
  }
  // Sources that feed something later are pulled down next to their first consumer; rank-0 sources whose
  // consumers are on rank 1 (the subgraph inputs, typically) stay on top.
  for (let i = n - 1; i >= 0; i--) {
    const v = order[i]!;
    if (pred.start[v + 1]! - pred.start[v]! > 0 || succ.start[v + 1]! - succ.start[v]! === 0) continue;
    let lowest = Infinity;
    for (let k = succ.start[v]!; k < succ.start[v + 1]!; k++) lowest = Math.min(lowest, rank[succ.list[k]!]!);
    if (lowest - 1 > rank[v]!) rank[v] = lowest - 1;
  }
  let ranks = 0;
  for (let v = 0; v < n; v++) ranks = Math.max(ranks, rank[v]! + 1);

  // 2. Dummy nodes on long edges. Layer node ids: 0..n-1 real, n.. dummies.
  const lRank: number[] = Array.from(rank);
  const lWidth: number[] = Array.from(input.widths);
  const chainStart: number[] = [];
  const chain: number[] = [];
  const lf: number[] = [];
  const lt: number[] = [];
  for (let e = 0; e < ef.length; e++) {
    const a = ef[e]!;
    const b = et[e]!;
    chainStart.push(chain.length);
    chain.push(a);
    const span = rank[b]! - rank[a]!;
    if (span >= 1 && span <= MAX_DUMMY_SPAN) {
      let prev = a;
      for (let r = rank[a]! + 1; r < rank[b]!; r++) {
        const d = lRank.length;
        lRank.push(r);
        lWidth.push(DUMMY_WIDTH);
        chain.push(d);
        lf.push(prev); lt.push(d);
        prev = d;
      }
      lf.push(prev); lt.push(b);
    }
    chain.push(b);
  }
  chainStart.push(chain.length);
  const total = lRank.length;
  const down = adjacency(total, lf, lt, lf.length);
  const up = adjacency(total, lt, lf, lf.length);

  // 3. Ordering. Initial: by topological index (dummies after their source, in creation order).
  const layers: number[][] = Array.from({ length: ranks }, () => []);
  const key = new Float64Array(total);
  for (let v = 0; v < total; v++) key[v] = v < n ? topo[v]! : n + v;
  const byKey = (a: number, b: number) => key[a]! - key[b]! || a - b;
  for (let v = 0; v < total; v++) layers[lRank[v]!]!.push(v);
  const pos = new Float64Array(total);
  const renumber = (layer: number[]) => { layer.sort(byKey); layer.forEach((v, i) => { pos[v] = i; }); };
  for (const layer of layers) renumber(layer);
  const sweep = (r: number, adj: Adjacency) => {
    const layer = layers[r]!;
    for (const v of layer) {
      let sum = 0;
      let cnt = 0;
      for (let k = adj.start[v]!; k < adj.start[v + 1]!; k++) { sum += pos[adj.list[k]!]!; cnt++; }
      key[v] = cnt ? sum / cnt : pos[v]!;
    }
    renumber(layer);
  };
  for (let r = 1; r < ranks; r++) sweep(r, up);
  for (let s = 0; s < SWEEPS; s++) {
    if (s % 2 === 0) for (let r = ranks - 2; r >= 0; r--) sweep(r, down);
    else for (let r = 1; r < ranks; r++) sweep(r, up);
  }

  // 4. x coordinates.
  const x = new Float64Array(total);
  const gapAfter = (layer: number[], i: number) => (lWidth[layer[i]!]! + lWidth[layer[i + 1]!]!) / 2 + NODE_SEP;
  for (const layer of layers) {
    let cx = 0;
    layer.forEach((v, i) => { if (i > 0) cx += gapAfter(layer, i - 1); x[v] = cx; });
    const shift = cx / 2;
    for (const v of layer) x[v]! -= shift;
  }
  const want = new Float64Array(total);
  const fwd = new Float64Array(total);
  const bwd = new Float64Array(total);
  const place = (r: number, adj: Adjacency) => {
    const layer = layers[r]!;
    if (!layer.length) return;
    for (const v of layer) {
      let sum = 0;
      let cnt = 0;
      for (let k = adj.start[v]!; k < adj.start[v + 1]!; k++) { sum += x[adj.list[k]!]!; cnt++; }
      want[v] = cnt ? sum / cnt : x[v]!;
    }
    for (let i = 0; i < layer.length; i++) {
      const v = layer[i]!;
      fwd[v] = i === 0 ? want[v]! : Math.max(want[v]!, fwd[layer[i - 1]!]! + gapAfter(layer, i - 1));
    }
    for (let i = layer.length - 1; i >= 0; i--) {
      const v = layer[i]!;
      bwd[v] = i === layer.length - 1 ? want[v]! : Math.min(want[v]!, bwd[layer[i + 1]!]! - gapAfter(layer, i));
    }
    for (const v of layer) x[v] = (fwd[v]! + bwd[v]!) / 2;
  };
  for (let p = 0; p < COORD_PASSES; p++) {
    for (let r = 1; r < ranks; r++) place(r, up);
    for (let r = ranks - 2; r >= 0; r--) place(r, down);
  }
  // A last down pass settles the children under their (now final) parents.
  for (let r = 1; r < ranks; r++) place(r, up);

  // 5. y coordinates, normalisation, edges.
  const rankHeight = new Float64Array(ranks);
  for (let v = 0; v < n; v++) rankHeight[rank[v]!] = Math.max(rankHeight[rank[v]!]!, input.heights[v]!);
  const rankTop = new Float64Array(ranks);
  let cy = MARGIN;
  for (let r = 0; r < ranks; r++) { rankTop[r] = cy; cy += rankHeight[r]! + RANK_SEP; }
  const height = ranks ? cy - RANK_SEP + MARGIN : 2 * MARGIN;
  let minX = Infinity;
  let maxX = -Infinity;
  for (let v = 0; v < total; v++) { minX = Math.min(minX, x[v]! - lWidth[v]! / 2); maxX = Math.max(maxX, x[v]! + lWidth[v]! / 2); }
  if (!total) { minX = 0; maxX = 0; }
  const dx = MARGIN - minX;
  const cyOf = (v: number) => rankTop[lRank[v]!]! + rankHeight[lRank[v]!]! / 2;
  const outX = new Float64Array(n);
  const outY = new Float64Array(n);
  for (let v = 0; v < n; v++) { outX[v] = x[v]! + dx; outY[v] = cyOf(v); }

  const pointStart = new Int32Array(m + 1).fill(-1);
  const pts: number[] = [];
  const validOf = new Int32Array(m).fill(-1);
  edgeOf.forEach((j, e) => { validOf[j] = e; });
  for (let j = 0; j < m; j++) {
    pointStart[j] = pts.length;
    const e = validOf[j]!;
    if (e < 0) continue;
    const c0 = chainStart[e]!;
    const c1 = chainStart[e + 1]!;
    for (let c = c0; c < c1; c++) {
      const v = chain[c]!;
      let py = cyOf(v);
      if (c === c0) py += input.heights[v]! / 2;
      else if (c === c1 - 1) py -= input.heights[v]! / 2;
      pts.push(x[v]! + dx, py);
    }
  }
  pointStart[m] = pts.length;
  return { x: outX, y: outY, pointStart, points: Float64Array.from(pts), width: maxX - minX + 2 * MARGIN, height };
}

/** A laid-out graph as the page draws it: sizes, the layout, and node and edge bounding boxes (x0, y0, x1, y1 each). */
export interface PlacedGraph {
  input: LayoutInput;
  result: LayoutResult;
  boxes: Float64Array;
  edgeBoxes: Float64Array;
}

/** Everything between a graph model and drawing it, in one call (the page when it has no worker, and tests). */
export function placeGraph(graph: GraphModel, tensors: TensorShapes): PlacedGraph {
  return placeLayout(layoutInput(graph, tensors));
}

/**
 * The layout and the bounding boxes of a layout input: what the worker runs. The page sends it only the flat input
 * (typed arrays, moved not copied): a structured clone of the graph model's objects cost the page ~50 ms at 5,000 nodes.
 */
export function placeLayout(input: LayoutInput): PlacedGraph {
  const result = layeredLayout(input);
  const n = input.widths.length;
  const boxes = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const hw = input.widths[i]! / 2;
    const hh = input.heights[i]! / 2;
    boxes[4 * i] = result.x[i]! - hw; boxes[4 * i + 1] = result.y[i]! - hh; boxes[4 * i + 2] = result.x[i]! + hw; boxes[4 * i + 3] = result.y[i]! + hh;
  }
  const m = input.edges.length / 2;
  const edgeBoxes = new Float64Array(4 * m);
  for (let j = 0; j < m; j++) {
    let ex0 = Infinity; let ey0 = Infinity; let ex1 = -Infinity; let ey1 = -Infinity;
    for (let k = result.pointStart[j]!; k < result.pointStart[j + 1]!; k += 2) {
      ex0 = Math.min(ex0, result.points[k]!); ex1 = Math.max(ex1, result.points[k]!);
      ey0 = Math.min(ey0, result.points[k + 1]!); ey1 = Math.max(ey1, result.points[k + 1]!);
    }
    edgeBoxes[4 * j] = ex0; edgeBoxes[4 * j + 1] = ey0; edgeBoxes[4 * j + 2] = ex1; edgeBoxes[4 * j + 3] = ey1;
  }
  return { input, result, boxes, edgeBoxes };
}

/** The typed arrays of a layout input, to transfer to the worker instead of copying. */
export function inputBuffers(input: LayoutInput): ArrayBuffer[] {
  return [input.widths, input.heights, input.edges].map((a) => a.buffer as ArrayBuffer);
}

/** The typed arrays of a placed graph, to transfer from the worker instead of copying. */
export function placedBuffers(p: PlacedGraph): ArrayBuffer[] {
  return [p.input.widths, p.input.heights, p.input.edges, p.result.x, p.result.y, p.result.pointStart, p.result.points, p.boxes, p.edgeBoxes]
    .map((a) => a.buffer as ArrayBuffer);
}

/** The layout of a graph model as objects (tests, and the page when it has no worker). */
export function layoutGraph(graph: GraphModel, tensors: TensorShapes = []): GraphLayout {
  const input = layoutInput(graph, tensors);
  return toGraphLayout(graph, input, layeredLayout(input));
}

export function toGraphLayout(graph: GraphModel, input: LayoutInput, r: LayoutResult): GraphLayout {
  const nodes = graph.nodes.map((node, i) => ({ node, x: r.x[i]!, y: r.y[i]!, width: input.widths[i]!, height: input.heights[i]! }));
  const edges = graph.edges.map((e, j) => {
    const points: { x: number; y: number }[] = [];
    for (let k = r.pointStart[j]!; k < r.pointStart[j + 1]!; k += 2) points.push({ x: r.points[k]!, y: r.points[k + 1]! });
    return { from: e.from, to: e.to, tensor: e.tensor, points };
  });
  return { nodes, edges, width: r.width, height: r.height };
}
