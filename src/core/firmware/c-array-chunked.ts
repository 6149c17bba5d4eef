/**
 * Reads the bytes of a model array (`g_model[] = { 0x1c, 0x00, ... }`) out of C source in slices, pausing between
 * them: a 4 MB model is a 24 MB initializer that takes ~150 ms to parse, too long to block an editor in one go.
 * The result equals codegen's parseCArray for the same array.
 */
import { CArrayParseError } from '../codegen/errors';
import { findModelSymbols } from './model-symbols';
import { lineOf } from './c-source-text';

export interface ChunkedParseOptions {
  /** Characters parsed between pauses. Default 1,000,000 (a few milliseconds). */
  sliceChars?: number;
  /** Called between slices; default yields to the event loop with setImmediate. */
  pause?: () => Promise<void>;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** The bytes of the byte array `name` defined in `text`. Throws CArrayParseError naming the array and line. */
export async function parseByteArrayChunked(text: string, name: string, options: ChunkedParseOptions = {}): Promise<Uint8Array> {
  const def = findModelSymbols(text).find((s) => s.name === name && s.role === 'definition');
  if (!def) throw new CArrayParseError(`no definition of the byte array ${name} (${name}[] = { ... }) found`);
  const open = text.indexOf('{', def.offset);
  const sliceChars = options.sliceChars ?? 1_000_000;
  const pause = options.pause ?? yieldToEventLoop;
  const len = text.length;
  const fail = (at: number, what: string): never => {
    throw new CArrayParseError(`array ${name}, line ${lineOf(text, at)}: ${what}`);
  };

  let out = new Uint8Array(Math.max(16, Math.ceil((len - open) / 5)));
  let n = 0;
  let i = open + 1;
  let sliceEnd = i + sliceChars;
  for (;;) {
    if (i >= sliceEnd) {
      await pause();
      sliceEnd = i + sliceChars;
    }
    let c = text.charCodeAt(i);
    while (i < len && (c === 32 || c === 44 || (c >= 9 && c <= 13))) c = text.charCodeAt(++i);
    if (i >= len) fail(i, 'missing closing }');
    if (c === 125 /* } */) return out.slice(0, n);
    if (c === 47 /* / */) {
      const next = text.charCodeAt(i + 1);
      if (next === 47 || next === 42) {
        const close = next === 47 ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
        if (close < 0 && next === 42) fail(i, 'unterminated comment');
        i = close < 0 ? len : close + (next === 47 ? 1 : 2);
        continue;
      }
    }
    let value = 0;
    const next = text.charCodeAt(i + 1);
    if (c === 48 && (next === 120 || next === 88)) {
      i += 2;
      const start = i;
      for (let h = hexValue(text.charCodeAt(i)); h >= 0; h = hexValue(text.charCodeAt(++i))) value = value * 16 + h;
      if (i === start) fail(i, 'hex literal without digits');
    } else if (c >= 48 && c <= 57) {
      const base = c === 48 ? 8 : 10;
      for (; c >= 48 && c <= 57; c = text.charCodeAt(++i)) value = value * base + (c - 48);
    } else {
      fail(i, `unexpected "${text[i]}" where a byte value was expected`);
    }
    for (c = text.charCodeAt(i); c === 117 || c === 85 || c === 108 || c === 76; c = text.charCodeAt(++i));
    if (value > 255) fail(i, `value ${value} does not fit in a byte`);
    if (n === out.length) {
      const grown = new Uint8Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[n++] = value;
  }
}
