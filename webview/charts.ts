/** Small SVG bar charts drawn with theme colours (classes in inspector.css); each bar carries a <title> tooltip. */
import { svg } from './dom';

export interface Bar {
  value: number;
  title: string;
  highlight?: boolean;
}

/** Vertical bars filling `width`×`height`, with a max label on the left axis. */
export function barChart(bars: readonly Bar[], opts: { width: number; height: number; label: (v: number) => string; ariaLabel: string }): SVGSVGElement {
  const { width, height } = opts;
  const axis = 64;
  const top = 10;
  const bottom = 18;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plotW = width - axis - 4;
  const plotH = height - top - bottom;
  const bw = plotW / Math.max(1, bars.length);
  const root = svg('svg', { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': opts.ariaLabel });
  root.append(
    svg('line', { x1: axis, y1: top, x2: axis, y2: top + plotH, class: 'axis' }),
    svg('line', { x1: axis, y1: top + plotH, x2: width - 4, y2: top + plotH, class: 'axis' }),
    svg('text', { x: axis - 6, y: top + 8, class: 'axis-label', 'text-anchor': 'end' }, opts.label(max)),
    svg('text', { x: axis - 6, y: top + plotH, class: 'axis-label', 'text-anchor': 'end' }, '0'),
  );
  bars.forEach((b, i) => {
    const h = (b.value / max) * plotH;
    root.append(svg('rect', {
      x: (axis + i * bw + (bw > 4 ? 0.5 : 0)).toFixed(2), y: (top + plotH - h).toFixed(2),
      width: Math.max(0.6, bw - (bw > 4 ? 1 : 0)).toFixed(2), height: Math.max(0, h).toFixed(2),
      class: b.highlight ? 'bar highlight' : 'bar',
    }, svg('title', {}, b.title)));
  });
  return root;
}
