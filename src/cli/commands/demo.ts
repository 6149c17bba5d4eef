import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeModel } from '../../core/analysis';
import { buildSensorAnomalyModel } from '../../core/samples/sensor-anomaly-model';
import { loadModel, writeModel } from '../../core/tflite';
import { EXIT_OK, UsageError, type CliIo } from '../cli-io';
import { formatSummary } from '../format-summary';

export const DEMO_USAGE = 'tinyml demo [--out DIR]';

/**
 * `tinyml demo`: builds the bundled sample model with the project's own ModelBuilder and writer, reads it back and
 * inspects it: the main job end to end on a model that needs nothing from outside.
 */
export async function runDemo(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  const outDir = path.resolve(values.out ?? 'tinyml-demo');
  try {
    fs.mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create the demo folder ${outDir}: ${(e as Error).message}; pass --out DIR with a writable folder`);
  }
  const file = path.join(outDir, 'sensor_anomaly_float.tflite');
  const bytes = writeModel(buildSensorAnomalyModel());
  fs.writeFileSync(file, bytes);
  io.stdout(`Built the sample model with ModelBuilder and wrote ${path.relative(process.cwd(), file) || file}\n\n`);
  const { model, warnings } = loadModel(fs.readFileSync(file));
  io.stdout(formatSummary(path.basename(file), summarizeModel(model, { fileBytes: bytes.length, warnings })));
  return EXIT_OK;
}
