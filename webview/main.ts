/**
 * The model inspector page (bundled to dist/webview.js). It receives the model summary from the extension and renders
 * it. Everything from the model (names, opcodes, types) is set as text, never parsed as HTML.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { InspectorMessage, ModelSummary, RenderReport, WebviewMessage } from '../src/extension/inspector/messages';
import { formatCount, formatQuant, formatShape } from '../src/extension/inspector/format';
import './inspector.css';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

/** `el('td', {}, 'text')`: an element whose children are text nodes or elements, never markup. */
function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

function table(caption: string, headers: string[], rows: string[][], testId: string): HTMLElement {
  const head = el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)));
  const body = rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))));
  return el('table', { 'data-rows': testId }, el('caption', {}, caption), el('thead', {}, head), el('tbody', {}, ...body));
}

function renderSummary(fileName: string, s: ModelSummary): void {
  const tensorRows = (list: ModelSummary['inputs']) =>
    list.map((t) => [t.name, formatShape(t.shape), t.type, formatQuant(t.scale, t.zeroPoint)]);
  const histogram = Object.entries(s.opHistogram).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const weightRows = Object.entries(s.weightBytesByType).map(([type, bytes]) => [type, formatCount(bytes)]);

  const facts = el('dl', { class: 'facts' });
  for (const [label, value] of [
    ['Operators', formatCount(s.operators.length)],
    ['Tensors', formatCount(s.tensorCount)],
    ['Parameters', formatCount(s.paramCount)],
    ['MACs', formatCount(s.macs)],
    ['Weight bytes', formatCount(s.weightBytes)],
  ] as const) {
    facts.append(el('div', {}, el('dt', {}, label), el('dd', {}, value)));
  }

  const opList = el('ul', { class: 'ops', 'data-rows': 'opcodes' });
  for (const [opcode, count] of histogram) {
    const badge = el('vscode-badge', { variant: 'counter' }, String(count));
    opList.append(el('li', {}, el('span', { class: 'opcode' }, opcode), badge));
  }

  // Validation warnings (e.g. what full TFLite would reject) go last, folded when there are many.
  const notes = s.warnings.length === 0 ? [] : [
    el('details', { class: 'warnings', ...(s.warnings.length <= 3 ? { open: '' } : {}) },
      el('summary', {}, `${s.warnings.length} validation warning${s.warnings.length === 1 ? '' : 's'}`),
      el('ul', {}, ...s.warnings.map((w) => el('li', {}, `${w.where}: ${w.message}`)))),
  ];

  app.replaceChildren(
    el('h1', {}, fileName),
    facts,
    table('Inputs', ['Name', 'Shape', 'Type', 'Quantization'], tensorRows(s.inputs), 'inputs'),
    table('Outputs', ['Name', 'Shape', 'Type', 'Quantization'], tensorRows(s.outputs), 'outputs'),
    el('h2', {}, 'Operators by type'),
    opList,
    ...(weightRows.length > 0 ? [table('Weights by type', ['Type', 'Bytes'], weightRows, 'weights')] : []),
    ...notes,
  );
}

function renderError(fileName: string, title: string, message: string): void {
  app.replaceChildren(
    el('h1', {}, fileName),
    el('div', { class: 'error', role: 'alert' }, el('h2', {}, title), el('p', { class: 'error-message' }, message)),
  );
}

/** Reads back from the page what was rendered, so the extension (and its tests) know what the user sees. */
function report(kind: RenderReport['kind']): RenderReport {
  const rows = (id: string) => app.querySelectorAll(`[data-rows="${id}"] tbody tr, ul[data-rows="${id}"] li`).length;
  return {
    kind,
    heading: app.querySelector('h1')?.textContent ?? '',
    inputRows: rows('inputs'),
    inputNames: [...app.querySelectorAll('[data-rows="inputs"] tbody tr td:first-child')].map((td) => td.textContent ?? ''),
    outputRows: rows('outputs'),
    opcodeRows: rows('opcodes'),
    errorText: app.querySelector('.error')?.textContent ?? '',
  };
}

window.addEventListener('message', (event: MessageEvent<InspectorMessage>) => {
  const msg = event.data;
  if (msg.type === 'summary') renderSummary(msg.fileName, msg.summary);
  else if (msg.type === 'error') renderError(msg.fileName, msg.title, msg.message);
  else return;
  app.removeAttribute('aria-busy');
  vscode.postMessage({ type: 'rendered', report: report(msg.type) });
});

vscode.postMessage({ type: 'ready' });
