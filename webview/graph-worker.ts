/**
 * The graph layout worker (bundled to a string inside dist/webview.js by scripts/build.mjs and started from a blob
 * URL, which the page's CSP allows as `worker-src blob:`). It receives a graph model and the tensor shapes, sizes
 * the nodes, lays them out (webview/lib/graph-layout.ts) and answers with typed arrays (transferred, not copied),
 * so laying out thousands of nodes never blocks the page.
 */
import type { GraphModel } from '../src/core/inspector/graph';
import { placeGraph, placedBuffers, type PlacedGraph, type TensorShapes } from './lib/graph-layout';

export interface LayoutRequest { id: number; graph: GraphModel; shapes: TensorShapes }
export type LayoutReply = { id: number; placed: PlacedGraph; ms: number } | { id: number; error: string };

const scope = self as unknown as { onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null; postMessage(msg: LayoutReply, transfer: Transferable[]): void };
scope.onmessage = (e) => {
  const { id, graph, shapes } = e.data;
  const t0 = performance.now();
  try {
    const placed = placeGraph(graph, shapes);
    scope.postMessage({ id, placed, ms: performance.now() - t0 }, placedBuffers(placed));
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) }, []);
  }
};
