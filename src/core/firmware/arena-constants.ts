/**
 * Finds the tensor arena size where firmware declares it: `constexpr int kTensorArenaSize = 60 * 1024;`,
 * `#define TENSOR_ARENA_SIZE (100*1024)`, `uint8_t tensor_arena[10 * 1024];`, and evaluates it. Names are matched
 * against configurable patterns (the `tinyml.arena.constantPatterns` setting).
 */
import { evaluateIntExpression, type EvalResult } from './c-int-expression';
import { codeView, type CodeView } from './c-source-text';

/** Regular expressions (whole-name) for arena size constants and arena arrays. */
export const DEFAULT_ARENA_CONSTANT_PATTERNS: readonly string[] = [
  '^\\w*[Aa]renaSize$', // kTensorArenaSize, kArenaSize
  '^\\w*ARENA_SIZE$', // TENSOR_ARENA_SIZE, MODEL_TENSOR_ARENA_SIZE
  '^\\w*arena_size$',
  '^\\w*tensor_arena$', // uint8_t tensor_arena[...]
  '^\\w*[Tt]ensorArena$',
];

export type ArenaConstantKind = 'define' | 'variable' | 'array';

export interface ArenaConstant {
  name: string;
  kind: ArenaConstantKind;
  /** Offset and length of the name in its definition. */
  nameOffset: number;
  /** Offset and length of the size expression (the macro body, the initializer or the array bound). */
  exprOffset: number;
  exprLength: number;
  exprText: string;
  value: EvalResult;
  /** Other arena constants the expression uses: a constant derived from another is checked through that one. */
  refersTo: string[];
}

/** A compiled pattern list; invalid user patterns are returned so the caller can say which one is wrong. */
export function compilePatterns(patterns: readonly string[]): { regexes: RegExp[]; invalid: string[] } {
  const regexes: RegExp[] = [];
  const invalid: string[] = [];
  for (const p of patterns) {
    try {
      regexes.push(new RegExp(p));
    } catch {
      invalid.push(p);
    }
  }
  return { regexes, invalid };
}

export function matchesAny(name: string, regexes: readonly RegExp[]): boolean {
  return regexes.some((r) => r.test(name));
}

interface Definition {
  name: string;
  kind: ArenaConstantKind;
  nameOffset: number;
  exprOffset: number;
  exprText: string;
}

const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\b(?!\()[ \t]*((?:[^\n\\]|\\\n|\\)*)/dgm;
// `<type> NAME = EXPR;` or `<type> NAME{EXPR};` — the previous word must look like a type, not `return` or an operator.
const VARIABLE = /\b([A-Za-z_]\w*)[ \t*&]+([A-Za-z_]\w*)[ \t]*(?:=(?!=)([^;{}]*);|\{([^;{}]*)\}[ \t]*;)/dg;
const ARRAY = /\b([A-Za-z_]\w*)[ \t*]+([A-Za-z_]\w*)[ \t]*\[([^\]\n]*)\]/dg;
const NOT_TYPES = new Set(['return', 'case', 'goto', 'sizeof', 'else', 'do', 'throw', 'new', 'delete', 'typedef', 'using']);

/** The definition built from a match: `nameGroup` and the first defined of `exprGroups`, trimmed. */
function definition(m: RegExpMatchArray, kind: ArenaConstantKind, nameGroup: number, exprGroups: number[]): Definition | undefined {
  const g = exprGroups.find((i) => m[i] !== undefined);
  if (g === undefined) return undefined;
  const raw = m[g]!;
  const lead = raw.length - raw.trimStart().length;
  // A continued #define keeps its backslash-newlines in the text; the evaluator sees them as spaces.
  const exprText = raw.trim().replace(/\\\n/g, '  ');
  if (exprText === '') return undefined;
  return { name: m[nameGroup]!, kind, nameOffset: m.indices![nameGroup]![0], exprOffset: m.indices![g]![0] + lead, exprText };
}

/** Every simple object-like `#define`, integer variable with an initializer and array bound in the (blanked) text. */
function findDefinitions(code: string): Definition[] {
  const defs: Definition[] = [];
  const add = (d: Definition | undefined) => { if (d) defs.push(d); };
  for (const m of code.matchAll(DEFINE)) add(definition(m, 'define', 1, [2]));
  for (const m of code.matchAll(VARIABLE)) if (!NOT_TYPES.has(m[1]!)) add(definition(m, 'variable', 2, [3, 4]));
  for (const m of code.matchAll(ARRAY)) if (!NOT_TYPES.has(m[1]!)) add(definition(m, 'array', 2, [3]));
  return defs.sort((a, b) => a.nameOffset - b.nameOffset);
}

/**
 * The arena constants of a C/C++ text whose names match `patterns`, each with its evaluated value. Names used in an
 * expression resolve to other `#define`s and constants of the same text (the first definition wins).
 */
export function findArenaConstants(text: string, patterns: readonly RegExp[], view: CodeView = codeView(text)): ArenaConstant[] {
  const defs = findDefinitions(view.code);
  const byName = new Map<string, Definition>();
  for (const d of defs) if (d.kind !== 'array' && !byName.has(d.name)) byName.set(d.name, d);

  const values = new Map<string, EvalResult>();
  const evaluating = new Set<string>();
  const valueOf = (def: Definition): EvalResult => {
    const known = values.get(def.name);
    if (known && def.kind !== 'array') return known;
    evaluating.add(def.name);
    const result = evaluateIntExpression(def.exprText, (n) => {
      const d = byName.get(n);
      if (!d || evaluating.has(n)) return undefined;
      const r = valueOf(d);
      return r.ok ? r.value : undefined;
    });
    evaluating.delete(def.name);
    if (def.kind !== 'array') values.set(def.name, result);
    return result;
  };

  const out: ArenaConstant[] = [];
  for (const d of defs) {
    if (!matchesAny(d.name, patterns)) continue;
    const refersTo = [...d.exprText.matchAll(/[A-Za-z_]\w*/g)]
      .map((m) => m[0])
      .filter((n) => n !== d.name && byName.has(n) && matchesAny(n, patterns));
    const exprOffset = view.toSource(d.exprOffset);
    out.push({
      name: d.name,
      kind: d.kind,
      nameOffset: view.toSource(d.nameOffset),
      exprOffset,
      exprLength: d.exprText.length,
      exprText: text.slice(exprOffset, exprOffset + d.exprText.length),
      value: valueOf(d),
      refersTo: [...new Set(refersTo)],
    });
  }
  return out;
}

/**
 * The replacement for a size expression set to `bytes`, in the style it was written: `60 * 1024` becomes
 * `72 * 1024` (rounded up to whole KiB), `(100*1024)` keeps its parentheses and spacing, `0x4000` stays hex, and
 * anything else becomes the plain number (with the literal's integer suffix kept).
 */
export function arenaSizeReplacement(exprText: string, bytes: number): string {
  const kib = /^(\(?\s*)(\d+)(\s*\*\s*1024[uUlLzZ]*\s*\)?)$/.exec(exprText);
  if (kib) return `${kib[1]}${Math.ceil(bytes / 1024)}${kib[3]}`;
  const kibFirst = /^(\(?\s*1024[uUlLzZ]*\s*\*\s*)(\d+)(\s*\)?)$/.exec(exprText);
  if (kibFirst) return `${kibFirst[1]}${Math.ceil(bytes / 1024)}${kibFirst[3]}`;
  const hex = /^(\(?\s*)0([xX])[0-9a-fA-F']+([uUlLzZ]*)(\s*\)?)$/.exec(exprText);
  if (hex) {
    const digits = bytes.toString(16);
    return `${hex[1]}0${hex[2]}${/[A-F]/.test(exprText) ? digits.toUpperCase() : digits}${hex[3]}${hex[4]}`;
  }
  const literal = /^(\(?\s*)\d[\d']*([uUlLzZ]*)(\s*\)?)$/.exec(exprText);
  if (literal) return `${literal[1]}${bytes}${literal[2]}${literal[3]}`;
  return String(bytes);
}

/** The value an `arenaSizeReplacement` writes: whole KiB for the `N * 1024` forms, the bytes otherwise. */
export function replacementValue(exprText: string, bytes: number): number {
  const r = evaluateIntExpression(arenaSizeReplacement(exprText, bytes));
  return r.ok ? r.value : bytes;
}
