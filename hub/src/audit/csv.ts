/**
 * The audit log as CSV (RFC 4180): a header row, CRLF line ends, fields quoted when they hold a
 * comma, quote or line break. A field starting with = + - @ gets a leading apostrophe so a
 * spreadsheet opening the export does not run it as a formula (OWASP CSV injection).
 * @module
 */
import type { AuditEntry } from '@unity/shared';

const COLUMNS = [
  'at',
  'username',
  'ip',
  'action',
  'objectType',
  'objectId',
  'objectName',
  'outcome',
  'message',
] as const;

function field(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditCsv(items: readonly AuditEntry[]): string {
  const lines = [COLUMNS.join(',')];
  for (const e of items) {
    lines.push(COLUMNS.map((k) => field(k === 'at' ? new Date(e.at).toISOString() : e[k])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
