/** Overview: what decides whether the model fits a microcontroller, on one screen. */
import { formatBytes, formatBytesExact, formatCount, formatOperatorRef, formatReal, formatShape } from '../../src/core/common/format';
import { arenaFigures, arenaGapNote, buildLabel } from '../../src/core/arena/figures';
import type { IoTensorSummary } from '../../src/core/analysis/summary';
import { el, linkButton, svg, type Child } from '../dom';
import type { PageContext, PageView } from '../context';
import { FitSection } from './fit';

/** A thin bar drawn in SVG (theme colours from CSS; no inline styles, which the page's CSP forbids). */
function histogramBar(fraction: number): SVGSVGElement {
  return svg('svg', { class: 'hbar', width: 160, height: 10, 'aria-hidden': 'true' },
    svg('rect', { x: 0, y: 0, width: 160, height: 10, rx: 2, class: 'hbar-track' }),
    svg('rect', { x: 0, y: 0, width: Math.max(2, fraction * 160).toFixed(1), height: 10, rx: 2, class: 'hbar-fill' }));
}

function fact(label: string, value: Child, title?: string): HTMLElement {
  return el('div', { class: 'fact', ...(title ? { title } : {}) }, el('dt', {}, label), el('dd', {}, value));
}

function ioTable(caption: string, id: string, list: IoTensorSummary[], ctx: PageContext): HTMLElement {
  const rows = list.map((t) => el('tr', {},
    el('td', { class: 'mono' }, linkButton(t.name || `tensor ${t.index}`, () => ctx.reveal({ view: 'tensors', subgraph: 0, index: t.index }))),
    el('td', { class: 'mono' }, formatShape(t.shape) + (t.shapeSignature?.includes(-1) ? ` (signature ${formatShape(t.shapeSignature)})` : '')),
    el('td', {}, t.type),
    el('td', { class: 'num' }, t.scale === undefined ? '—' : formatReal(t.scale)),
    el('td', { class: 'num' }, t.zeroPoint === undefined ? '—' : String(t.zeroPoint)),
    el('td', { class: 'mono' }, t.realRange ? `${formatReal(t.realRange[0])} … ${formatReal(t.realRange[1])}` : '—'),
    el('td', { class: 'num' }, formatBytes(t.bytes))));
  const head = el('tr', {}, ...['Name', 'Shape', 'Type', 'Scale', 'Zero point', 'Real range', 'Bytes'].map((h) => el('th', { scope: 'col' }, h)));
  return el('table', { class: 'data compact', 'data-rows': id }, el('caption', {}, caption), el('thead', {}, head), el('tbody', {}, ...rows));
}

export class OverviewView implements PageView {
  readonly element = el('div', { class: 'overview' });
  private readonly arenaFacts = el('div', { class: 'arena-facts', 'data-arena': '' });
  private readonly compat = el('section', { class: 'compat' });
  private readonly fit: FitSection;

  constructor(private readonly ctx: PageContext) {
    this.fit = new FitSection(() => ctx.chooseBoard());
    const s = ctx.view.summary;
    const facts = el('dl', { class: 'facts' },
      fact('File size', formatBytes(s.fileBytes ?? 0), `${formatCount(s.fileBytes ?? 0)} bytes`),
      fact('Flash (model data)', formatBytes(s.fileBytes ?? 0), 'The .tflite file is what the firmware stores in flash as a C array; the TFLM code itself is not counted'),
      fact('Operators', formatCount(s.operators.length)),
      fact('Tensors', formatCount(s.tensorCount)),
      fact('Parameters', formatCount(s.paramCount)),
      fact('Weight bytes', formatBytes(s.weightBytes) + (s.sparseTensors ? ` · ${formatCount(s.sparseTensors)} stored sparse` : ''),
        `${formatCount(s.weightBytes)} bytes${s.sparseTensors ? `; ${formatCount(s.sparseTensors)} weight tensors are stored sparse (pruned); TFLite Micro reads dense weights only, and Quantize Model writes them dense` : ''}`),
      fact('MACs', formatCount(s.macs)),
      fact('Schema', `v${s.schemaVersion}` + (s.minRuntimeVersion ? ` · runtime ≥ ${s.minRuntimeVersion}` : '')),
      fact('Subgraphs', String(s.subgraphs.length)),
    );
    const weightsByType = Object.entries(s.weightBytesByType).sort((a, b) => b[1] - a[1]);
    const max = Math.max(1, ...Object.values(s.opHistogram));
    const histogram = el('ul', { class: 'op-histogram', 'data-rows': 'opcodes' },
      ...Object.entries(s.opHistogram).map(([opcode, count]) => el('li', {},
        linkButton(opcode, () => ctx.reveal({ view: 'operators', subgraph: 0, filter: opcode }), `Show the ${opcode} operators`),
        histogramBar(count / max),
        el('vscode-badge', { variant: 'counter' }, String(count)))));
    const signatures = s.signatures.length === 0 ? null : el('section', {},
      el('h2', {}, 'Signatures'),
      el('ul', { class: 'plain' }, ...s.signatures.map((sig) => el('li', {},
        el('span', { class: 'mono' }, sig.key), ` (subgraph ${sig.subgraph}): `,
        el('span', { class: 'mono' }, sig.inputs.join(', ')), ' → ', el('span', { class: 'mono' }, sig.outputs.join(', '))))));
    const warnings = s.warnings.length === 0 ? null : el('details', { class: 'warnings', ...(s.warnings.length <= 3 ? { open: '' } : {}) },
      el('summary', {}, `${s.warnings.length} validation warning${s.warnings.length === 1 ? '' : 's'}`),
      el('ul', {}, ...s.warnings.map((w) => el('li', {}, `${w.where}: ${w.message}`))));

    this.element.append(
      s.description ? el('p', { class: 'description' }, s.description) : '',
      facts,
      el('h2', {}, 'TensorFlow Lite Micro'),
      this.arenaFacts,
      this.compat,
      this.fit.element,
      ioTable('Inputs', 'inputs', s.inputs, ctx),
      ioTable('Outputs', 'outputs', s.outputs, ctx),
      el('div', { class: 'columns' },
        el('section', {}, el('h2', {}, 'Operators by type'), histogram),
        weightsByType.length === 0 ? '' : el('section', {}, el('h2', {}, 'Weight bytes by type'),
          el('table', { class: 'data compact', 'data-rows': 'weights' },
            el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Type'), el('th', { scope: 'col', class: 'num' }, 'Bytes'))),
            el('tbody', {}, ...weightsByType.map(([type, bytes]) => el('tr', {}, el('td', {}, type), el('td', { class: 'num' }, formatBytes(bytes)))))))),
      signatures ?? '',
      warnings ?? '',
    );
    this.detailsArrived();
    this.fitArrived();
  }

  fitArrived(): void {
    this.fit.show(this.ctx.fit);
  }

  detailsArrived(): void {
    const d = this.ctx.details;
    if (!d) {
      this.arenaFacts.replaceChildren(el('p', { class: 'muted' }, el('vscode-progress-ring', { class: 'inline-ring' }), 'Estimating the tensor arena…'));
      return;
    }
    if (!d.arena.ok) {
      this.arenaFacts.replaceChildren(el('p', { class: 'error-text' }, `Arena estimate failed: ${d.arena.message}`));
    } else {
      const a = d.arena.estimate;
      this.arenaFacts.replaceChildren(el('dl', { class: 'facts' },
        ...arenaFigures(a).flatMap((f) => [
          fact(f.label, formatBytes(f.bytes), `${formatBytesExact(f.bytes)}: ${f.explanation} (${buildLabel(a)})`),
          ...(f.key === 'used' ? [
            fact('· head', formatBytes(a.headBytes), 'activations and scratch buffers: the memory plan'),
            fact('· tail', formatBytes(a.tailBytes), 'persistent allocations: tensor structs, quantization data, kernel data'),
          ] : []),
        ]),
        fact('Peak at', a.peak ? formatOperatorRef(a.peak.operatorIndex, a.peak.opcode) : '—'),
        fact('Estimate', a.exact ? 'exact' : `approximate (${a.unknownKernels.length} kernels not modelled)`),
      ), arenaGapNote(a) ? el('p', { class: 'muted' }, arenaGapNote(a)!) : '');
    }
    const errors = d.tflm.filter((p) => p.severity === 'error').length;
    const title = d.tflm.length === 0 ? 'No TFLite Micro compatibility problems found'
      : `${d.tflm.length} compatibility problem${d.tflm.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'})`;
    const list = el('ul', { class: 'problems' }, ...d.tflm.slice(0, 200).map((p) => el('li', { class: `sev-${p.severity}` },
      el('span', { class: 'sev' }, p.severity),
      p.operatorIndex >= 0 ? linkButton(formatOperatorRef(p.operatorIndex, p.opcode), () => this.ctx.reveal({ view: 'operators', subgraph: p.subgraph, index: p.operatorIndex })) : '',
      ' ', p.message)));
    this.compat.replaceChildren(d.tflm.length === 0 ? el('p', { class: 'ok-text' }, `✓ ${title}`)
      : el('details', { class: 'compat-list', ...(d.tflm.length <= 5 ? { open: '' } : {}) }, el('summary', {}, title), list,
        d.tflm.length > 200 ? el('p', { class: 'muted' }, `…and ${d.tflm.length - 200} more`) : ''));
  }
}
