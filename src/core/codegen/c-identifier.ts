/** Checks that user-chosen names are usable as C/C++ identifiers in generated code. */
import { ExportOptionError } from './errors';

// C11 + C++17 keywords plus the alternative operator spellings: any of them as a symbol would not compile.
const RESERVED = new Set(
  (
    'auto break case char const continue default do double else enum extern float for goto if inline int long ' +
    'register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while ' +
    '_Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local ' +
    'alignas alignof and and_eq asm bitand bitor bool catch char16_t char32_t char8_t class compl concept consteval ' +
    'constexpr constinit const_cast co_await co_return co_yield decltype delete dynamic_cast explicit export false ' +
    'friend mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public ' +
    'reinterpret_cast requires static_assert static_cast template this thread_local throw true try typeid typename ' +
    'using virtual wchar_t xor xor_eq'
  ).split(' '),
);

export function isCIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name);
}

/** Throws an ExportOptionError explaining why `name` cannot be used as the array symbol. */
export function assertCIdentifier(name: string, what = 'symbol name'): void {
  if (isCIdentifier(name)) return;
  const why = RESERVED.has(name)
    ? 'it is a C/C++ keyword'
    : 'use letters, digits and underscores, not starting with a digit';
  throw new ExportOptionError(`invalid ${what} "${name}": ${why} (e.g. g_model)`);
}

/** Turns any text (a file name, a model path) into an identifier fragment: `person-detect.v2` -> `person_detect_v2`. */
export function toIdentifierFragment(text: string): string {
  const s = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[0-9]/.test(s) ? `_${s}` : s || 'model';
}
