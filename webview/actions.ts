/**
 * The inspector's action bar: what can be done with the model from here (the extension says which apply, by
 * InspectorAction; a click goes back as an `action` message and the extension runs the command).
 */
import type { InspectorAction } from '../src/protocol/inspector';
import { el, vscButton } from './dom';

const LABELS: Record<InspectorAction, { label: string; icon: string; title: string }> = {
  quantize: { label: 'Quantize…', icon: 'symbol-numeric', title: 'Quantize this float model to int8 for TFLite Micro' },
  export: { label: 'Export to C…', icon: 'export', title: 'Export this model as a C array with a TFLite Micro runner' },
  compare: { label: 'Compare with…', icon: 'split-horizontal', title: 'Pick another .tflite and compare the two side by side, layer by layer' },
  reopenText: { label: 'Reopen in Text Editor', icon: 'go-to-file', title: 'Open the file as text or bytes instead of the inspector' },
};

export function actionLabel(a: InspectorAction): string {
  return LABELS[a].label;
}

/** The bar, or null when nothing applies. The first action is the primary button. */
export function actionBar(actions: readonly InspectorAction[] | undefined, run: (a: InspectorAction) => void): HTMLElement | null {
  if (!actions?.length) return null;
  return el('div', { class: 'action-bar', role: 'toolbar', 'aria-label': 'Model actions' },
    ...actions.map((a, i) => {
      const b = vscButton(LABELS[a].label, () => run(a), { secondary: i > 0, icon: LABELS[a].icon, title: LABELS[a].title });
      b.setAttribute('data-action', a);
      return b;
    }));
}
