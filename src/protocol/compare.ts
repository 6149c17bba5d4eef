/**
 * The messages of the Compare view (TinyML: Compare Models…): two models side by side in one webview panel.
 * The extension sends both view models and the layer matching once; the page only draws. Type-only.
 */
import type { ModelComparison } from '../core/inspector/compare';
import type { InspectorView } from '../core/inspector/view';

export type { ModelComparison };

export interface CompareSide {
  fileName: string;
  view: InspectorView;
}

/** Extension -> compare page. */
export type CompareMessage = { type: 'compare'; a: CompareSide; b: CompareSide; comparison: ModelComparison };

/** Compare page -> extension. `shown`: test runs only, what the page drew (matched rows, both graphs laid out). */
export type ComparePageMessage =
  | { type: 'ready' }
  | { type: 'shown'; rows: number; graphs: number; selectedA?: number; selectedB?: number };
