/**
 * The severity of a log line, guessed from how common loggers write it: a JSON object's
 * `level`/`lvl`/`severity` (names, or pino's numbers), logfmt's `level=`, a bracketed or
 * upper-case word near the start (`[WARN]`, `ERROR`, nginx's `[error]`), or klog/glog's one-letter
 * prefix (`I1123 09:00:00.000000`). Unknown stays `null`: a wrong guess would hide lines from
 * a level filter. Pure, so it is tested on its own.
 * @module
 */
import type { LogLevel } from '@unity/shared';

const NAMES: Record<string, LogLevel> = {
  trace: 'trace',
  trc: 'trace',
  verbose: 'trace',
  debug: 'debug',
  dbg: 'debug',
  info: 'info',
  inf: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  wrn: 'warn',
  error: 'error',
  err: 'error',
  eror: 'error',
  severe: 'error',
  fatal: 'fatal',
  crit: 'fatal',
  critical: 'fatal',
  panic: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
};

/** A level name in any case, or null. */
export function levelFromName(name: string): LogLevel | null {
  return NAMES[name.toLowerCase()] ?? null;
}

/** pino/bunyan numeric levels: 10 trace … 60 fatal. */
function levelFromNumber(n: number): LogLevel | null {
  if (n >= 60) return 'fatal';
  if (n >= 50) return 'error';
  if (n >= 40) return 'warn';
  if (n >= 30) return 'info';
  if (n >= 20) return 'debug';
  if (n >= 10) return 'trace';
  return null;
}

const JSON_KEYS = ['level', 'lvl', 'severity', 'levelname', 'loglevel', 'log.level'] as const;

function fromJson(line: string): LogLevel | null | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const key of JSON_KEYS) {
    const v = record[key] ?? record[key.toUpperCase()];
    if (typeof v === 'string') return levelFromName(v);
    if (typeof v === 'number') return levelFromNumber(v);
  }
  const log = record.log;
  if (typeof log === 'object' && log !== null && typeof (log as { level?: unknown }).level === 'string')
    return levelFromName((log as { level: string }).level);
  return null;
}

const LOGFMT = /(?:^|\s)(?:level|lvl|severity)=["']?([A-Za-z]+)/i;
/** klog/glog: `I1123 09:00:00.000000 …` (Info, Warning, Error, Fatal). */
const GLOG = /^([IWEF])\d{4} \d\d:\d\d:\d\d/;
const GLOG_LEVELS: Record<string, LogLevel> = { I: 'info', W: 'warn', E: 'error', F: 'fatal' };
/** A bracketed level in any case: `[warn]`, `<ERROR>`, `(info)`. */
const BRACKETED =
  /[[(<](trace|debug|dbg|info|inf|notice|warn|warning|wrn|error|err|eror|fatal|crit|critical|panic|alert|emerg)[\])>]/i;
/** A bare upper-case word, so prose like "no error found" is not taken for a level. */
const UPPER =
  /(?:^|[\s|:])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRIT|CRITICAL|PANIC|SEVERE)(?=[\s|:\]]|$)/;

/** How far into the line a prefix-style level is looked for: past a date and a logger name. */
const HEAD_CHARS = 80;

export function detectLevel(line: string): LogLevel | null {
  const start = line.trimStart();
  if (start.startsWith('{')) {
    const json = fromJson(start);
    if (json !== undefined) return json;
  }
  const glog = GLOG.exec(start);
  if (glog?.[1]) return GLOG_LEVELS[glog[1]] ?? null;
  const head = start.slice(0, HEAD_CHARS);
  const logfmt = LOGFMT.exec(start.length > 512 ? start.slice(0, 512) : start);
  if (logfmt?.[1]) {
    const level = levelFromName(logfmt[1]);
    if (level) return level;
  }
  const bracketed = BRACKETED.exec(head);
  if (bracketed?.[1]) return levelFromName(bracketed[1]);
  const upper = UPPER.exec(head);
  if (upper?.[1]) return levelFromName(upper[1]);
  return null;
}
