/**
 * History export: every change matching a timeline filter as CSV (RFC 4180) or JSON, read in
 * pages so a large export never holds more than one page of rows per query.
 * @module
 */
import type { AlertHistoryEntry } from '@unity/shared';
import type { Db } from '../../db/client.js';
import { queryTimeline, type TimelineFilter } from './timeline.js';

/** The most rows one export carries; a wider range must be exported in parts. */
export const EXPORT_MAX_ROWS = 100_000;
const PAGE = 5_000;

export async function exportRows(db: Db, f: TimelineFilter): Promise<AlertHistoryEntry[]> {
  const out: AlertHistoryEntry[] = [];
  let cursor: { at: number; id: number } | undefined;
  while (out.length < EXPORT_MAX_ROWS) {
    const page = await queryTimeline(db, {
      ...f,
      cursor,
      limit: Math.min(PAGE, EXPORT_MAX_ROWS - out.length),
    });
    out.push(...page.items);
    const last = page.items.at(-1);
    if (!page.nextCursor || !last) break;
    cursor = { at: last.at, id: last.id };
  }
  return out;
}

/** RFC 4180 §2: a field holding a comma, quote or line break is quoted, quotes doubled. */
export const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

export function historyCsv(items: readonly AlertHistoryEntry[]): string {
  const lines = ['at,time,rule_id,rule_name,fingerprint,from,to,value,labels'];
  for (const h of items)
    lines.push(
      [
        String(h.at),
        new Date(h.at).toISOString(),
        h.ruleId,
        csvField(h.ruleName),
        h.fingerprint,
        h.from,
        h.to,
        h.value === null ? '' : String(h.value),
        csvField(JSON.stringify(h.labels)),
      ].join(','),
    );
  // RFC 4180 lines end in CRLF.
  return `${lines.join('\r\n')}\r\n`;
}
