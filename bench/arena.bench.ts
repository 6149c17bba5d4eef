/**
 * Arena estimate speed on the largest TFLM model (mobilenet_v2, 4 MB int8): target <= 10 ms per estimate,
 * shown next to the time to read and parse the same file (the anchor).
 */
import fs from 'node:fs';
import { estimateArena } from '../src/core/arena';
import { readModel } from '../src/core/tflite';
import { sharedModel, HAS_SHARED } from '../test/helpers/paths';
import { ms, report, timeMedian } from './harness';

const MODEL = 'tflm/xtensa/pytorch_to_tflite/mobilenet_v2_quantized_1x3x224x224.tflite';
const TARGET_MS = 10;

export function main(): void {
  if (!HAS_SHARED) {
    console.log('arena bench skipped: ../shared/models is not present');
    return;
  }
  const file = sharedModel(MODEL);
  const parse = timeMedian(() => readModel(new Uint8Array(fs.readFileSync(file))), { runs: 9 });
  const model = readModel(new Uint8Array(fs.readFileSync(file)));
  const ops = model.subgraphs[0]!.operators.length;
  report('read + parse mobilenet_v2_quantized', ms(parse), 'anchor');
  for (const [label, options] of [
    ['estimateArena cortex-m reference', { target: 'cortex-m', kernels: 'reference' }],
    ['estimateArena cortex-m cmsis-nn (dsp)', { target: 'cortex-m', kernels: 'cmsis-nn', isa: 'dsp' }],
    ['estimateArena x86_64 reference', { target: 'x86_64', kernels: 'reference' }],
  ] as const) {
    const t = timeMedian(() => estimateArena(model, options), { runs: 21 });
    report(label, ms(t), `${ops} ops; target <= ${TARGET_MS} ms (${(t / TARGET_MS).toFixed(2)}x); ${(t / parse).toFixed(2)}x parse`);
  }
}

if (require.main === module) main();
