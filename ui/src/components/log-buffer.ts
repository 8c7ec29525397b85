/**
 * The log viewer's model, apart from the DOM: the lines kept (at most `cap`, oldest dropped),
 * merged by time when several containers feed one view, and the filter a view shows (minimum
 * level and search text). Pure, so it is unit-tested without a browser.
 * @module
 */
import type { LogLevel, LogLine } from '@unity/shared';

/** A line as the viewer keeps it: with the name of the container it came from. */
export type ViewLine = LogLine & { source: string };

export const LEVEL_RANK: Record<LogLevel, number> = {
  trace: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
  fatal: 5,
};

export type ViewFilter = { minLevel: LogLevel | ''; search: string };

/** Does `line` pass the filter? A minimum level hides lines without a level. */
export function passes(line: LogLine, filter: ViewFilter): boolean {
  if (filter.minLevel && (line.level === null || LEVEL_RANK[line.level] < LEVEL_RANK[filter.minLevel]))
    return false;
  return !filter.search || line.line.toLowerCase().includes(filter.search.toLowerCase());
}

export class LogBuffer {
  lines: ViewLine[] = [];

  constructor(readonly cap = 5000) {}

  /**
   * Adds lines; returns `append` when they simply follow the kept ones (the DOM can append),
   * `rebuild` when a merge put some earlier (another container's older lines arrived later).
   */
  add(incoming: readonly ViewLine[], merge: boolean): 'append' | 'rebuild' {
    if (incoming.length === 0) return 'append';
    const last = this.lines[this.lines.length - 1]?.time ?? '';
    const sorted = merge
      ? [...incoming].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
      : incoming;
    let result: 'append' | 'rebuild' = 'append';
    if (merge && (sorted[0]?.time ?? '') < last) {
      // Stable merge of two time-ordered lists.
      const merged: ViewLine[] = [];
      let i = 0;
      let j = 0;
      while (i < this.lines.length || j < sorted.length) {
        const a = this.lines[i];
        const b = sorted[j];
        if (b === undefined || (a !== undefined && a.time <= b.time)) {
          merged.push(a as ViewLine);
          i++;
        } else {
          merged.push(b);
          j++;
        }
      }
      this.lines = merged;
      result = 'rebuild';
    } else {
      for (const l of sorted) this.lines.push(l);
    }
    if (this.lines.length > this.cap) this.lines.splice(0, this.lines.length - this.cap);
    return result;
  }

  clear(): void {
    this.lines = [];
  }

  /** The kept lines as a .log file: time, container (in a merged view), stream, text. */
  toText(withSource: boolean): string {
    return this.lines
      .map((l) => `${l.time} ${withSource ? `${l.source} ` : ''}${l.stream} ${l.line}\n`)
      .join('');
  }
}
