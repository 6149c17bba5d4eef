/**
 * The messages between the model inspector's extension side and its webview. Only the model summary crosses (no
 * weight bytes); the webview answers with what it actually put on the page, which the integration tests read.
 * Type-only module: imported by both src/extension/ and webview/ (no `vscode`, no DOM).
 */
import type { ModelSummary } from '../../core/analysis/summary';

export type { ModelSummary };

/** Extension -> webview. */
export type InspectorMessage =
  | { type: 'summary'; fileName: string; summary: ModelSummary }
  | { type: 'error'; fileName: string; title: string; message: string };

/** What the webview rendered, read back from its DOM after rendering. */
export interface RenderReport {
  kind: 'summary' | 'error';
  /** Text of the page heading. */
  heading: string;
  inputRows: number;
  /** Text of the first cell of each input row (the tensor names as shown). */
  inputNames: string[];
  outputRows: number;
  opcodeRows: number;
  /** Text of the error panel, empty for a summary. */
  errorText: string;
}

/** Webview -> extension. */
export type WebviewMessage = { type: 'ready' } | { type: 'rendered'; report: RenderReport };
