/**
 * Evaluates the integer constant expressions firmware uses for arena sizes: `60 * 1024`, `(100*1024)`, `0x4000`,
 * `1'024`, `64UL * 1024`, `(size_t)(8 << 10)`, `static_cast<size_t>(kKb * 1024)`, names of other constants.
 * Integer semantics of C (division truncates); anything else (floats, function calls, sizeof) is reported as such.
 */

export type EvalResult = { ok: true; value: number } | { ok: false; reason: string };

/** Value of another name in the same file, or undefined when it is not a known constant. */
export type NameResolver = (name: string) => number | undefined;

const INTEGER_TYPES = new Set([
  'int', 'unsigned', 'signed', 'long', 'short', 'char', 'size_t', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t',
  'int8_t', 'int16_t', 'int32_t', 'int64_t', 'uintptr_t', 'intptr_t', 'std::size_t', 'std::uint32_t', 'std::int32_t',
]);

type Token = { kind: 'num'; value: number } | { kind: 'name'; text: string } | { kind: 'op'; text: string };

class EvalError extends Error {}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|(0[xX][0-9a-fA-F']+|0[bB][01']+|\d[\d']*)([uUlLzZ]*)(?![\w.])|((?:std::)?[A-Za-z_]\w*)|(<<|>>|[-+*/%()~&|^<>!])|(.)/gy;
  for (let m = re.exec(expr); m && m.index < expr.length; m = re.exec(expr)) {
    if (m[1] !== undefined) {
      const digits = m[1].replace(/'/g, '');
      let value: number;
      if (/^0[xX]/.test(digits)) value = parseInt(digits.slice(2), 16);
      else if (/^0[bB]/.test(digits)) value = parseInt(digits.slice(2), 2);
      else if (digits.length > 1 && digits.startsWith('0')) value = parseInt(digits, 8);
      else value = parseInt(digits, 10);
      if (!Number.isFinite(value)) throw new EvalError(`"${m[1]}" is not an integer literal`);
      tokens.push({ kind: 'num', value });
    } else if (m[3] !== undefined) {
      tokens.push({ kind: 'name', text: m[3] });
    } else if (m[4] !== undefined) {
      tokens.push({ kind: 'op', text: m[4] });
    } else if (m[5] !== undefined) {
      throw new EvalError(`"${m[5]}" is not part of an integer expression`);
    }
    if (re.lastIndex === m.index) break;
  }
  return tokens;
}

const BINARY: Array<Record<string, (a: number, b: number) => number>> = [
  { '|': (a, b) => Number(BigInt(a) | BigInt(b)) },
  { '^': (a, b) => Number(BigInt(a) ^ BigInt(b)) },
  { '&': (a, b) => Number(BigInt(a) & BigInt(b)) },
  { '<<': (a, b) => a * 2 ** b, '>>': (a, b) => Math.floor(a / 2 ** b) },
  { '+': (a, b) => a + b, '-': (a, b) => a - b },
  {
    '*': (a, b) => a * b,
    '/': (a, b) => {
      if (b === 0) throw new EvalError('division by zero');
      return Math.trunc(a / b);
    },
    '%': (a, b) => {
      if (b === 0) throw new EvalError('division by zero');
      return a % b;
    },
  },
];

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[], private readonly resolve: NameResolver) {}

  parse(): number {
    const v = this.binary(0);
    if (this.pos < this.tokens.length) throw new EvalError(`unexpected ${describe(this.tokens[this.pos]!)}`);
    return v;
  }

  private peekOp(text: string): boolean {
    const t = this.tokens[this.pos];
    return t?.kind === 'op' && t.text === text;
  }

  private expect(text: string): void {
    if (!this.peekOp(text)) throw new EvalError(`expected "${text}"`);
    this.pos++;
  }

  private binary(level: number): number {
    if (level === BINARY.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.tokens[this.pos];
      const fn = t?.kind === 'op' ? BINARY[level]![t.text] : undefined;
      if (!fn) return left;
      this.pos++;
      left = fn(left, this.binary(level + 1));
    }
  }

  private unary(): number {
    const t = this.tokens[this.pos];
    if (t?.kind === 'op') {
      if (t.text === '-') { this.pos++; return -this.unary(); }
      if (t.text === '+') { this.pos++; return this.unary(); }
      if (t.text === '~') { this.pos++; return Number(~BigInt(this.unary())); }
      if (t.text === '!') { this.pos++; return this.unary() === 0 ? 1 : 0; }
      if (t.text === '(') {
        // A C cast `(size_t)` or `(unsigned long)` is skipped; anything else is a parenthesized expression.
        const castEnd = this.castEnd(this.pos + 1);
        if (castEnd !== undefined) { this.pos = castEnd; return this.unary(); }
        this.pos++;
        const v = this.binary(0);
        this.expect(')');
        return v;
      }
    }
    return this.primary();
  }

  /** Index after `type)` when the tokens from `i` are integer type names closed by `)`. */
  private castEnd(i: number): number | undefined {
    let j = i;
    while (this.tokens[j]?.kind === 'name' && INTEGER_TYPES.has((this.tokens[j] as { text: string }).text)) j++;
    const close = this.tokens[j];
    return j > i && close?.kind === 'op' && close.text === ')' ? j + 1 : undefined;
  }

  private primary(): number {
    const t = this.tokens[this.pos];
    if (!t) throw new EvalError('the expression ends too early');
    this.pos++;
    if (t.kind === 'num') return t.value;
    if (t.kind === 'name') {
      if (t.text === 'static_cast' && this.peekOp('<')) {
        this.pos++;
        while (this.tokens[this.pos]?.kind === 'name') this.pos++;
        this.expect('>');
        this.expect('(');
        const v = this.binary(0);
        this.expect(')');
        return v;
      }
      if (INTEGER_TYPES.has(t.text) && this.peekOp('(')) {
        // Functional cast: size_t(60 * 1024)
        this.pos++;
        const v = this.binary(0);
        this.expect(')');
        return v;
      }
      if (this.peekOp('(')) throw new EvalError(`${t.text}(...) is a function or macro call`);
      const value = this.resolve(t.text);
      if (value === undefined) throw new EvalError(`${t.text} is not a constant defined in this file`);
      return value;
    }
    throw new EvalError(`unexpected ${describe(t)}`);
  }
}

function describe(t: Token): string {
  return t.kind === 'num' ? `number ${t.value}` : `"${t.text}"`;
}

export function evaluateIntExpression(expr: string, resolve: NameResolver = () => undefined): EvalResult {
  try {
    const tokens = tokenize(expr);
    if (tokens.length === 0) return { ok: false, reason: 'the expression is empty' };
    const value = new Parser(tokens, resolve).parse();
    if (!Number.isSafeInteger(value)) return { ok: false, reason: 'the value is out of range' };
    return { ok: true, value };
  } catch (e) {
    if (e instanceof EvalError) return { ok: false, reason: e.message };
    throw e;
  }
}
