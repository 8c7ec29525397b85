/**
 * Turns the bytes of a Docker/Podman `GET /containers/{id}/logs` answer into lines. Without a
 * TTY the engine multiplexes stdout and stderr into frames with an 8-byte header (stream type,
 * three zero bytes, big-endian payload length); with a TTY the answer is the raw terminal
 * output (all of it stdout). Frames and lines may be cut anywhere by the transport, so both the
 * header and the partial last line of each stream are carried over to the next chunk. Each line
 * starts with the engine's timestamp (`timestamps=1`), which is normalised to UTC with nine
 * fractional digits so times sort as text.
 * @module
 */
import { type LogLine, type LogStream, MAX_LOG_LINE_CHARS } from '@unity/shared';
import { isoTime } from '../util/iso-time.js';
import { detectLevel } from './log-level.js';

const HEADER_BYTES = 8;
/** A partial line longer than this is emitted as it is (a binary blob must not grow memory). */
const MAX_PENDING_BYTES = 256 * 1024;

const STREAMS: Record<number, LogStream | undefined> = { 0: 'stdout', 1: 'stdout', 2: 'stderr' };

const TIME_RE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** RFC 3339 (any offset, 0–9 fractional digits) → UTC with 9 digits; undefined if not a time. */
export function normalizeTime(text: string): string | undefined {
  const m = TIME_RE.exec(text);
  if (!m?.[1]) return undefined;
  const frac = (m[2] ?? '').padEnd(9, '0');
  if (m[3] === 'Z') return `${m[1]}.${frac}Z`;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return `${isoTime(ms).slice(0, 19)}.${frac}Z`;
}

/** Epoch milliseconds of a normalised time. */
export const timeMs = (time: string): number => Date.parse(`${time.slice(0, 23)}Z`);

/** Docker's `since`/`until` take seconds with a fraction; a normalised time → that form. */
export function engineSeconds(time: string): string {
  const whole = Math.floor(Date.parse(`${time.slice(0, 19)}Z`) / 1000);
  return `${whole}.${time.slice(20, 29)}`;
}

export class LogDecoder {
  #pending: Buffer = Buffer.alloc(0);
  readonly #partial = new Map<LogStream, Buffer[]>();
  readonly #tty: boolean;
  /** When the line carries no timestamp (should not happen with timestamps=1): now. */
  readonly #now: () => number;

  constructor(options: { tty: boolean; now?: () => number }) {
    this.#tty = options.tty;
    this.#now = options.now ?? Date.now;
  }

  /** Decodes one chunk of the answer; returns the lines it completed, in order. */
  push(chunk: Buffer): LogLine[] {
    const out: LogLine[] = [];
    if (this.#tty) {
      this.#payload('stdout', chunk, 0, chunk.length, out);
      return out;
    }
    let buf = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    let offset = 0;
    while (buf.length - offset >= HEADER_BYTES) {
      const size = buf.readUInt32BE(offset + 4);
      if (buf.length - offset - HEADER_BYTES < size) break;
      const stream = STREAMS[buf[offset] ?? 1] ?? 'stdout';
      this.#payload(stream, buf, offset + HEADER_BYTES, offset + HEADER_BYTES + size, out);
      offset += HEADER_BYTES + size;
    }
    buf = buf.subarray(offset);
    // Copy the remainder so the (possibly large) chunk it came from can be freed.
    this.#pending = buf.length > 0 ? Buffer.from(buf) : Buffer.alloc(0);
    return out;
  }

  /** The end of the answer: a last line without a newline is still a line. */
  end(): LogLine[] {
    const out: LogLine[] = [];
    for (const [stream, parts] of this.#partial) {
      if (parts.length > 0) {
        const joined = Buffer.concat(parts);
        out.push(this.#line(stream, joined, 0, joined.length));
      }
    }
    this.#partial.clear();
    return out;
  }

  /** `data[start, end)` of one stream; works on offsets, not slices (this runs per line). */
  #payload(stream: LogStream, data: Buffer, start: number, end: number, out: LogLine[]): void {
    let nl = data.indexOf(10, start);
    while (nl !== -1 && nl < end) {
      const parts = this.#partial.get(stream);
      if (parts && parts.length > 0) {
        parts.push(data.subarray(start, nl));
        const joined = Buffer.concat(parts);
        out.push(this.#line(stream, joined, 0, joined.length));
        parts.length = 0;
      } else {
        out.push(this.#line(stream, data, start, nl));
      }
      start = nl + 1;
      nl = data.indexOf(10, start);
    }
    if (start < end) {
      const parts = this.#partial.get(stream) ?? [];
      parts.push(Buffer.from(data.subarray(start, end)));
      this.#partial.set(stream, parts);
      if (parts.reduce((n, p) => n + p.length, 0) > MAX_PENDING_BYTES) {
        const joined = Buffer.concat(parts);
        out.push(this.#line(stream, joined, 0, joined.length));
        parts.length = 0;
      }
    }
  }

  #line(stream: LogStream, data: Buffer, start: number, end: number): LogLine {
    let text = data.toString('utf8', start, end);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    let time: string | undefined;
    const space = text.indexOf(' ');
    if (space > 0 && space <= 40) {
      const raw = text.slice(0, space);
      time = this.#normalize(raw);
      if (time) {
        text = text.slice(space + 1);
        // Podman stores a line the pipe delivered in pieces as partial records, and its API
        // writes each piece with its own timestamp and no newline between: `T1 ab T2 cd` is
        // the line `abcd`. A stamp of the same form within a few seconds is such a seam. (A
        // quick look for the date first: most lines have no seam. A line stamped in the last
        // seconds of a day may have pieces stamped the next.)
        if (
          text.includes(raw.slice(0, 11)) ||
          (raw.slice(11, 18) === '23:59:5' && text.includes(nextDay(raw)))
        )
          text = this.#joinPieces(text, raw.length, time);
      }
    }
    if (text.length > MAX_LOG_LINE_CHARS) text = text.slice(0, MAX_LOG_LINE_CHARS);
    return {
      time: time ?? normalizeTime(isoTime(this.#now())) ?? '',
      stream,
      line: text,
      level: detectLevel(text),
    };
  }

  /** One-entry cache: consecutive lines mostly share a timestamp (whole seconds on Podman). */
  #lastRaw = '';
  #lastTime: string | undefined;
  #normalize(raw: string): string | undefined {
    if (raw !== this.#lastRaw) {
      this.#lastRaw = raw;
      this.#lastTime = normalizeTime(raw);
    }
    return this.#lastTime;
  }

  #joinPieces(text: string, stampLength: number, time: string): string {
    const lead = timeMs(time);
    return text.replace(SEAM_RE, (match, stamp: string) => {
      if (stamp.length !== stampLength) return match;
      const t = normalizeTime(stamp);
      const ms = t ? timeMs(t) : Number.NaN;
      return ms >= lead && ms - lead <= SEAM_WINDOW_MS ? '' : match;
    });
  }
}

/** `YYYY-MM-DDT` of the day after the one `stamp` (RFC 3339) names. */
const nextDay = (stamp: string): string =>
  isoTime(Date.parse(`${stamp.slice(0, 10)}T00:00:00Z`) + 86_400_000).slice(0, 11);

const SEAM_RE = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) /g;
/** How much later a piece's stamp may be than the line's first (the pieces arrive together). */
const SEAM_WINDOW_MS = 5000;
