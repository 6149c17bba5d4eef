import fs from 'node:fs';
import path from 'node:path';
import { buildTrainedSensorSample } from '../../core/samples/trained-sensor-sample';
import { parseCommand } from '../args';
import { EXIT_OK, UsageError, type CliIo } from '../cli-io';
import { runArena } from './arena';
import { runExport } from './export';
import { runInspect } from './inspect';
import { runQuantize } from './quantize';

export const DEMO_USAGE = 'tinyml demo [--out DIR]';

/** Written into the demo folder: a later run may clear a folder that has it, and no other. */
const DEMO_MARKER = '.tinyml-demo';

/** An empty or new folder, or one an earlier demo made (then cleared); anything else is the user's and is refused. */
function prepareOutDir(outDir: string): void {
  try {
    if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
      if (!fs.existsSync(path.join(outDir, DEMO_MARKER))) {
        throw new UsageError(`${outDir} is not empty and was not made by tinyml demo; pass --out with a new or empty folder`);
      }
      fs.rmSync(outDir, { recursive: true, force: true });
    }
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, DEMO_MARKER), 'Made by `tinyml demo`; the next run clears this folder.\n');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot create the demo folder ${outDir}: ${(e as Error).message}; pass --out DIR with a writable folder`);
  }
}

/**
 * `tinyml demo`: the main job end to end on the bundled sample, which needs nothing from outside. It trains the
 * vibration anomaly autoencoder on synthetic sensor data, writes it as a float .tflite with the project's own writer,
 * then runs the same commands a user would: inspect, quantize (with the sample's calibration set), arena, export.
 */
export async function runDemo(args: string[], io: CliIo): Promise<number | undefined> {
  const parsed = parseCommand(args, { out: { type: 'string' } });
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`, true);
  const outDir = path.resolve(values.out ?? 'tinyml-demo');
  prepareOutDir(outDir);
  const rel = (p: string) => path.relative(process.cwd(), p) || p;
  const step = (title: string, command: string) => io.stdout(`\n=== ${title}\n$ ${command}\n\n`);

  io.stdout('=== 1. Sample: vibration anomaly autoencoder for an industrial sensor\n');
  const sample = await buildTrainedSensorSample(outDir);
  io.stdout(`Trained with TensorFlow.js in ${(sample.trainMs / 1000).toFixed(1)} s (final loss ${sample.finalLoss.toPrecision(3)}), `
    + `anomaly ROC AUC ${sample.tfjsAuc.toFixed(4)} on held-out windows.\nData: ${sample.dataDescription}\n`
    + `Wrote ${rel(sample.modelPath)} (${sample.modelBytes} bytes) and calibration/held-out sets as .npy.\n`);

  const quantized = path.join(outDir, 'sensor_anomaly_int8.tflite');
  const firmware = path.join(outDir, 'firmware');
  fs.mkdirSync(firmware);
  const commands: [string, string[], (a: string[], io: CliIo) => Promise<number | undefined>][] = [
    ['2. Inspect the float model', ['inspect', sample.modelPath], runInspect],
    ['3. Quantize to int8 with the calibration set; accuracy on the held-out set',
      ['quantize', sample.modelPath, '--data', sample.calibrationPath, '--eval', sample.heldOutPath, '-o', quantized], runQuantize],
    ['4. Tensor arena on a Cortex-M', ['arena', quantized], runArena],
    ['5. Export the int8 model as a C array with TFLite Micro boilerplate', ['export', quantized, '--out', firmware, '--boilerplate'], runExport],
  ];
  for (const [title, argv, run] of commands) {
    step(title, `tinyml ${argv.map((a) => (path.isAbsolute(a) ? rel(a) : a)).join(' ')}`);
    const code = await run(argv.slice(1), io);
    if (code !== EXIT_OK) return code;
  }
  io.stdout(`\nAll outputs are in ${rel(outDir)}/\n`);
  return EXIT_OK;
}
