/**
 * The public status page as HTML: server-rendered, no script at all, styled only by the
 * stylesheet route (the hub's CSP allows neither inline scripts nor inline styles, so colours
 * are classes and a day's figure is its bar's `title`). Every text is escaped.
 * @module
 */
import {
  assertNever,
  type DayUptime,
  type IncidentSeverity,
  type IncidentStatus,
  type OverallStatus,
  type PublicItemState,
  type PublicStatus,
} from '@unity/shared';

/** Where the stylesheet is served: `-` can never be a slug. */
export const STYLESHEET_PATH = '/status/-/status.css';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string);

/** At most two decimals, none when whole: as the uptime badges show it. */
const formatPercent = (p: number) => `${Math.floor(p * 100) / 100}%`;

/** Minutes in UTC: the same text for every viewer, whatever their zone (there is no script). */
const formatTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The colour class of a day's bar; thresholds as on the uptime badges. */
export function dayClass(percent: number | null): string {
  if (percent === null) return 'u-none';
  if (percent >= 99.9) return 'u-100';
  if (percent >= 99) return 'u-99';
  if (percent >= 97) return 'u-97';
  if (percent >= 95) return 'u-95';
  if (percent >= 90) return 'u-90';
  return 'u-low';
}

const BANNER: Record<OverallStatus, string> = {
  operational: 'All systems operational',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  no_data: 'No data yet',
};

function stateText(state: PublicItemState): string {
  switch (state) {
    case 'up':
      return 'Operational';
    case 'down':
      return 'Down';
    case 'maintenance':
      return 'Maintenance';
    case 'paused':
      return 'Paused';
    case 'pending':
      return 'No data';
    default:
      return assertNever(state);
  }
}

const STATUS_TEXT: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};
const SEVERITY_TEXT: Record<IncidentSeverity, string> = {
  minor: 'Minor',
  major: 'Major',
  critical: 'Critical',
};

const bar = (d: DayUptime) =>
  `<li class="${dayClass(d.uptimePercent)}" title="${d.date}: ${
    d.uptimePercent === null ? 'no data' : formatPercent(d.uptimePercent)
  }"></li>`;

function items(status: PublicStatus): string {
  if (status.items.length === 0) return '<p class="empty">Nothing is monitored on this page yet.</p>';
  return status.items
    .map(
      (item) => `<section class="item">
<div class="item-head"><h3>${escapeHtml(item.name)}</h3><span class="state s-${item.state}">${stateText(item.state)}</span></div>
${
  item.days.length > 0
    ? `<ol class="bars" aria-label="Uptime per day, last ${item.days.length} days">${item.days.map(bar).join('')}</ol>
<div class="bar-foot"><span>${item.days.length} days ago</span><span>${
        item.uptimePercent === null ? 'no data' : `${formatPercent(item.uptimePercent)} uptime`
      }</span><span>Today</span></div>`
    : '<p class="note">Current state only.</p>'
}
</section>`,
    )
    .join('\n');
}

function incidents(status: PublicStatus): string {
  if (status.incidents.length === 0) return '';
  return `<h2>Incidents</h2>
${status.incidents
  .map(
    (i) => `<article class="incident sev-${i.severity}${i.resolvedAt ? ' resolved' : ''}">
<h3>${escapeHtml(i.title)} <span class="tag">${SEVERITY_TEXT[i.severity]}</span> <span class="tag">${STATUS_TEXT[i.status]}</span></h3>
<ul class="updates">${i.updates
      .map(
        (u) =>
          `<li><strong>${STATUS_TEXT[u.status]}</strong> <time datetime="${u.createdAt}">${formatTime(u.createdAt)}</time><p>${escapeHtml(u.message)}</p></li>`,
      )
      .join('')}</ul>
</article>`,
  )
  .join('\n')}`;
}

function maintenance(status: PublicStatus): string {
  if (status.maintenance.length === 0) return '';
  return `<h2>Maintenance</h2>
${status.maintenance
  .map(
    (m) => `<article class="maintenance${m.active ? ' active' : ''}">
<h3>${escapeHtml(m.title)} <span class="tag">${m.active ? 'In progress' : 'Scheduled'}</span></h3>
<p class="window"><time datetime="${m.start}">${formatTime(m.start)}</time> – <time datetime="${m.end}">${formatTime(m.end)}</time></p>
${m.message ? `<p>${escapeHtml(m.message)}</p>` : ''}
</article>`,
  )
  .join('\n')}`;
}

export function renderStatusPage(status: PublicStatus, slug: string): string {
  return `<!doctype html>
<html lang="en" class="theme-${status.theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="${status.theme === 'auto' ? 'light dark' : status.theme}">
<title>${escapeHtml(status.title)}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main>
<header><h1>${escapeHtml(status.title)}</h1>${
    status.description ? `<p class="description">${escapeHtml(status.description)}</p>` : ''
  }</header>
<p class="banner b-${status.status}" role="status">${BANNER[status.status]}</p>
${maintenance(status)}
${incidents(status)}
<h2>Services</h2>
${items(status)}
<footer>Updated <time datetime="${status.generatedAt}">${formatTime(status.generatedAt)}</time> · <a href="/status/${escapeHtml(slug)}/status.json">JSON</a></footer>
</main>
</body>
</html>
`;
}

/** The page for an unpublished or unknown slug: says nothing about which it was. */
export const NOT_FOUND_HTML = `<!doctype html>
<html lang="en" class="theme-auto">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Status page not found</title><link rel="stylesheet" href="${STYLESHEET_PATH}"></head>
<body><main><h1>Status page not found</h1><p>There is no public status page at this address.</p></main></body>
</html>
`;
