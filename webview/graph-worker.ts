/**
 * The graph layout worker (bundled to a string inside dist/webview.js by scripts/build.mjs and started from a blob
 * URL, which the page's CSP allows as `worker-src blob:`). It receives a graph's node sizes and edges as typed
 * arrays and answers with the node centres and edge polylines (webview/lib/graph-layout.ts), so laying out
 * thousands of nodes never blocks the page.
 */
import { layeredLayout, type LayoutInput, type LayoutResult } from './lib/graph-layout';

export interface LayoutRequest { id: number; input: LayoutInput }
export type LayoutReply = { id: number; result: LayoutResult; ms: number } | { id: number; error: string };

const scope = self as unknown as { onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null; postMessage(msg: LayoutReply, transfer: Transferable[]): void };
scope.onmessage = (e) => {
  const { id, input } = e.data;
  const t0 = performance.now();
  try {
    const result = layeredLayout(input);
    scope.postMessage({ id, result, ms: performance.now() - t0 }, [result.x.buffer, result.y.buffer, result.pointStart.buffer, result.points.buffer]);
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) }, []);
  }
};
