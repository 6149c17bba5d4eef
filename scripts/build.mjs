// Bundles the extension (Node, `vscode` external), the CLI (Node, with a shebang) and the webview (browser IIFE).
// LiteRT's wasm is not bundled: the runtime module loads it from dist/litert/ lazily, only when a model is run.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
const builds = [
  build({
    ...common, entryPoints: [path.join(root, 'src/extension/extension.ts')], outfile: path.join(root, 'dist/extension.js'),
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'],
  }),
  // The export commands read, estimate and format models in a worker thread (src/extension/export/worker-client.ts).
  build({
    ...common, entryPoints: [path.join(root, 'src/extension/export/export-worker.ts')], outfile: path.join(root, 'dist/export-worker.js'),
    platform: 'node', format: 'cjs', target: 'node20',
  }),
  // Quantize Model reads data and runs LiteRT in a worker thread (src/extension/quantize/worker-client.ts).
  build({
    ...common, entryPoints: [path.join(root, 'src/extension/quantize/quantize-worker.ts')], outfile: path.join(root, 'dist/quantize-worker.js'),
    platform: 'node', format: 'cjs', target: 'node20',
  }),
  // The inspector's arena estimate and TFLM check, and Compare Models (both models read, matched and run for the
  // per-layer SQNR), in a worker thread (src/extension/inspector/inspector-worker.ts).
  build({
    ...common, entryPoints: [path.join(root, 'src/extension/inspector/inspector-worker.ts')], outfile: path.join(root, 'dist/inspector-worker.js'),
    platform: 'node', format: 'cjs', target: 'node20',
  }),
  // The quantizer's forward helper runs part of each LiteRT pass in a worker thread (src/core/quantize/forward-helper.ts),
  // from the CLI and from the quantize worker alike.
  build({
    ...common, entryPoints: [path.join(root, 'src/core/quantize/forward-worker.ts')], outfile: path.join(root, 'dist/forward-worker.js'),
    platform: 'node', format: 'cjs', target: 'node20',
  }),
  // Folders of images are decoded on several cores (src/core/data/image-samples.ts), from the CLI and the workers alike.
  build({
    ...common, entryPoints: [path.join(root, 'src/core/data/image-worker.ts')], outfile: path.join(root, 'dist/image-worker.js'),
    platform: 'node', format: 'cjs', target: 'node20',
  }),
  build({
    ...common, entryPoints: [path.join(root, 'src/cli/main.ts')], outfile: path.join(root, 'dist/cli.js'),
    platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' },
    // TensorFlow.js only trains the demo's sample; it is loaded from node_modules when `tinyml demo` runs
    external: ['@tensorflow/tfjs'],
  }),
];
if (fs.existsSync(path.join(root, 'webview/main.ts'))) {
  // The graph layout worker is bundled first and inlined into the page's bundle as a string: the page starts it
  // from a blob URL (CSP `worker-src blob:`), since a webview cannot start a worker from its resource origin.
  const worker = await build({
    ...common, sourcemap: false, entryPoints: [path.join(root, 'webview/graph-worker.ts')], write: false,
    platform: 'browser', format: 'iife', target: 'es2022',
  });
  builds.push(build({
    ...common, entryPoints: [path.join(root, 'webview/main.ts')], outfile: path.join(root, 'dist/webview.js'),
    platform: 'browser', format: 'iife', target: 'es2022',
    define: { GRAPH_WORKER_SOURCE: JSON.stringify(worker.outputFiles[0].text) },
  }));
  // The Compare page (TinyML: Compare Models…): two Graph views side by side.
  builds.push(build({
    ...common, entryPoints: [path.join(root, 'webview/compare.ts')], outfile: path.join(root, 'dist/compare.js'),
    platform: 'browser', format: 'iife', target: 'es2022',
    define: { GRAPH_WORKER_SOURCE: JSON.stringify(worker.outputFiles[0].text) },
  }));
}
await Promise.all(builds);
fs.chmodSync(path.join(root, 'dist/cli.js'), 0o755);

// LiteRT (the TFLite runtime, wasm): ship only the compat build, which runs on Node 20 and 24 alike (the other
// variants need relaxed SIMD, threads or JSPI). src/core/runtime/litert-loader.ts looks for it in dist/litert/.
const litertFrom = path.join(root, 'node_modules/@litertjs/core/wasm');
const litertTo = path.join(root, 'dist/litert');
fs.rmSync(litertTo, { recursive: true, force: true });
fs.mkdirSync(litertTo, { recursive: true });
for (const file of ['litert_wasm_compat_internal.js', 'litert_wasm_compat_internal.wasm']) {
  fs.copyFileSync(path.join(litertFrom, file), path.join(litertTo, file));
}
