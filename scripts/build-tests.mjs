// Transpiles src/, test/, bench/ and webview/lib/ to out/ (CommonJS, one file per source, no bundling) for node's test runner.
// Type checking is `npm run typecheck` (tsc --noEmit); this step only strips types, so it takes well under a second.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'fixtures') walk(p, out); } else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}
// webview/lib/ holds the page's pure helpers (formatters, table text), unit-tested like the core.
const entryPoints = ['src', 'test', 'bench', 'webview/lib'].flatMap((d) => walk(path.join(root, d)));
const outDir = path.join(root, 'out');
await build({
  entryPoints, outdir: outDir, outbase: root, format: 'cjs', platform: 'node', target: 'node20',
  sourcemap: 'inline', logLevel: 'warning',
});
// Drop outputs whose source is gone (a deleted test must not keep running), without wiping out/ as a whole: another
// build or test run may be reading it at the same time.
const sources = new Set(entryPoints.map((p) => path.relative(root, p).replace(/\.ts$/, '.js')));
const stale = [];
const walkJs = (dir) => {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkJs(p);
    else if (p.endsWith('.js') && !sources.has(path.relative(outDir, p))) stale.push(p);
  }
};
walkJs(outDir);
for (const p of stale) fs.rmSync(p, { force: true });
