/** What every view of the inspector page can read and do. */
import type { ChannelQuant, FitUnavailable, FitView, GraphOverlay, InspectorDetails, InspectorView, RevealTarget, SubgraphView } from '../src/protocol/inspector';

export interface PageContext {
  fileName: string;
  view: InspectorView;
  details?: InspectorDetails;
  /** The fit on the editor's board; undefined until it arrives. */
  fit?: FitView | FitUnavailable;
  subgraph: SubgraphView;
  reveal(target: RevealTarget): void;
  copy(format: 'markdown' | 'csv', text: string, rows: number): void;
  requestWeights(tensor: number): void;
  /** Asks for the full per-channel quantization of a tensor; `done` runs when it arrives. */
  requestChannels(tensor: number, done: (quant: ChannelQuant) => void): void;
  /** True while the details' arena plan (buffers, timeline) was deferred and has not arrived (see requestArenaPlan). */
  readonly arenaPlanPending?: boolean;
  /** Asks for the deferred arena plan; the Memory view's detailsArrived runs again when it arrives. */
  requestArenaPlan?(): void;
  /** Asks the extension to let the user choose the fit's board (its QuickPick). */
  chooseBoard(): void;
  /** Tells the page that a view finished drawing something asynchronously (graph layout, weights). */
  drawn(reason: 'view' | 'weights'): void;
  /** Graph overlays the extension sent for this subgraph so far (latency, SQNR). */
  overlays(): GraphOverlay[];
  /** The user selected an operator in the graph (the compare page selects its match on the other side). */
  selected?(op: number): void;
}

/** A view of the page: built once per file version and subgraph, kept while its tab is hidden. */
export interface PageView {
  readonly element: HTMLElement;
  /** Rows of the view's table after filtering, when it has one. */
  readonly rowCount?: number;
  /** Select an operator or tensor by index, when the view lists them. */
  select?(index: number): void;
  setFilter?(text: string): void;
  copy?(format: 'markdown' | 'csv'): void;
  /** The details (arena, TFLM check) arrived. */
  detailsArrived?(): void;
  /** The fit arrived (or changed: another board, another kernel setting). */
  fitArrived?(): void;
  /** The tab became visible (the graph lays itself out only then). */
  shown?(): void;
  /** A graph overlay arrived from the extension. */
  overlayArrived?(overlay: GraphOverlay): void;
  /** Graph: colour by this overlay. */
  setOverlay?(id: string): void;
}
