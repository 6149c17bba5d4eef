import { summarizeModel } from '../../core/analysis';
import { parseCommand } from '../args';
import { EXIT_OK, UsageError, type CliIo } from '../cli-io';
import { formatSummary } from '../format-summary';
import { readModelFile } from '../read-model-file';

export const INSPECT_USAGE = 'tinyml inspect MODEL [--json]';

/** `tinyml inspect MODEL [--json]`: the model's inputs, outputs, operators, sizes and cost. */
export async function runInspect(args: string[], io: CliIo): Promise<number | undefined> {
  const parsed = parseCommand(args, { json: { type: 'boolean' } });
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'inspect takes one MODEL' : 'no model given: pass the path of a .tflite file', true);
  const file = positionals[0]!;
  const { model, warnings, bytes } = readModelFile(file);
  const summary = summarizeModel(model, { fileBytes: bytes.length, warnings });
  io.stdout(values.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(file, summary));
  return EXIT_OK;
}
