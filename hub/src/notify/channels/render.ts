/**
 * Small pieces every channel renders a notification with: the colour and label of its state,
 * one line per alert, HTML escaping and provider length limits.
 * @module
 */
import type { Notification, NotifiedAlert } from '@unity/shared';

/** Resolved is green; firing by the group's highest severity. */
export function stateColor(n: Notification): string {
  if (n.status === 'resolved') return '#2eb67d';
  switch (n.severity) {
    case 'critical':
      return '#e01e5a';
    case 'warning':
      return '#ecb22e';
    case 'info':
      return '#36c5f0';
    default: {
      const never: never = n.severity;
      return never;
    }
  }
}

export const colorNumber = (hex: string) => Number.parseInt(hex.slice(1), 16);

/** `FIRING · critical` or `RESOLVED`. */
export const stateLabel = (n: Notification) =>
  n.status === 'resolved' ? 'RESOLVED' : `FIRING · ${n.severity}`;

/** The title as sent, marked when it is a "send test". */
export const titleOf = (n: Notification) => (n.test ? `[test] ${n.title}` : n.title);

/** The alert's summary, else its rule's name. */
export const summaryOf = (a: NotifiedAlert) => a.annotations.summary ?? a.ruleName;

export const formatValue = (v: number | null) =>
  v === null
    ? ''
    : Number.isInteger(v)
      ? String(v)
      : v.toFixed(Math.abs(v) >= 100 ? 1 : 3).replace(/\.?0+$/, '');

/** `[firing] High CPU — web-1 is at 97% (value 97.2)` */
export function alertLine(a: NotifiedAlert): string {
  const value = a.value === null ? '' : ` (value ${formatValue(a.value)})`;
  return `[${a.status}] ${summaryOf(a)}${value}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

/** Cuts to `max` characters with an ellipsis (providers refuse or truncate longer fields). */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Labels as `k=v, k=v`, for channels that show one line of them. */
export const labelText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
