/**
 * The badge URLs of a probe and the Markdown to paste them into a README: absolute URLs (the
 * snippet is used on other sites) built from the hub's origin.
 * @module
 */

export const PROBE_BADGES = [
  { kind: 'status', title: 'Status' },
  { kind: 'uptime', title: 'Uptime (24 h)' },
  { kind: 'response', title: 'Response time' },
  { kind: 'cert', title: 'Certificate' },
] as const;
export type ProbeBadgeKind = (typeof PROBE_BADGES)[number]['kind'];

export const probeBadgeUrl = (origin: string, probeId: string, kind: ProbeBadgeKind): string =>
  `${origin.replace(/\/+$/, '')}/badge/probe/${encodeURIComponent(probeId)}/${kind}.svg`;

/** Markdown image syntax; `]`, `[` and `\` in the alt text are escaped so the link stays whole. */
export function markdownSnippet(url: string, alt: string): string {
  return `![${alt.replace(/[[\]\\]/g, '\\$&')}](${url})`;
}
