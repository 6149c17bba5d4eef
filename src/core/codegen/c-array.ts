/**
 * Writes a .tflite model as a C/C++ byte array plus a header declaring it: the `xxd -i` step every TFLite Micro
 * project needs, done right (16-byte alignment, a stable symbol, a header with `extern "C"` guards, a provenance
 * comment). Output is deterministic for the same bytes and options.
 */
import { assertCIdentifier } from './c-identifier';
import { ExportOptionError } from './errors';
import { markerComment, type ModelProvenance } from './marker';

export type CLanguage = 'c' | 'cpp';

export interface CArrayOptions {
  /** Array symbol; `<symbol>_len` holds the length. Default `g_model`. */
  symbol?: string;
  /** `cpp` writes `alignas(16)`; `c` writes a portable C11/GCC alignment macro. Default `cpp`. */
  lang?: CLanguage;
  /** Maximum characters per array line, indentation included. Default 80 (13 bytes per line). */
  lineWidth?: number;
  /** Linker section for the array, e.g. `.rodata.model` or an external-flash section (GCC/Clang attribute). */
  section?: string;
  /** File name the source `#include`s; default `<base>_data.h` (see modelFileBase). */
  headerFileName?: string;
}

export const DEFAULT_SYMBOL = 'g_model';
export const DEFAULT_LINE_WIDTH = 80;

const INDENT = 2;
/** Each byte is written as `0xNN, `: six characters. */
const ENTRY_CHARS = 6;

/** `g_model` -> `model`, `g_person_detect` -> `person_detect`: the stem used for file names and runner functions. */
export function modelFileBase(symbol: string): string {
  return symbol.replace(/^g_/, '') || symbol;
}

export function bytesPerLine(lineWidth: number): number {
  if (!Number.isInteger(lineWidth) || lineWidth < INDENT + ENTRY_CHARS - 1 || lineWidth > 10_000) {
    throw new ExportOptionError(
      `invalid line width ${lineWidth}: use a whole number of characters from ${INDENT + ENTRY_CHARS - 1} to 10000 (e.g. 80)`,
    );
  }
  // The last entry on a line drops its trailing space: "  0x1c, ..., 0x00,"
  return Math.floor((lineWidth - INDENT + 1) / ENTRY_CHARS);
}

function sectionAttribute(section: string | undefined): string {
  if (section === undefined || section === '') return '';
  if (!/^[A-Za-z0-9_.$@-]+$/.test(section)) {
    throw new ExportOptionError(`invalid section name "${section}": use letters, digits and . _ $ @ - (e.g. .rodata.model)`);
  }
  return ` __attribute__((section("${section}")))`;
}

function headerGuard(symbol: string): string {
  return `TINYML_${symbol.toUpperCase()}_DATA_H_`;
}

function resolveOptions(opts: CArrayOptions): Required<Omit<CArrayOptions, 'section'>> & { section: string } {
  const symbol = opts.symbol ?? DEFAULT_SYMBOL;
  assertCIdentifier(symbol);
  assertCIdentifier(`${symbol}_len`);
  const lang = opts.lang ?? 'cpp';
  if (lang !== 'c' && lang !== 'cpp') throw new ExportOptionError(`invalid language "${String(lang)}": use c or cpp`);
  const lineWidth = opts.lineWidth ?? DEFAULT_LINE_WIDTH;
  bytesPerLine(lineWidth);
  return {
    symbol,
    lang,
    lineWidth,
    section: sectionAttribute(opts.section),
    headerFileName: opts.headerFileName ?? `${modelFileBase(symbol)}_data.h`,
  };
}

/** The header declaring `<symbol>[]` and `<symbol>_len`, usable from C and C++. */
export function generateCArrayHeader(provenance: ModelProvenance, opts: CArrayOptions = {}): string {
  const o = resolveOptions(opts);
  const guard = headerGuard(o.symbol);
  return (
    markerComment(provenance, 'model data declarations') +
    `#ifndef ${guard}\n#define ${guard}\n\n` +
    '#ifdef __cplusplus\nextern "C" {\n#endif\n\n' +
    '// The .tflite flatbuffer, 16-byte aligned as TFLite Micro requires.\n' +
    `extern const unsigned char ${o.symbol}[];\n` +
    `extern const unsigned int ${o.symbol}_len;\n\n` +
    '#ifdef __cplusplus\n}  // extern "C"\n#endif\n\n' +
    `#endif  // ${guard}\n`
  );
}

/** C11 `_Alignas` where available, the GCC/Clang attribute otherwise; C++ uses `alignas` directly. */
const C_ALIGN_MACRO =
  '#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L\n' +
  '#define TINYML_ALIGN16 _Alignas(16)\n' +
  '#elif defined(__GNUC__) || defined(__clang__)\n' +
  '#define TINYML_ALIGN16 __attribute__((aligned(16)))\n' +
  '#else\n' +
  '#error "Align the model data to 16 bytes for TFLite Micro: define TINYML_ALIGN16 for this compiler"\n' +
  '#endif\n\n';

/**
 * The source defining the array. Returned as bytes (latin1/ASCII) because a 28 MB model becomes a 170 MB text,
 * too big to build comfortably as a JS string.
 */
export function generateCArraySource(bytes: Uint8Array, provenance: ModelProvenance, opts: CArrayOptions = {}): Uint8Array {
  const o = resolveOptions(opts);
  if (bytes.length === 0) throw new ExportOptionError(`${provenance.modelPath} is empty: there is no model to export`);
  const align = o.lang === 'cpp' ? 'alignas(16)' : 'TINYML_ALIGN16';
  const prefix =
    markerComment(provenance, 'model data') +
    `#include "${o.headerFileName}"\n\n` +
    (o.lang === 'c' ? C_ALIGN_MACRO : '') +
    `${align} const unsigned char ${o.symbol}[]${o.section} = {\n`;
  const suffix = `};\nconst unsigned int ${o.symbol}_len = ${bytes.length};\n`;
  const body = formatByteLines(bytes, bytesPerLine(o.lineWidth));
  const out = Buffer.allocUnsafe(prefix.length + body.length + suffix.length);
  out.write(prefix, 0, 'latin1');
  out.set(body, prefix.length);
  out.write(suffix, prefix.length + body.length, 'latin1');
  return out;
}

/** The two hex digits of each byte value as one little-/big-endian-correct 16-bit store. */
const HEX_PAIRS: Uint16Array = (() => {
  const table = new Uint16Array(256);
  const asBytes = new Uint8Array(table.buffer);
  const digits = '0123456789abcdef';
  for (let b = 0; b < 256; b++) {
    asBytes[2 * b] = digits.charCodeAt(b >> 4);
    asBytes[2 * b + 1] = digits.charCodeAt(b & 15);
  }
  return table;
})();

/**
 * `  0x1c, 0x00, ...,\n` lines. Every full line is the same template with different hex digits, so the buffer is
 * filled with the template by doubling copies (native memcpy) and then each byte costs one 16-bit store of its two
 * hex digits. Lines are 2 + 6n characters long, so every digit pair lands on an even offset.
 */
export function formatByteLines(bytes: Uint8Array, perLine: number): Uint8Array {
  const n = bytes.length;
  if (n === 0) return new Uint8Array(0);
  const lineLen = INDENT + ENTRY_CHARS * perLine;
  const fullLines = Math.floor(n / perLine);
  const rest = n - fullLines * perLine;
  const size = fullLines * lineLen + (rest > 0 ? INDENT + ENTRY_CHARS * rest : 0);
  const out = new Uint8Array(new ArrayBuffer(size + (size & 1)), 0, size);

  const template = Buffer.from(`  ${'0x00, '.repeat(perLine).slice(0, -1)}\n`, 'latin1');
  const templateBytes = fullLines > 0 ? fullLines * lineLen : 0;
  if (templateBytes > 0) {
    out.set(template, 0);
    for (let filled = lineLen; filled < templateBytes; filled *= 2) {
      out.copyWithin(filled, 0, Math.min(filled, templateBytes - filled));
    }
  }
  if (rest > 0) {
    out.set(template.subarray(0, INDENT + ENTRY_CHARS * rest), templateBytes);
    out[size - 1] = 10; // the last entry's trailing space becomes the newline
  }

  const pairs = new Uint16Array(out.buffer, 0, (size + (size & 1)) / 2);
  const entriesPerLine16 = ENTRY_CHARS / 2;
  let i = 0;
  // Index (in 16-bit units) of the first digit pair: after the indent and "0x".
  let lineStart16 = (INDENT + 2) / 2;
  for (let line = 0; line < fullLines; line++) {
    let p = lineStart16;
    for (let end = i + perLine; i < end; i++) {
      pairs[p] = HEX_PAIRS[bytes[i]!]!;
      p += entriesPerLine16;
    }
    lineStart16 += lineLen / 2;
  }
  for (let p = lineStart16; i < n; i++) {
    pairs[p] = HEX_PAIRS[bytes[i]!]!;
    p += entriesPerLine16;
  }
  return out;
}
