/**
 * The graph layout worker (bundled to a string inside dist/webview.js by scripts/build.mjs and started from a blob
 * URL, which the page's CSP allows as `worker-src blob:`). It receives the nodes' sizes and the edges as typed arrays
 * (the page sizes the nodes: a few ms, where cloning the graph model's objects to the worker took ~50 ms at 5,000
 * nodes), lays them out (webview/lib/graph-layout.ts) and answers with typed arrays, both ways transferred, not
 * copied, so laying out thousands of nodes never blocks the page.
 */
import { placeLayout, placedBuffers, type LayoutInput, type PlacedGraph } from './lib/graph-layout';

export interface LayoutRequest { id: number; input: LayoutInput }
export type LayoutReply = { id: number; placed: PlacedGraph; ms: number } | { id: number; error: string };

const scope = self as unknown as { onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null; postMessage(msg: LayoutReply, transfer: Transferable[]): void };
scope.onmessage = (e) => {
  const { id, input } = e.data;
  const t0 = performance.now();
  try {
    const placed = placeLayout(input);
    scope.postMessage({ id, placed, ms: performance.now() - t0 }, placedBuffers(placed));
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) }, []);
  }
};
