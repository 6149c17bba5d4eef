/**
 * The floor the quantize command is judged against (issue 11 item 5): a fresh process that loads LiteRT, reads the
 * float model and the calibration data the way `tinyml quantize` does, and runs the float model once per sample.
 *
 *   node out/bench/quantize-floor.js MODEL DATA
 */
import fs from 'node:fs';
import { loadDataset } from '../src/core/data/index';
import { initRuntime, loadRuntimeModel } from '../src/core/runtime/index';
import { readModel, tensorTypeName } from '../src/core/tflite/index';

async function main(): Promise<void> {
  const [modelPath, dataPath] = process.argv.slice(2);
  if (!modelPath || !dataPath) throw new Error('usage: quantize-floor.js MODEL DATA');
  const bytes = new Uint8Array(fs.readFileSync(modelPath));
  const sg = readModel(bytes).subgraphs[0]!;
  const inputs = sg.inputs.map((t) => ({ name: sg.tensors[t]!.name, shape: [...sg.tensors[t]!.shape], type: tensorTypeName(sg.tensors[t]!.type) }));
  await initRuntime();
  const { dataset } = await loadDataset(dataPath, inputs);
  const rt = await loadRuntimeModel(bytes);
  for (const s of dataset.samples) rt.run(s);
  rt.dispose();
  console.log(`${dataset.samples.length} forward passes`);
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
