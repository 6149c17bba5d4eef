/**
 * Finds the model in C/C++ text: the byte arrays that hold (or declare) a .tflite flatbuffer, e.g. `g_model` in
 * `tflite::GetModel(g_model)`. The provenance comment of generated files is read by codegen/marker.ts.
 */
import { CArrayParseError } from '../codegen/errors';
import { leadingInitializerBytes, parseInitializerChunked, type ChunkedParseOptions } from '../codegen/c-array-parse';
import { codeView, type CodeView } from './c-source-text';

export type ModelSymbolRole = 'definition' | 'declaration' | 'usage';

export interface ModelSymbol {
  name: string;
  role: ModelSymbolRole;
  /** Offset of the name in the text. */
  offset: number;
  /** For definitions: whether the first initializer bytes carry the "TFL3" file identifier. */
  looksLikeTflite?: boolean;
}

const BYTE_TYPE = String.raw`(?:unsigned\s+char|signed\s+char|char|uint8_t|int8_t|std::uint8_t)`;
// `[extern] [alignas(16)] [const] <byte type> [const] NAME[...] [attributes] (= { | ;)`
const BYTE_ARRAY = new RegExp(
  String.raw`(\bextern\s+(?:"C"\s+)?)?(?:\b\w+\s*\([^()\n]*\)\s*)*(?:\bconst\s+)?(?:\bstatic\s+)?(?:\bconst\s+)?${BYTE_TYPE}\s+(?:const\s+)?([A-Za-z_]\w*)\s*\[[^\]\n]*\]([^;{}=]*)(=\s*\{|;)`,
  'dg',
);
const GET_MODEL = /\bGetModel\s*\(\s*(?:\([^()]*\)\s*)?([A-Za-z_]\w*)\s*\)/dg;
/** TFLite flatbuffers carry "TFL3" at bytes 4..7. */
const TFL3 = [0x54, 0x46, 0x4c, 0x33];

/** Whether the initializer starting at `offset` (just after `{`) begins with 8 values whose last four are TFL3. */
export function initializerLooksLikeTflite(code: string, offset: number): boolean {
  const values = leadingInitializerBytes(code, offset, 8);
  return values.length === 8 && TFL3.every((b, i) => values[4 + i] === b);
}

/**
 * Byte arrays defined (`= {...}`) or declared `extern` in the text, and the names passed to `GetModel(...)`, in text
 * order. Offsets are into the original text.
 */
export function findModelSymbols(text: string, view: CodeView = codeView(text)): ModelSymbol[] {
  const code = view.code;
  const out: ModelSymbol[] = [];
  for (const m of code.matchAll(BYTE_ARRAY)) {
    const name = m[2]!;
    const offset = m.indices![2]![0];
    if (m[4]!.startsWith('=')) {
      out.push({ name, role: 'definition', offset: view.toSource(offset), looksLikeTflite: initializerLooksLikeTflite(code, m.index! + m[0].length) });
    } else if (m[1]) {
      out.push({ name, role: 'declaration', offset: view.toSource(offset) });
    }
  }
  for (const m of code.matchAll(GET_MODEL)) out.push({ name: m[1]!, role: 'usage', offset: view.toSource(m.indices![1]![0]) });
  return out.sort((a, b) => a.offset - b.offset);
}

/**
 * The bytes of the byte array `name` defined in `text` (the definition findModelSymbols sees, so a commented-out one
 * is skipped), read in slices so that a 24 MB source does not block the editor. Throws CArrayParseError.
 */
export async function readModelArray(text: string, name: string, options?: ChunkedParseOptions): Promise<Uint8Array> {
  const def = findModelSymbols(text).find((s) => s.name === name && s.role === 'definition');
  if (!def) throw new CArrayParseError(`no definition of the byte array ${name} (${name}[] = { ... }) found`);
  return parseInitializerChunked(text, text.indexOf('{', def.offset), name, options);
}

/** Names that are models in this text: defined arrays that look like .tflite, declared arrays, GetModel arguments. */
export function modelSymbolNames(symbols: readonly ModelSymbol[]): string[] {
  const names: string[] = [];
  for (const s of symbols) {
    if (s.role === 'definition' && !s.looksLikeTflite && !symbols.some((o) => o.name === s.name && o.role === 'usage')) continue;
    if (!names.includes(s.name)) names.push(s.name);
  }
  return names;
}
