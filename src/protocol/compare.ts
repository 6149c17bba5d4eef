/**
 * The messages of the Compare view (TinyML: Compare Models…): two models side by side in one webview panel.
 * The extension sends both view models and the layer matching once, then the per-layer SQNR when the run of both
 * models (in the compare worker) ends, with its progress meanwhile; the page only draws. Type-only.
 */
import type { ModelComparison } from '../core/inspector/compare';
import type { InspectorView } from '../core/inspector/view';

export type { ModelComparison };

/** Where the inputs of the SQNR run came from. */
export interface CompareInputs {
  kind: 'held-out' | 'seeded';
  /** For the view: which data, how many samples, or why seeded ones were used. */
  description: string;
  samples: number;
}

/** The per-layer SQNR of a comparison (the compare worker's answer, passed on to the page as it is). */
export interface CompareSqnrResult {
  /**
   * Per match, in the order of ModelComparison.matches: the SQNR (dB) of the quantized layer's output against the
   * float one; null where none applies (integer outputs, different sizes). Finite only: messages to a webview cross
   * as JSON, which has no Infinity; the matches whose outputs are identical are listed in `exact`.
   */
  sqnrDb: (number | null)[];
  /** Indices (into the matches) of layers whose outputs agree exactly (no quantization noise at all). */
  exact: number[];
  /** The model the SQNR is measured against (the float one; A when both or neither are float). */
  reference: 'a' | 'b';
  inputs: CompareInputs;
}

export interface CompareSide {
  fileName: string;
  view: InspectorView;
}

/** How the page shows the SQNR run: running (with progress), done, cancelled or failed (with the reason). */
export type SqnrState = 'running' | 'done' | 'cancelled' | 'failed';

/** Extension -> compare page. */
export type CompareMessage =
  | { type: 'compare'; a: CompareSide; b: CompareSide; comparison: ModelComparison }
  | { type: 'sqnrProgress'; done: number; total: number; stage: string }
  | { type: 'sqnr'; result: CompareSqnrResult }
  | { type: 'sqnrStopped'; state: 'cancelled' | 'failed'; message: string };

/**
 * Compare page -> extension. `cancelSqnr`: the page's Cancel. `shown`: test runs only, what the page drew (matched
 * rows, both graphs laid out, the SQNR state, the rows with an SQNR and both legends).
 */
export type ComparePageMessage =
  | { type: 'ready' }
  | { type: 'cancelSqnr' }
  | {
    type: 'shown'; rows: number; graphs: number; selectedA?: number; selectedB?: number;
    sqnr?: SqnrState; sqnrRows?: number; inputs?: string; legendA?: string; legendB?: string; overlayA?: string; overlayB?: string;
  };
