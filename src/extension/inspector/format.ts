/**
 * Quantization parameters as the inspector page shows them (bundled into the webview; no `vscode`, no DOM). Shapes,
 * counts and sizes: core/common/format.ts.
 */

/** `scale 0.0039 · zp -128`; per-channel parameters show the channel count instead of every value. */
export function formatQuant(scale?: number | readonly number[], zeroPoint?: number | readonly number[]): string {
  if (scale === undefined) return '—';
  if (Array.isArray(scale)) {
    if (scale.length === 0) return '—';
    if (scale.length > 1) return `per-channel (${scale.length})`;
  }
  const s = Array.isArray(scale) ? scale[0] : scale;
  const zp = Array.isArray(zeroPoint) ? zeroPoint[0] : zeroPoint;
  return `scale ${Number(s).toPrecision(4)}` + (zp === undefined ? '' : ` · zp ${zp}`);
}
