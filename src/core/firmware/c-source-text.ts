/**
 * Small lexical helpers for reading C/C++ firmware sources without a compiler: comments and string literals blanked
 * out (so a commented-out `kTensorArenaSize` is not taken for the real one) with every offset kept.
 */

const COMMENT_OR_LITERAL = /\/\*[\s\S]*?(?:\*\/|$)|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g;

/**
 * The text with comments and string/char literals replaced by spaces (line breaks kept), same length, so offsets
 * into the result are offsets into the original. `#include "x.h"` loses its file name: read includes from the
 * original text (findQuotedIncludes).
 */
export function blankCommentsAndStrings(text: string): string {
  return text.replace(COMMENT_OR_LITERAL, (m) => m.replace(/[^\n]/g, ' '));
}

/** Byte initializers longer than this are cut out of a CodeView: scanning megabytes of hex digits is pointless. */
const LONG_INITIALIZER_CHARS = 1024;
/** What is kept of a cut initializer: enough for the "TFL3" identifier check of its first 8 values. */
const KEPT_INITIALIZER_CHARS = 160;
const NUMERIC_INITIALIZER = /\{\s*(?:0[xX][0-9a-fA-F]{1,2}|\d{1,3})[uU]?\s*,/g;

/**
 * C/C++ text prepared for scanning: comments and strings blanked, and the middle of long numeric initializers (a
 * model's bytes) cut out so that a 24 MB `model_data.cc` scans in milliseconds. `toSource` maps an offset in `code`
 * back to the original text.
 */
export interface CodeView {
  code: string;
  toSource(offset: number): number;
}

export function codeView(text: string): CodeView {
  const pieces: string[] = [];
  /** [offset in code where a cut happened, characters removed before that point in total] */
  const cuts: Array<[number, number]> = [];
  let from = 0;
  let codeLength = 0;
  let removed = 0;
  NUMERIC_INITIALIZER.lastIndex = 0;
  for (let m = NUMERIC_INITIALIZER.exec(text); m; m = NUMERIC_INITIALIZER.exec(text)) {
    const close = text.indexOf('}', m.index);
    if (close < 0) break;
    if (close - m.index > LONG_INITIALIZER_CHARS) {
      const keepEnd = m.index + KEPT_INITIALIZER_CHARS;
      pieces.push(text.slice(from, keepEnd));
      codeLength += keepEnd - from;
      removed += close - keepEnd;
      cuts.push([codeLength, removed]);
      from = close;
    }
    NUMERIC_INITIALIZER.lastIndex = close;
  }
  if (cuts.length === 0) return { code: blankCommentsAndStrings(text), toSource: (o) => o };
  pieces.push(text.slice(from));
  const code = blankCommentsAndStrings(pieces.join(''));
  return {
    code,
    toSource(offset: number): number {
      let shift = 0;
      for (const [at, total] of cuts) {
        if (offset < at) break;
        shift = total;
      }
      return offset + shift;
    },
  };
}

const IDENT_CHAR = /[A-Za-z0-9_]/;

/** The identifier covering `offset` (or ending right before it), with its start, or undefined. */
export function identifierAt(text: string, offset: number): { name: string; start: number } | undefined {
  let start = offset;
  while (start > 0 && IDENT_CHAR.test(text[start - 1]!)) start--;
  let end = offset;
  while (end < text.length && IDENT_CHAR.test(text[end]!)) end++;
  if (end === start || /[0-9]/.test(text[start]!)) return undefined;
  return { name: text.slice(start, end), start };
}

/** Every `#include "file"` (quoted form only: angle-bracket includes are system and library headers). */
export function findQuotedIncludes(text: string): string[] {
  const out: string[] = [];
  const re = /^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1]!);
  return out;
}
