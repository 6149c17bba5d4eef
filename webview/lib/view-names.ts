import type { ViewName } from '../../src/protocol/inspector';

/** The inspector's tabs, in page order (Quantization only when the model has a saved report: webview/main.ts). */
export const VIEW_NAMES: readonly ViewName[] = ['overview', 'operators', 'tensors', 'graph', 'weights', 'memory', 'quantization'];
