/**
 * A parser for the Prometheus text exposition format (0.0.4) and OpenMetrics 1.0: HELP, TYPE
 * and UNIT metadata, label values with their escapes, optional timestamps (integer milliseconds
 * in the text format, seconds with a fraction in OpenMetrics), NaN and ±Inf, histogram and
 * summary samples (`_bucket`, `_sum`, `_count`… are ordinary samples of their family), the
 * OpenMetrics `# EOF` terminator, and exemplars (parsed past and ignored). The first malformed
 * line stops the parse with its 1-based line number, because a half-read exposition would
 * silently store a wrong subset.
 * @module
 */

export type ExpositionFormat = 'text' | 'openmetrics';

export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'summary'
  | 'untyped'
  | 'unknown'
  | 'info'
  | 'stateset'
  | 'gaugehistogram';

export type ParsedSample = {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Epoch milliseconds, when the exposition gave one. */
  ts?: number;
};

export type Family = { type?: MetricType; help?: string; unit?: string };

export type Exposition = { samples: ParsedSample[]; families: Map<string, Family> };

export type ParseError = { line: number; message: string };

export type ParseResult = { ok: true; value: Exposition } | { ok: false; error: ParseError };

const TYPES = new Set<string>([
  'counter',
  'gauge',
  'histogram',
  'summary',
  'untyped',
  'unknown',
  'info',
  'stateset',
  'gaugehistogram',
]);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Thrown inside the parser only; turned into a `ParseError` with the line number. */
class LineError extends Error {}

/** A float as both formats write it: Go's ParseFloat spellings plus NaN and (+|-)Inf. */
export function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity')
    return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  // Number('') is 0 and Number('0x10') is 16: neither is a Prometheus float.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
    throw new LineError(`bad value ${JSON.stringify(text)}`);
  return Number(text);
}

/** A cursor over one line. */
class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  skipSpaces(): number {
    const start = this.pos;
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
    return this.pos - start;
  }
  match(re: RegExp, what: string): string {
    const m = re.exec(this.text.slice(this.pos));
    if (!m) throw new LineError(`expected ${what} at column ${this.pos + 1}`);
    this.pos += m[0].length;
    return m[0];
  }
  expect(char: string): void {
    if (this.peek() !== char) throw new LineError(`expected '${char}' at column ${this.pos + 1}`);
    this.pos++;
  }
  /** Up to the next space, tab or end. */
  token(): string {
    const start = this.pos;
    while (!this.done && this.peek() !== ' ' && this.peek() !== '\t') this.pos++;
    return this.text.slice(start, this.pos);
  }
}

/** A double-quoted label value; escapes `\\`, `\"` and `\n` (both formats). */
function quoted(c: Cursor): string {
  c.expect('"');
  let out = '';
  for (;;) {
    if (c.done) throw new LineError('unterminated label value');
    const ch = c.peek();
    c.pos++;
    if (ch === '"') return out;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = c.peek();
    c.pos++;
    if (next === 'n') out += '\n';
    else if (next === '\\' || next === '"') out += next;
    else throw new LineError(`bad escape \\${next} in a label value`);
  }
}

function labelSet(c: Cursor): Record<string, string> {
  const labels: Record<string, string> = {};
  c.expect('{');
  c.skipSpaces();
  while (c.peek() !== '}') {
    const name = c.match(LABEL_NAME, 'a label name');
    c.skipSpaces();
    c.expect('=');
    c.skipSpaces();
    if (Object.hasOwn(labels, name)) throw new LineError(`label ${name} given twice`);
    labels[name] = quoted(c);
    c.skipSpaces();
    if (c.peek() === ',') {
      c.pos++;
      c.skipSpaces();
    } else if (c.peek() !== '}') throw new LineError(`expected ',' or '}' at column ${c.pos + 1}`);
  }
  c.pos++;
  return labels;
}

function timestamp(text: string, format: ExpositionFormat): number {
  if (format === 'openmetrics') {
    const seconds = parseValue(text);
    if (!Number.isFinite(seconds)) throw new LineError(`bad timestamp ${JSON.stringify(text)}`);
    return Math.round(seconds * 1000);
  }
  if (!/^-?\d+$/.test(text)) throw new LineError(`bad timestamp ${JSON.stringify(text)}`);
  return Number(text);
}

function sampleLine(line: string, format: ExpositionFormat): ParsedSample {
  const c = new Cursor(line);
  const name = c.match(METRIC_NAME, 'a metric name');
  let spaces = c.skipSpaces();
  let labels: Record<string, string> = {};
  if (c.peek() === '{') {
    labels = labelSet(c);
    spaces = c.skipSpaces();
  }
  if (spaces === 0) throw new LineError(`expected a space before the value at column ${c.pos + 1}`);
  const value = parseValue(c.token());
  c.skipSpaces();
  const sample: ParsedSample = { name, labels, value };
  if (!c.done && c.peek() !== '#') {
    sample.ts = timestamp(c.token(), format);
    c.skipSpaces();
  }
  if (!c.done) {
    // OpenMetrics exemplar: ` # {trace_id="…"} 0.5 [ts]`. Checked for shape, then ignored.
    if (format !== 'openmetrics' || c.peek() !== '#')
      throw new LineError(`unexpected text at column ${c.pos + 1}`);
    c.pos++;
    c.skipSpaces();
    labelSet(c);
    c.skipSpaces();
    parseValue(c.token());
  }
  return sample;
}

/** The family a sample belongs to: its name, or the name without a histogram/summary/counter suffix. */
export function familyOf(name: string, families: Map<string, Family>): string {
  if (families.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created', '_gcount', '_gsum', '_info']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      if (families.has(base)) return base;
    }
  }
  return name;
}

/** HELP text escapes: `\\` and `\n` (and `\"` in OpenMetrics). */
const unescapeHelp = (text: string) => text.replace(/\\(.)/g, (_m, ch: string) => (ch === 'n' ? '\n' : ch));

function metadataLine(line: string, families: Map<string, Family>, format: ExpositionFormat): void {
  const m = /^#[ \t]+(HELP|TYPE|UNIT)[ \t]+([^ \t]+)(?:[ \t]+(.*))?$/.exec(line);
  // Any other comment is free text in the text format; OpenMetrics allows only these three.
  if (!m) {
    if (format === 'openmetrics') throw new LineError('unknown comment (only HELP, TYPE, UNIT and EOF)');
    return;
  }
  const [, keyword, name = '', rest = ''] = m;
  if (!METRIC_NAME.test(name) || METRIC_NAME.exec(name)?.[0] !== name)
    throw new LineError(`bad metric name ${JSON.stringify(name)} in ${keyword}`);
  const family = families.get(name) ?? {};
  families.set(name, family);
  if (keyword === 'HELP') family.help = unescapeHelp(rest);
  else if (keyword === 'UNIT') family.unit = rest.trim();
  else {
    const type = rest.trim();
    if (!TYPES.has(type)) throw new LineError(`unknown metric type ${JSON.stringify(type)}`);
    if (family.type !== undefined) throw new LineError(`second TYPE line for ${name}`);
    family.type = type as MetricType;
  }
}

/** Parses a whole exposition; the first bad line stops it with its number. */
export function parseExposition(body: string, format: ExpositionFormat): ParseResult {
  const families = new Map<string, Family>();
  const samples: ParsedSample[] = [];
  const lines = body.split('\n');
  // A final newline leaves one empty string behind, which is not a line.
  if (lines.at(-1) === '') lines.pop();
  let sawEof = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    try {
      if (sawEof) throw new LineError('text after # EOF');
      if (line.trim() === '') {
        if (format === 'openmetrics') throw new LineError('empty line');
        continue;
      }
      if (format === 'openmetrics' && line === '# EOF') {
        sawEof = true;
        continue;
      }
      if (line.trimStart().startsWith('#')) metadataLine(line.trimStart(), families, format);
      else samples.push(sampleLine(format === 'text' ? line.trim() : line, format));
    } catch (error) {
      if (error instanceof LineError) return { ok: false, error: { line: i + 1, message: error.message } };
      throw error;
    }
  }
  if (format === 'openmetrics' && !sawEof)
    return { ok: false, error: { line: lines.length, message: 'OpenMetrics exposition without # EOF' } };
  return { ok: true, value: { samples, families } };
}
