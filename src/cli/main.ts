import { EXIT_BAD_INPUT, EXIT_OK, type CliIo } from './cli-io';
import { ARENA_USAGE, runArena } from './commands/arena';
import { DEMO_USAGE, runDemo } from './commands/demo';
import { EXPORT_USAGE, runExport } from './commands/export';
import { FIT_USAGE, runFit } from './commands/fit';
import { INSPECT_USAGE, runInspect } from './commands/inspect';
import { QUANTIZE_USAGE, runQuantize } from './commands/quantize';
import { describeFailure } from './errors';
import { toolkitVersion } from './version';
import v8 from 'node:v8';

/** V8's "bytes executed" before a WebAssembly function is re-optimized (its default: 1,800,000); see below. */
export const WASM_TIERING_BUDGET = 100_000_000;

/**
 * The V8 flags the CLI sets for its own process (see below); the speed bench runs its tuned floor with the same.
 * Lazy validation: each function of LiteRT's 9 MB of WebAssembly is validated when first compiled (on first call),
 * not all of them before the first model loads; a run calls a few kernels. Measured: compiling the module went from
 * about 100 to 17 ms (wall, on the calling thread's path to its first model) and 50-60 ms less CPU. An invalid
 * function still fails, as a CompileError at its first call; WebAssembly.validate still checks everything (the SIMD
 * dot module's feature test, simd-dot.ts).
 */
export const CLI_V8_FLAGS: readonly string[] = ['--wasm-lazy-compilation', '--wasm-lazy-validation', `--wasm-tiering-budget=${WASM_TIERING_BUDGET}`];

/** A command returns its exit code, or undefined when it was asked for --help (main prints the usage then). */
type Command = { usage: string; summary: string; run: (args: string[], io: CliIo) => Promise<number | undefined> };

const COMMANDS: Record<string, Command> = {
  inspect: { usage: INSPECT_USAGE, summary: 'inputs, outputs, operators, parameters, MACs of a .tflite model', run: runInspect },
  quantize: { usage: QUANTIZE_USAGE, summary: 'full-integer post-training quantization with calibration data, and its accuracy report', run: runQuantize },
  arena: { usage: ARENA_USAGE, summary: 'tensor arena TFLite Micro needs, and TFLite Micro compatibility', run: runArena },
  fit: { usage: FIT_USAGE, summary: 'RAM, flash and latency on a board (detected from the project or --board); exit 3 if it does not fit', run: runFit },
  export: { usage: EXPORT_USAGE, summary: 'C array of the model (+ TFLite Micro boilerplate) into a firmware project', run: runExport },
  demo: { usage: DEMO_USAGE, summary: 'build the bundled sample model and run the toolkit on it', run: runDemo },
};

export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0  done',
  '  1  a bug in TinyML Toolkit (one line; TINYML_DEBUG=1 prints the stack)',
  '  2  bad input or environment: arguments, a file that is not a model, data of the wrong shape, a folder that cannot be written',
  '  3  done, but a check you asked for failed',
].join('\n');

function help(): string {
  const rows = Object.values(COMMANDS).flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]);
  return [
    `TinyML Toolkit ${toolkitVersion()}: .tflite models for microcontrollers`, '', 'Usage:', ...rows, '',
    '  tinyml help COMMAND | tinyml COMMAND --help   the options of one command',
    '  tinyml --version', '', EXIT_CODES_HELP, '',
  ].join('\n');
}

function commandHelp(name: string, c: Command): string {
  return `usage: ${c.usage}\n\n${c.summary}\n\n${EXIT_CODES_HELP}\n`;
}

function unknownCommand(name: string, io: CliIo): number {
  io.stderr(`tinyml: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}; tinyml --help lists them\n`);
  return EXIT_BAD_INPUT;
}

/** Runs one CLI invocation; returns the exit code (see EXIT_CODES_HELP). Never throws. */
export async function main(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    (name ? io.stdout : io.stderr)(help());
    return name ? EXIT_OK : EXIT_BAD_INPUT;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`${toolkitVersion()}\n`);
    return EXIT_OK;
  }
  if (name === 'help') {
    const topic = rest[0];
    if (!topic) { io.stdout(help()); return EXIT_OK; }
    const c = COMMANDS[topic];
    if (!c) return unknownCommand(topic, io);
    io.stdout(commandHelp(topic, c));
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) return unknownCommand(name, io);
  try {
    const code = await command.run(rest, io);
    if (code === undefined) {
      io.stdout(commandHelp(name, command));
      return EXIT_OK;
    }
    return code;
  } catch (e) {
    const failure = describeFailure(e, name, command.usage, env.TINYML_DEBUG === '1');
    io.stderr(failure.text);
    return failure.code;
  }
}

if (require.main === module) {
  // A CLI run is short, and LiteRT's WebAssembly is 9 MB of which a run uses a few kernels. V8's defaults suit a long
  // session: compile all of it up front, then re-optimize every function that runs a little. Here that costs more
  // than it saves, and the process waits for the optimizing threads before it can exit. Compiling each function on
  // its first call and optimizing only the ones that run a lot halved the CPU time of `tinyml quantize` on
  // hello_world and took 15-20% off ResNet-8 (bench/quantize-speed.bench.ts). Only the CLI's own process: the
  // extension never sets V8 flags in VS Code's.
  for (const flag of CLI_V8_FLAGS) v8.setFlagsFromString(flag);
  const io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
  // Exit as soon as the output is flushed. Left to itself the process waits for V8 to finish optimizing LiteRT's
  // WebAssembly in background threads (tier-up), work nobody will use: measured 0.3-0.5 s of wall and CPU time
  // after the last line of a `tinyml quantize` run.
  const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => { stream.write('', () => resolve()); });
  main(process.argv.slice(2), io)
    .then(async (code) => {
      await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
      process.exit(code);
    });
}
