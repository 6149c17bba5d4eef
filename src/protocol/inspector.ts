/**
 * The messages between the model inspector's extension side and its webview. The view model crosses once per file
 * version (structure only, no weight bytes); a tensor's values cross only as statistics, when the page asks.
 * In test runs only, the webview answers with what it actually put on the page (RenderReport).
 * Type-only (see README.md): imported by both src/extension/ and webview/.
 */
import type { ModelSummary } from '../core/analysis/summary';
import type { InspectorDetails, InspectorView, SubgraphView } from '../core/inspector/view';
import type { WeightStats } from '../core/inspector/weight-stats';
import type { ChannelQuant } from '../core/inspector/tables';
import type { GraphOverlay } from '../core/inspector/graph-overlays';
import type { FitUnavailable, FitView } from '../core/fit/fit-view';
import type { SavedQuantizationReport } from '../core/quantize/saved-report';
import type { ArenaEstimate } from '../core/arena/types';

/** The fields of a subgraph view that a `modelShell` leaves out and `modelPart` messages carry. */
export type SubgraphPartKey = 'operators' | 'tensors' | 'graph' | 'activations';

/** The Memory tab's arena plan: the parts of an arena estimate a deferred `details` message leaves out. */
export type ArenaPlanParts = Pick<ArenaEstimate, 'buffers' | 'timeline'>;

export type { ModelSummary, InspectorDetails, InspectorView, SubgraphView, WeightStats, ChannelQuant, GraphOverlay, FitView, FitUnavailable, SavedQuantizationReport };

/** The inspector's tabs; their order on the page is webview/lib/view-names.ts. */
export type ViewName = 'overview' | 'operators' | 'tensors' | 'graph' | 'weights' | 'memory' | 'quantization';

/**
 * What the inspector's action bar offers (the extension decides which apply): Quantize… on a float model, Export to
 * C… on an integer model, Compare with… on any model, Reopen in Text Editor on a file that is not a valid model.
 */
export type InspectorAction = 'quantize' | 'export' | 'compare' | 'reopenText';

/** Something to show: used by "reveal" requests from the extension (and its tests) and by click-through in the page. */
export interface RevealTarget {
  view: ViewName;
  subgraph?: number;
  /** Operator (operators, graph) or tensor (tensors, weights) to select. */
  index?: number;
  /** Filter text for the operators or tensors table. */
  filter?: string;
  /** Copy the shown table to the clipboard in this format. */
  copy?: 'markdown' | 'csv';
  /** Set by the extension: the report answering this request carries it back. */
  requestId?: number;
  /** Graph: colour the nodes by this overlay (GraphOverlay.id; '' for operator type). */
  overlay?: string;
}

/** Extension -> webview. */
export type InspectorMessage =
  | {
    type: 'model'; fileName: string; version: number; view: InspectorView;
    /** The actions that apply to this model, in bar order. */
    actions?: InspectorAction[];
    /**
     * The quantization report saved beside the model (`<name>.report.json`), as that file's text: the Quantization tab
     * and the Graph's SQNR overlay show it. Text, read with parseSavedReport, because messages cross as JSON, which
     * has no Infinity: an exact layer's SQNR would arrive as null.
     */
    reportJson?: string;
  }
  /**
   * The arena estimate and TFLM check. `planDeferred`: the estimate's `buffers` and `timeline` (the Memory tab's plan,
   * over a megabyte at 5,000 operators, which the page took hundreds of ms to receive) are left empty here and sent
   * as `arenaPlan` when the page asks for them.
   */
  /**
   * A big model's view model in parts: the shell (summary, each subgraph without its four big fields), then one
   * `modelPart` per subgraph and field; the page treats the last part as the `model` message. One message of 3 MB
   * (5,000 operators) held the page for its whole decode, over 100 ms on a loaded machine; the parts are decoded in
   * tasks of their own.
   */
  | {
    type: 'modelShell'; fileName: string; version: number; actions?: InspectorAction[]; reportJson?: string;
    summary: InspectorView['summary']; subgraphs: Omit<SubgraphView, SubgraphPartKey>[]; parts: number;
  }
  | { type: 'modelPart'; version: number; subgraph: number; key: SubgraphPartKey; value: SubgraphView[SubgraphPartKey] }
  | { type: 'details'; version: number; details: InspectorDetails; planDeferred?: boolean }
  | { type: 'arenaPlan'; version: number; buffers: ArenaPlanParts['buffers']; timeline: ArenaPlanParts['timeline'] }
  /** The fit on the editor's board (after the details, and again when the board or a fit setting changes). */
  | { type: 'fit'; version: number; fit: FitView; unavailable?: undefined }
  | { type: 'fit'; version: number; fit?: undefined; unavailable: FitUnavailable }
  | { type: 'error'; fileName: string; version: number; title: string; message: string; actions?: InspectorAction[] }
  | { type: 'weights'; subgraph: number; tensor: number; stats?: WeightStats; error?: string }
  | { type: 'channels'; subgraph: number; tensor: number; quant?: ChannelQuant }
  | { type: 'reveal'; target: RevealTarget }
  /**
   * A per-operator metric for the Graph view's colouring that the view model does not hold (MACs and activation
   * memory it derives itself): estimated latency, the per-layer SQNR of a quantization report of this model.
   */
  | { type: 'overlay'; version: number; subgraph: number; overlay: GraphOverlay };

/** What the Graph view shows, for test reports: drawn on a canvas, so read from the view, not the DOM. */
export interface GraphReport {
  nodes: number;
  edges: number;
  /** Milliseconds the view waited for its layout (laid out in the worker when `inWorker`, started when the model arrived). */
  layoutMs: number;
  inWorker: boolean;
  /** Zoom: 1 draws the 12 px labels at 12 px. */
  scale: number;
  visibleNodes: number;
  /** Width and height of the graph's canvas on screen, px. */
  canvasWidth: number;
  canvasHeight: number;
  /** Width of the page (the editor group's webview), px: what the canvas is measured against. */
  pageWidth: number;
  overlay: string;
  /** Text of the overlay's legend (title, range). */
  legend: string;
  /** Search hits of the current search text. */
  hits: number;
  /** Milliseconds of the view's steps: building it and posting the graph to the worker (page thread), the worker's layout, the last frame (page thread). */
  pageSteps: { construct: number; post: number; worker: number; draw: number };
  /** performance.now() when the first layout reached each step (constructed, posted, replied, drawn). */
  marks: Record<string, number>;
}

/** What the webview rendered, read back from its DOM after rendering: sent only in test runs (the extension's `ExtensionMode.Test`). */
export interface RenderReport {
  kind: 'summary' | 'error';
  /** Why this report was sent: the first paint of a file version, details arriving, a view shown, weights drawn. */
  reason: 'paint' | 'details' | 'fit' | 'view' | 'weights';
  /** File version counter from the extension: increases when the file changes on disk. */
  version: number;
  view: ViewName;
  subgraph: number;
  /** Text of the page heading. */
  heading: string;
  inputRows: number;
  /** Text of the first cell of each input row (the tensor names as shown). */
  inputNames: string[];
  outputRows: number;
  opcodeRows: number;
  /** Rows of the operators table on the shown page: opcode column text. */
  operatorOpcodes: string[];
  /** Rows of the tensors table on the shown page: name column text. */
  tensorNames: string[];
  /** Rows the shown table has after filtering (all pages). */
  tableRowCount: number;
  graphNodes: number;
  graphEdges: number;
  /** Statistics text shown by the weights view, e.g. { min: '-0.5', ... }. */
  weights?: { tensor: number; count: number; bins: number; min: string; max: string };
  /** Arena figures shown (overview), empty until the details arrive. */
  arenaText: string;
  /** Text of the overview's Fit section, empty until the fit arrives. */
  fitText: string;
  /** The Memory tab's arena plan section (empty until the tab is built): its text and the buffer rectangles drawn. */
  memoryPlan: { text: string; buffers: number };
  /** Rows of the operators table on the shown page: estimated latency column text. */
  operatorLatencies: string[];
  /** Labels of the action bar's buttons. */
  actions?: string[];
  /** The Quantization tab: its per-layer bars, scatter points, recipe rows and layers kept by a target drawn (when the tab was built). */
  quantization?: { layerBars: number; scatterPoints: number; recipeRows: number; keptRows: number; text: string };
  /** Elements in the page that did not come from our own code: <script>, <img>, <iframe>, on* attributes. */
  foreignElements: number;
  /** Text of the error panel, empty for a summary. */
  errorText: string;
  /** The reveal request this report answers, if any. */
  requestId?: number;
  /** Milliseconds from the message's arrival to the frame after rendering (a paint has happened). */
  renderMs: number;
  /** The longest task (PerformanceObserver 'longtask', ≥ 50 ms) of the page since the message arrived; 0 when none. */
  longestTaskMs?: number;
  /** Those long tasks: performance.now() at their start, and their length. */
  longTasks?: { start: number; ms: number }[];
  /** The Graph view, when it is shown and laid out. */
  graph?: GraphReport;
}

/** Webview -> extension. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'rendered'; report: RenderReport }
  | { type: 'weights'; subgraph: number; tensor: number }
  | { type: 'channels'; subgraph: number; tensor: number }
  /** The Memory tab needs the arena plan that a `details` message with `planDeferred` left out. */
  | { type: 'arenaPlan' }
  | { type: 'copy'; format: 'markdown' | 'csv'; text: string; rows: number }
  /** The Fit section's "Change board…": the extension shows its board QuickPick. */
  | { type: 'chooseBoard' }
  | { type: 'action'; action: InspectorAction };
