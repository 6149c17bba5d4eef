import type { IoTensorSummary, ModelSummary } from '../core/analysis';
import { formatBytes, formatCountCompact } from '../core/common/format';

function io(t: IoTensorSummary): string {
  const shape = `[${(t.shapeSignature ?? t.shape).join(', ')}]`;
  const quant = t.scale !== undefined
    ? `  scale ${t.scale.toPrecision(6)} zero_point ${t.zeroPoint}${t.realRange ? `  (real ${t.realRange[0].toPrecision(4)} .. ${t.realRange[1].toPrecision(4)})` : ''}`
    : '';
  return `  ${t.name || `#${t.index}`}  ${t.type}${shape}${quant}`;
}

/** The human-readable form of `tinyml inspect`. */
export function formatSummary(file: string, s: ModelSummary): string {
  const lines: string[] = [];
  lines.push(`${file}${s.fileBytes !== undefined ? `  (${formatBytes(s.fileBytes)})` : ''}`);
  const meta = [`schema v${s.schemaVersion}`];
  if (s.minRuntimeVersion) meta.push(`min runtime ${s.minRuntimeVersion}`);
  if (s.subgraphs.length > 1) meta.push(`${s.subgraphs.length} subgraphs`);
  if (s.description) meta.push(`"${s.description}"`);
  lines.push(meta.join(', '));
  lines.push('', 'Inputs:', ...s.inputs.map(io), 'Outputs:', ...s.outputs.map(io));
  lines.push('', `Operators: ${s.operators.length}`);
  for (const [op, n] of Object.entries(s.opHistogram)) lines.push(`  ${String(n).padStart(5)}  ${op}`);
  lines.push('');
  lines.push(`Tensors: ${s.tensorCount}   Parameters: ${formatCountCompact(s.paramCount)}   MACs: ${formatCountCompact(s.macs)}`);
  const byType = Object.entries(s.weightBytesByType).map(([t, b]) => `${t} ${formatBytes(b)}`).join(', ');
  const sparse = s.sparseTensors ? `; ${s.sparseTensors} tensor${s.sparseTensors === 1 ? '' : 's'} stored sparse (pruned)` : '';
  lines.push(`Weights: ${formatBytes(s.weightBytes)}${byType ? ` (${byType})` : ''}${sparse}`);
  if (s.warnings.length) {
    // the same message on many tensors (e.g. every bias) is said once, with where it applies
    const byMessage = new Map<string, string[]>();
    for (const w of s.warnings) byMessage.set(w.message, [...(byMessage.get(w.message) ?? []), w.where]);
    lines.push('', 'Warnings:');
    for (const [message, wheres] of byMessage) {
      const more = wheres.length > 1 ? ` (and ${wheres.length - 1} more like it)` : '';
      lines.push(`  ${wheres[0]}${more}: ${message}`);
    }
  }
  return lines.join('\n') + '\n';
}
