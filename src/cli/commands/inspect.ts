import { parseArgs } from 'node:util';
import { summarizeModel } from '../../core/analysis';
import { EXIT_OK, UsageError, type CliIo } from '../cli-io';
import { formatSummary } from '../format-summary';
import { readModelFile } from '../read-model-file';

export const INSPECT_USAGE = 'tinyml inspect MODEL [--json]';

/** `tinyml inspect MODEL [--json]`: the model's inputs, outputs, operators, sizes and cost. */
export async function runInspect(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError(`usage: ${INSPECT_USAGE}`);
  const file = positionals[0]!;
  const { model, warnings, bytes } = readModelFile(file);
  const summary = summarizeModel(model, { fileBytes: bytes.length, warnings });
  io.stdout(values.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(file, summary));
  return EXIT_OK;
}
