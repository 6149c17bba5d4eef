/**
 * The one reader of C byte arrays: our generated files, `xxd -i` output and the hand-edited variants found in
 * firmware projects (`const unsigned char model[] DATA_ALIGN_ATTRIBUTE = {...}`). Used to verify exports, to read
 * the model embedded in a firmware source (in slices, for the hover) and to peek at an array's first bytes.
 */
import { CArrayParseError } from './errors';

export interface ParsedCArray {
  name: string;
  bytes: Uint8Array;
  /** Value of a `<name>_len = N` (or `<name>_size`) definition in the same text, when there is one. */
  declaredLength?: number;
  /** Character offset of the array's name in the text. */
  offset: number;
}

// `name[...]` then anything that is not `;`, `{` or `=` (attributes, macros), then `= {`.
const ARRAY_START = /\b([A-Za-z_][A-Za-z0-9_]*)\s*\[[^\]]*\]([^;{}=]*)=\s*\{/;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A read of one initializer in progress: the next character and the values so far. */
interface Cursor {
  i: number;
  n: number;
  out: Uint8Array;
}

/** A cursor whose buffer fits `capacity` values, by default every value the rest of the text could hold ("0x1c,"). */
function cursorAt(text: string, start: number, capacity = Math.max(16, Math.ceil((text.length - start) / 5))): Cursor {
  return { i: start, n: 0, out: new Uint8Array(capacity) };
}

/**
 * The one reader of C byte initializers: hex, decimal and octal literals with integer suffixes, commas, whitespace
 * and comments, up to the closing `}`. Reads from `cur.i` until `}` (returns the index after it), or until
 * `stopAt` characters or `maxValues` values (returns -1: call again to go on). Throws CArrayParseError naming the
 * array and the line.
 */
function readValues(text: string, cur: Cursor, name: string, stopAt = Infinity, maxValues = Infinity): number {
  const len = text.length;
  let i = cur.i;
  const fail = (what: string): never => {
    throw new CArrayParseError(`array ${name}, line ${lineOf(text, i)}: ${what}`);
  };
  try {
    for (;;) {
      if (i >= stopAt || cur.n >= maxValues) return -1;
      let c = text.charCodeAt(i);
      while (i < len && (c === 32 || c === 44 /* , */ || (c >= 9 && c <= 13))) c = text.charCodeAt(++i);
      if (i >= len) fail('missing closing }');
      if (c === 125 /* } */) return i + 1;
      if (c === 47 /* / */) {
        const next = text.charCodeAt(i + 1);
        if (next === 47) {
          const nl = text.indexOf('\n', i);
          i = nl < 0 ? len : nl + 1;
          continue;
        }
        if (next === 42) {
          const close = text.indexOf('*/', i + 2);
          if (close < 0) fail('unterminated comment');
          i = close + 2;
          continue;
        }
      }
      let value = 0;
      const next = text.charCodeAt(i + 1);
      if (c === 48 && (next === 120 || next === 88) /* 0x 0X */) {
        i += 2;
        const digitsStart = i;
        for (let h = hexValue(text.charCodeAt(i)); h >= 0; h = hexValue(text.charCodeAt(++i))) value = value * 16 + h;
        if (i === digitsStart) fail('hex literal without digits');
      } else if (c >= 48 && c <= 57) {
        const base = c === 48 ? 8 : 10;
        for (; c >= 48 && c <= 57; c = text.charCodeAt(++i)) value = value * base + (c - 48);
      } else {
        fail(`unexpected "${text[i]}" where a byte value was expected`);
      }
      // Integer suffixes (0x1cu, 12U) are legal C.
      for (c = text.charCodeAt(i); c === 117 || c === 85 || c === 108 || c === 76; c = text.charCodeAt(++i));
      if (value > 255) fail(`value ${value} does not fit in a byte`);
      if (cur.n === cur.out.length) {
        const grown = new Uint8Array(cur.out.length * 2);
        grown.set(cur.out);
        cur.out = grown;
      }
      cur.out[cur.n++] = value;
    }
  } finally {
    cur.i = i;
  }
}

/** Parses the initializer starting just after `{`; returns the bytes and the index after `}`. */
function parseInitializer(text: string, start: number, name: string): { bytes: Uint8Array; end: number } {
  const cur = cursorAt(text, start);
  const end = readValues(text, cur, name);
  return { bytes: cur.out.slice(0, cur.n), end };
}

export interface ChunkedParseOptions {
  /** Characters parsed between pauses. Default 1,000,000 (a few milliseconds). */
  sliceChars?: number;
  /** Called between slices; default yields to the event loop with setImmediate. */
  pause?: () => Promise<void>;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The bytes of the initializer whose `{` is at `open`, read in slices with a pause between them: a 4 MB model is a
 * 24 MB initializer that takes ~150 ms to parse, too long to block an editor in one go. Same result and errors as
 * parseCArray for the same array.
 */
export async function parseInitializerChunked(text: string, open: number, name: string, options: ChunkedParseOptions = {}): Promise<Uint8Array> {
  const sliceChars = options.sliceChars ?? 1_000_000;
  const pause = options.pause ?? yieldToEventLoop;
  const cur = cursorAt(text, open + 1);
  while (readValues(text, cur, name, cur.i + sliceChars) < 0) await pause();
  return cur.out.slice(0, cur.n);
}

/**
 * Up to `count` leading values of the initializer starting just after `{`, fewer when it ends or stops being bytes
 * first (a file identifier check needs only the first few; no error is raised).
 */
export function leadingInitializerBytes(text: string, start: number, count: number): number[] {
  const cur = cursorAt(text, start, count);
  try {
    readValues(text, cur, '', Infinity, count);
  } catch (e) {
    if (!(e instanceof CArrayParseError)) throw e;
  }
  return [...cur.out.subarray(0, cur.n)];
}

/**
 * Every byte array initializer in `source`, in order. Initializers that are not bytes (an `int` table, a struct) are
 * skipped, unless `strictName` names them: then their parse error is thrown.
 */
export function parseCArrays(source: string | Uint8Array, strictName?: string): ParsedCArray[] {
  const text = typeof source === 'string' ? source : Buffer.from(source.buffer, source.byteOffset, source.length).toString('latin1');
  const arrays: ParsedCArray[] = [];
  const start = new RegExp(ARRAY_START.source, 'g');
  for (let m = start.exec(text); m; m = start.exec(text)) {
    const name = m[1]!;
    try {
      const { bytes, end } = parseInitializer(text, m.index + m[0].length, name);
      arrays.push({ name, bytes, offset: m.index });
      start.lastIndex = end;
    } catch (e) {
      if (e instanceof CArrayParseError && name !== strictName) continue;
      throw e;
    }
  }
  for (const a of arrays) {
    const lenDef = new RegExp(`\\b${a.name}_(?:len|size)\\s*=\\s*(\\d+)`).exec(text);
    if (lenDef) a.declaredLength = Number(lenDef[1]);
  }
  return arrays;
}

/**
 * The bytes of the array named `name` (or the only/first array), checked against its `_len` definition.
 * Throws CArrayParseError when there is no such array or the length disagrees.
 */
export function parseCArray(source: string | Uint8Array, name?: string): ParsedCArray {
  const arrays = parseCArrays(source, name);
  const found = name === undefined ? arrays[0] : arrays.find((a) => a.name === name);
  if (!found) {
    throw new CArrayParseError(
      name === undefined ? 'no byte array initializer (name[] = { ... }) found' : `no array named ${name} found`,
    );
  }
  if (found.declaredLength !== undefined && found.declaredLength !== found.bytes.length) {
    throw new CArrayParseError(
      `array ${found.name} has ${found.bytes.length} bytes but ${found.name}_len says ${found.declaredLength}`,
    );
  }
  return found;
}
