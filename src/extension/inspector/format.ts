/** Text formatting for the inspector page (bundled into the webview; no `vscode`, no DOM): shapes, quantization, counts. */

export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : `[${shape.join(', ')}]`;
}

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

/** 1234567 -> "1,234,567" (fixed locale so output does not depend on the machine). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
