/**
 * Per-operator metrics the Graph view colours its nodes by (with a legend, the value on hover). The ones the view
 * model already holds are derived here (MACs from analysis/op-cost, the bytes an operator writes, the activation
 * bytes alive while it runs from the activation timeline), and the per-layer SQNR from the saved quantization report
 * the page receives; estimated latency arrives later by message from the extension in the same shape. The SQNR is
 * built in the page, not sent: an exact layer's +∞ would cross as null (messages are JSON).
 */
import { savedModelName } from '../quantize/saved-report';
import type { SubgraphView } from './view';

export type OverlayUnit = 'bytes' | 'count' | 'ms' | 'dB';

export interface GraphOverlay {
  id: string;
  label: string;
  unit: OverlayUnit;
  /** Per operator index; null where the metric does not apply. */
  values: (number | null)[];
  /** True for SQNR: a low value is the one to look at, so the colour scale runs the other way. */
  lowIsBad?: boolean;
  /** Where the numbers come from, for the legend (e.g. the board of a latency estimate). */
  source?: string;
}

export function viewOverlays(sg: SubgraphView): GraphOverlay[] {
  const live: (number | null)[] = sg.operators.map(() => null);
  for (const s of sg.activations.steps) live[s.op] = s.liveBytes;
  return [
    { id: 'live', label: 'Activation memory (live)', unit: 'bytes', values: live, source: 'activation bytes alive while the operator runs' },
    { id: 'output', label: 'Output size', unit: 'bytes', values: sg.operators.map((o) => o.outputBytes) },
    { id: 'macs', label: 'MACs', unit: 'count', values: sg.operators.map((o) => o.macs) },
  ];
}

/**
 * Per-layer SQNR as an overlay: each layer of a quantization report names its tensor; the operator writing the
 * tensor of that name in this subgraph gets the value.
 */
export function sqnrOverlay(sg: SubgraphView, layers: readonly { tensor: string; sqnrDb: number }[], source?: string): GraphOverlay {
  const byName = new Map(layers.map((l) => [l.tensor, l.sqnrDb]));
  const byOp = new Map<number, number>();
  for (const t of sg.tensors) {
    const v = byName.get(t.name);
    if (v !== undefined && t.producer !== undefined) byOp.set(t.producer, v);
  }
  return sqnrOverlayOf(sg.operators.length, byOp, source);
}

/**
 * The per-layer SQNR of the quantization report saved beside the model (its `accuracy.layers`), as an overlay of the
 * main subgraph; undefined when the report names none of its tensors.
 */
export function savedReportOverlay(sg: SubgraphView, saved: { model: string; report: { accuracy?: { layers: readonly { tensor: string; sqnrDb: number }[] } } }): GraphOverlay | undefined {
  const layers = saved.report.accuracy?.layers;
  if (!layers?.length) return undefined;
  const overlay = sqnrOverlay(sg, layers, `held-out SQNR of the last quantization (${savedModelName(saved)} → this file)`);
  return overlay.values.some((v) => v !== null) ? overlay : undefined;
}

/**
 * Per-layer SQNR by operator index (a report's layers, or the Compare view's run of both models). Infinity is an
 * exact layer (no quantization noise): drawn as the best value, shown as "exact".
 */
export function sqnrOverlayOf(operators: number, byOp: ReadonlyMap<number, number>, source?: string): GraphOverlay {
  const values: (number | null)[] = Array.from({ length: operators }, (_, op) => byOp.get(op) ?? null);
  return { id: 'sqnr', label: 'SQNR per layer', unit: 'dB', values, lowIsBad: true, ...(source ? { source } : {}) };
}

/** Estimated latency per operator of subgraph `subgraph` (the fit's per-operator milliseconds on the chosen board). */
export function latencyOverlay(sg: SubgraphView, subgraph: number, operatorMs: Readonly<Record<string, number>>, source: string): GraphOverlay {
  const values = sg.operators.map((_, i) => operatorMs[`${subgraph}:${i}`] ?? null);
  return { id: 'latency', label: 'Estimated latency', unit: 'ms', values, source };
}

/** The value of a node that stands for several operators (a collapsed scope): the sum, or for SQNR the worst. */
export function combinedValue(overlay: GraphOverlay, ops: readonly number[]): number | null {
  let out: number | null = null;
  for (const op of ops) {
    const v = overlay.values[op];
    if (v === null || v === undefined) continue;
    if (out === null) out = v;
    else out = overlay.lowIsBad ? Math.min(out, v) : overlay.id === 'live' ? Math.max(out, v) : out + v;
  }
  return out;
}
