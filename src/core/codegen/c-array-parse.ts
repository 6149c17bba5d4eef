/**
 * Reads byte arrays back out of C source: our generated files, `xxd -i` output and the hand-edited variants found in
 * firmware projects (`const unsigned char model[] DATA_ALIGN_ATTRIBUTE = {...}`). Used to verify exports and to find
 * the model embedded in a source file.
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

const C_0 = 48;
const C_9 = 57;
const C_X = 120;
const C_X_UPPER = 88;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 11 || c === 12;
}

function hexValue(c: number): number {
  if (c >= C_0 && c <= C_9) return c - C_0;
  const lower = c | 32;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** Parses the initializer starting just after `{`; returns the bytes and the index after `}`. */
function parseInitializer(text: string, start: number, name: string): { bytes: Uint8Array; end: number } {
  let out = new Uint8Array(Math.max(16, Math.ceil((text.length - start) / 5)));
  let n = 0;
  let i = start;
  const len = text.length;
  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new CArrayParseError(`array ${name}, line ${line}: ${what}`);
  };
  for (;;) {
    let c = text.charCodeAt(i);
    while (i < len && (isSpace(c) || c === 44 /* , */)) c = text.charCodeAt(++i);
    if (i >= len) fail('missing closing }');
    if (c === 125 /* } */) return { bytes: out.subarray(0, n), end: i + 1 };
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
    if (c === C_0 && (next === C_X || next === C_X_UPPER)) {
      i += 2;
      let digits = 0;
      for (let h = hexValue(text.charCodeAt(i)); h >= 0; h = hexValue(text.charCodeAt(++i))) {
        value = value * 16 + h;
        digits++;
      }
      if (digits === 0) fail('hex literal without digits');
    } else if (c >= C_0 && c <= C_9) {
      const octal = c === C_0;
      for (; c >= C_0 && c <= C_9; c = text.charCodeAt(++i)) value = value * (octal ? 8 : 10) + (c - C_0);
    } else {
      fail(`unexpected "${text[i]}" where a byte value was expected`);
    }
    // Integer suffixes (0x1cu, 12U) are legal C.
    for (c = text.charCodeAt(i); c === 117 || c === 85 || c === 108 || c === 76; c = text.charCodeAt(++i));
    if (value > 255) fail(`value ${value} does not fit in a byte`);
    if (n === out.length) {
      const grown = new Uint8Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[n++] = value;
  }
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
