// Draws the extension icon (media/icon.png, 256×256): a microcontroller package with pins and a small neural network
// on its die. Plain geometry, 4× supersampled; no artwork from anywhere else. Run: node scripts/draw-icon.mjs
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

const SIZE = 256;
const SS = 4;
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));

const BG = [18, 52, 74];
const PACKAGE = [36, 41, 46];
const PIN = [196, 204, 212];
const DIE = [44, 160, 146];
const EDGE = [236, 244, 240];
const NODE = [255, 200, 87];

const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  const cx = Math.max(x0 + r, Math.min(x1 - r, x));
  const cy = Math.max(y0 + r, Math.min(y1 - r, y));
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= x0 && x <= x1 && y >= y0 && y <= y1;
};
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const segment = (ax, ay, bx, by, w) => (x, y) => {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= (w / 2) ** 2;
};

// Painter's order: later shapes cover earlier ones.
const shapes = [[roundRect(0, 0, 256, 256, 44), BG]];
for (let i = 0; i < 5; i++) {
  const c = 72 + i * 28;
  shapes.push([roundRect(c - 7, 30, c + 7, 226, 3), PIN], [roundRect(30, c - 7, 226, c + 7, 3), PIN]);
}
shapes.push([roundRect(52, 52, 204, 204, 16), PACKAGE], [roundRect(68, 68, 188, 188, 10), DIE]);
const xs = [92, 128, 164];
const nodes = [[xs[0], [100, 128, 156]], [xs[1], [108, 148]], [xs[2], [128]]];
for (let l = 0; l + 1 < nodes.length; l++) {
  for (const ya of nodes[l][1]) for (const yb of nodes[l + 1][1]) shapes.push([segment(nodes[l][0], ya, nodes[l + 1][0], yb, 4), EDGE]);
}
for (const [x, ys] of nodes) for (const y of ys) shapes.push([circle(x, y, 10), EDGE], [circle(x, y, 7), NODE]);

const png = new PNG({ width: SIZE, height: SIZE });
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const x = px + (sx + 0.5) / SS, y = py + (sy + 0.5) / SS;
        let color;
        for (const [inside, c] of shapes) if (inside(x, y)) color = c;
        if (color) { acc[0] += color[0]; acc[1] += color[1]; acc[2] += color[2]; acc[3] += 1; }
      }
    }
    const i = (py * SIZE + px) * 4;
    const n = acc[3];
    png.data[i] = n ? Math.round(acc[0] / n) : 0;
    png.data[i + 1] = n ? Math.round(acc[1] / n) : 0;
    png.data[i + 2] = n ? Math.round(acc[2] / n) : 0;
    png.data[i + 3] = Math.round((255 * n) / (SS * SS));
  }
}
fs.mkdirSync(path.join(root, 'media'), { recursive: true });
fs.writeFileSync(path.join(root, 'media', 'icon.png'), PNG.sync.write(png));
console.log('wrote media/icon.png');
