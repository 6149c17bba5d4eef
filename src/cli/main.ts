import { EXIT_BAD_INPUT, EXIT_FAILURE, UsageError, type CliIo } from './cli-io';
import { ARENA_USAGE, runArena } from './commands/arena';
import { DEMO_USAGE, runDemo } from './commands/demo';
import { EXPORT_USAGE, runExport } from './commands/export';
import { FIT_USAGE, runFit } from './commands/fit';
import { INSPECT_USAGE, runInspect } from './commands/inspect';
import { QUANTIZE_USAGE, runQuantize } from './commands/quantize';

type Command = { usage: string; summary: string; run: (args: string[], io: CliIo) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  inspect: { usage: INSPECT_USAGE, summary: 'inputs, outputs, operators, parameters, MACs of a .tflite model', run: runInspect },
  quantize: { usage: QUANTIZE_USAGE, summary: 'full-integer post-training quantization with calibration data, and its accuracy report', run: runQuantize },
  arena: { usage: ARENA_USAGE, summary: 'tensor arena TFLite Micro needs, and TFLite Micro compatibility', run: runArena },
  fit: { usage: FIT_USAGE, summary: 'RAM, flash and latency on a board (detected from the project or --board); exit 3 if it does not fit', run: runFit },
  export: { usage: EXPORT_USAGE, summary: 'C array of the model (+ TFLite Micro boilerplate) into a firmware project', run: runExport },
  demo: { usage: DEMO_USAGE, summary: 'build the bundled sample model and run the toolkit on it', run: runDemo },
};

function help(): string {
  const rows = Object.values(COMMANDS).flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]);
  return ['TinyML Toolkit: .tflite models for microcontrollers', '', 'Usage:', ...rows, ''].join('\n');
}

/** Runs one CLI invocation; returns the exit code (0 ok, 2 bad input or usage, 1 unexpected failure). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name ? 0 : EXIT_BAD_INPUT;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`tinyml: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // parseArgs throws TypeErrors with an ERR_PARSE_ARGS_* code for unknown or malformed flags
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (e instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`tinyml ${name}: ${(e as Error).message.split('\n')[0]}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(`tinyml ${name}: unexpected failure: ${(e as Error).stack ?? e}\n`);
    return EXIT_FAILURE;
  }
}

if (require.main === module) {
  const io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
  main(process.argv.slice(2), io).then((code) => { process.exitCode = code; });
}
