/**
 * The probe conditions grammar, like Gatus's but with `||` and parentheses:
 *
 *   expr    := or
 *   or      := and ( '||' and )*
 *   and     := unary ( '&&' unary )*
 *   unary   := '!' unary | '(' expr ')' | compare
 *   compare := operand ( ('=='|'!='|'<'|'<='|'>'|'>=') operand )?
 *   operand := placeholder path? | number | duration | string | 'true' | 'false' | 'null'
 *   placeholder := '[STATUS]' | '[RESPONSE_TIME]' | '[BODY]' | '[CERTIFICATE_EXPIRATION]' | …
 *   path    := ( '.' name | '[' integer ']' )*
 *
 * Durations (`48h`, `30s`, `1d`, `500ms`) are milliseconds, so `[CERTIFICATE_EXPIRATION] > 48h`
 * compares the time left with 48 hours; `[RESPONSE_TIME]` is in milliseconds too. The hub parses
 * at save time (a bad condition is a 400 naming the position); the agent evaluates each result.
 * @module
 */
import { err, ok, type Result } from '../result.js';

export const PLACEHOLDERS = [
  'STATUS',
  'RESPONSE_TIME',
  'BODY',
  'HEADERS',
  'CERTIFICATE_EXPIRATION',
  'CONNECTED',
  'IP',
  'DNS_RCODE',
  'BANNER',
  'PACKET_LOSS',
  /** Series kept by a Prometheus scrape. */
  'SERIES',
  /** A container check's engine state (`running`…) and health (`healthy`, `none`…). */
  'STATE',
  'HEALTH',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export type ConditionOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type PathStep = string | number;
export type Literal = string | number | boolean | null;

export type ConditionNode =
  | { type: 'or'; left: ConditionNode; right: ConditionNode }
  | { type: 'and'; left: ConditionNode; right: ConditionNode }
  | { type: 'not'; operand: ConditionNode }
  | { type: 'compare'; op: ConditionOp; left: OperandNode; right: OperandNode }
  | { type: 'truthy'; operand: OperandNode };

export type OperandNode =
  | { type: 'placeholder'; name: Placeholder; path: PathStep[] }
  | { type: 'literal'; value: Literal };

export type ConditionError = { message: string; position: number };

type Token =
  | { t: 'op'; v: string; at: number }
  | { t: 'placeholder'; v: string; at: number }
  | { t: 'number'; v: number; at: number }
  | { t: 'string'; v: string; at: number }
  | { t: 'word'; v: string; at: number }
  | { t: 'end'; at: number };

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const OPS = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '!', '(', ')', '.', '[', ']'];

class ParseFailure extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const at = i;
    // `[NAME]` is a placeholder only when NAME is upper case; `[0]` after a path is an index.
    const ph = /^\[([A-Z_]+)\]/.exec(src.slice(i));
    if (ph) {
      tokens.push({ t: 'placeholder', v: ph[1] as string, at });
      i += ph[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let value = '';
      i++;
      while (i < src.length && src[i] !== ch) {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        value += src[i];
        i++;
      }
      if (i >= src.length) throw new ParseFailure('unterminated string', at);
      i++;
      tokens.push({ t: 'string', v: value, at });
      continue;
    }
    const num = /^-?\d+(\.\d+)?(ms|s|m|h|d)?(?![A-Za-z_])/.exec(src.slice(i));
    if (num && (ch !== '-' || /^-\d/.test(src.slice(i)))) {
      const unit = num[2];
      const value = Number.parseFloat(num[0]);
      tokens.push({ t: 'number', v: unit ? value * (DURATION_MS[unit] as number) : value, at });
      i += num[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      tokens.push({ t: 'op', v: op, at });
      i += op.length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
    if (word) {
      tokens.push({ t: 'word', v: word[0], at });
      i += word[0].length;
      continue;
    }
    throw new ParseFailure(`unexpected character '${ch}'`, at);
  }
  tokens.push({ t: 'end', at: src.length });
  return tokens;
}

class Parser {
  #i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): ConditionNode {
    const node = this.#or();
    const next = this.#peek();
    if (next.t !== 'end') throw new ParseFailure(`unexpected ${describe(next)}`, next.at);
    return node;
  }

  #peek(): Token {
    return this.tokens[this.#i] as Token;
  }
  #take(): Token {
    return this.tokens[this.#i++] as Token;
  }
  #isOp(v: string): boolean {
    const t = this.#peek();
    return t.t === 'op' && t.v === v;
  }

  #or(): ConditionNode {
    let left = this.#and();
    while (this.#isOp('||')) {
      this.#take();
      left = { type: 'or', left, right: this.#and() };
    }
    return left;
  }

  #and(): ConditionNode {
    let left = this.#unary();
    while (this.#isOp('&&')) {
      this.#take();
      left = { type: 'and', left, right: this.#unary() };
    }
    return left;
  }

  #unary(): ConditionNode {
    if (this.#isOp('!')) {
      this.#take();
      return { type: 'not', operand: this.#unary() };
    }
    if (this.#isOp('(')) {
      const open = this.#take();
      const inner = this.#or();
      if (!this.#isOp(')')) {
        const t = this.#peek();
        throw new ParseFailure(`expected ')' to close the '(' at ${open.at}, found ${describe(t)}`, t.at);
      }
      this.#take();
      return inner;
    }
    const left = this.#operand();
    const t = this.#peek();
    if (t.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.v)) {
      this.#take();
      return { type: 'compare', op: t.v as ConditionOp, left, right: this.#operand() };
    }
    if (left.type === 'literal') throw new ParseFailure(`expected a comparison, found ${describe(t)}`, t.at);
    return { type: 'truthy', operand: left };
  }

  #operand(): OperandNode {
    const t = this.#take();
    switch (t.t) {
      case 'placeholder': {
        if (!(PLACEHOLDERS as readonly string[]).includes(t.v)) {
          throw new ParseFailure(`unknown placeholder [${t.v}]; known: ${PLACEHOLDERS.join(', ')}`, t.at);
        }
        return { type: 'placeholder', name: t.v as Placeholder, path: this.#path() };
      }
      case 'number':
        return { type: 'literal', value: t.v };
      case 'string':
        return { type: 'literal', value: t.v };
      case 'word':
        if (t.v === 'true' || t.v === 'false') return { type: 'literal', value: t.v === 'true' };
        if (t.v === 'null') return { type: 'literal', value: null };
        throw new ParseFailure(`unexpected word '${t.v}' (strings need quotes)`, t.at);
      default:
        throw new ParseFailure(`expected a value, found ${describe(t)}`, t.at);
    }
  }

  #path(): PathStep[] {
    const path: PathStep[] = [];
    for (;;) {
      if (this.#isOp('.')) {
        this.#take();
        const name = this.#take();
        if (name.t === 'word') path.push(name.v);
        else if (name.t === 'number' && Number.isInteger(name.v)) path.push(String(name.v));
        else throw new ParseFailure(`expected a field name after '.', found ${describe(name)}`, name.at);
      } else if (this.#isOp('[')) {
        this.#take();
        const index = this.#take();
        if (index.t === 'number' && Number.isInteger(index.v) && index.v >= 0) path.push(index.v);
        else if (index.t === 'string') path.push(index.v);
        else throw new ParseFailure(`expected an index after '[', found ${describe(index)}`, index.at);
        const close = this.#take();
        if (close.t !== 'op' || close.v !== ']') throw new ParseFailure("expected ']'", close.at);
      } else return path;
    }
  }
}

function describe(t: Token): string {
  switch (t.t) {
    case 'end':
      return 'the end of the condition';
    case 'placeholder':
      return `[${t.v}]`;
    case 'string':
      return `"${t.v}"`;
    default:
      return `'${t.v}'`;
  }
}

/** Parses a condition; the error names the 0-based character position. */
export function parseCondition(source: string): Result<ConditionNode, ConditionError> {
  if (source.trim() === '') return err({ message: 'the condition is empty', position: 0 });
  try {
    return ok(new Parser(tokenize(source)).parse());
  } catch (error) {
    if (error instanceof ParseFailure) return err({ message: error.message, position: error.position });
    throw error;
  }
}

/** What a probe run observed; absent values compare as null. */
export type ConditionContext = Partial<Record<Placeholder, unknown>>;

/** Evaluates a parsed condition against one run's observations. */
export function evaluateCondition(node: ConditionNode, ctx: ConditionContext): boolean {
  switch (node.type) {
    case 'or':
      return evaluateCondition(node.left, ctx) || evaluateCondition(node.right, ctx);
    case 'and':
      return evaluateCondition(node.left, ctx) && evaluateCondition(node.right, ctx);
    case 'not':
      return !evaluateCondition(node.operand, ctx);
    case 'truthy':
      return Boolean(operandValue(node.operand, ctx));
    case 'compare':
      return compare(node.op, operandValue(node.left, ctx), operandValue(node.right, ctx));
  }
}

function operandValue(node: OperandNode, ctx: ConditionContext): unknown {
  if (node.type === 'literal') return node.value;
  let value: unknown = ctx[node.name] ?? null;
  if (node.path.length > 0 && typeof value === 'string' && node.name === 'BODY') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  for (const step of node.path) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string | number, unknown>)[step] ?? null;
  }
  return value;
}

function compare(op: ConditionOp, a: unknown, b: unknown): boolean {
  // A number against a numeric string (a JSON body field, a header) compares as numbers.
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && !Number.isNaN(Number(b)))
    b = Number(b);
  if (typeof b === 'number' && typeof a === 'string' && a.trim() !== '' && !Number.isNaN(Number(a)))
    a = Number(a);
  switch (op) {
    case '==':
      return a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));
    case '!=':
      return !compare('==', a, b);
    default: {
      if (
        !(
          (typeof a === 'number' && typeof b === 'number') ||
          (typeof a === 'string' && typeof b === 'string')
        )
      ) {
        return false;
      }
      if (op === '<') return a < b;
      if (op === '<=') return a <= b;
      if (op === '>') return a > b;
      return a >= b;
    }
  }
}
