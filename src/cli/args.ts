/**
 * Argument parsing shared by every command: `--help`/`-h`, negative numbers and lists of numbers as option values
 * (`--margin -5`, `--image-range -1,1`), and parse errors that name the option and show the command's usage.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-io';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommand<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];
  positionals: string[];
}

const NUMBER = String.raw`\d*\.?\d+(?:e[+-]?\d+)?`;
/** A negative number, or a comma-separated list of numbers whose first is negative (`-1,1`, `-0.5,-0.5,-0.5`). */
const NEGATIVE_NUMBERS = new RegExp(String.raw`^-${NUMBER}(?:,\s*-?${NUMBER})*$`, 'i');

/**
 * Parses `args` against `options`; returns undefined when the user asked for help (the caller prints the usage).
 * A value that looks like a negative number (or a list of numbers starting with one) is taken as the value of the
 * string option before it, so that `--margin -5` reaches the command's own check ("must be ≥ 0") and
 * `--image-range -1,1` its range, instead of failing as an unknown option.
 */
export function parseCommand<O extends Options>(args: readonly string[], options: O): ParsedCommand<O> | undefined {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') { joined.push(...args.slice(i)); break; }
    if (a === '--help' || a === '-h') return undefined;
    const next = args[i + 1];
    if (next !== undefined && NEGATIVE_NUMBERS.test(next) && takesValue(a, options)) {
      joined.push(`${a.startsWith('--') ? a : `--${longName(a, options)}`}=${next}`);
      i++;
      continue;
    }
    joined.push(a);
  }
  try {
    const { values, positionals } = parseArgs({ args: joined, options, allowPositionals: true, strict: true });
    return { values: values as ParsedCommand<O>['values'], positionals };
  } catch (e) {
    throw usageErrorFrom(e);
  }
}

function longName(flag: string, options: Options): string | undefined {
  if (flag.startsWith('--')) return flag.slice(2).split('=')[0];
  if (/^-[A-Za-z]$/.test(flag)) return Object.entries(options).find(([, o]) => o.short === flag.slice(1))?.[0];
  return undefined;
}

function takesValue(flag: string, options: Options): boolean {
  if (flag.includes('=')) return false;
  const name = longName(flag, options);
  return !!name && options[name]?.type === 'string';
}

/** node:util parseArgs errors (ERR_PARSE_ARGS_*) as one line naming the option, with the usage shown after it. */
function usageErrorFrom(e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (!code.startsWith('ERR_PARSE_ARGS')) return e;
  const message = (e as Error).message;
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option '${option ?? message}'`, true);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing/.test(message)) return new UsageError(`${option} needs a value`, true);
    // The value after it starts with a dash and is not a number: node asks for the option=value form.
    if (/ambiguous/.test(message)) {
      const long = /use '(--[^=']+)=/.exec(message)?.[1] ?? option;
      return new UsageError(`${option} needs a value; one that starts with '-' is given as ${long}=-VALUE`, true);
    }
    return new UsageError(`${option} takes no value`, true);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return new UsageError(`unexpected argument ${/'([^']+)'/.exec(message)?.[1] ?? ''}`.trim(), true);
  return new UsageError(message.split('\n')[0]!, true);
}

/** A whole number ≥ 0 from an option value, or undefined when the option was not given. */
export function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (/^-/.test(value.trim())) throw new UsageError(`${flag} must be ≥ 0 (got ${value})`);
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${flag} takes a whole number, e.g. ${flag} 20 (got "${value}")`);
  return Number(value);
}

/** A number ≥ 0 (fractions allowed) from an option value, or undefined when the option was not given. */
export function nonNegativeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} takes a number, e.g. ${flag} 20 (got "${value}")`);
  if (n < 0) throw new UsageError(`${flag} must be ≥ 0 (got ${value})`);
  return n;
}

/** One of the allowed words, or `fallback` when the option was not given. */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}
