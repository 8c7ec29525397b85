/**
 * Pieces the alert pages share: the tabs between them, who may change things, the form field
 * styles (selects, text areas, checkboxes look like the text inputs) and date formatting.
 * @module
 */
import type { Me } from '@unity/shared';
import { css, html } from 'lit';

export type AlertsTab = 'alerts' | 'silences' | 'policy' | 'time-intervals' | 'inhibition' | 'history';

const TABS: readonly { tab: AlertsTab; href: string; label: string }[] = [
  { tab: 'alerts', href: '/alerts', label: 'Firing' },
  { tab: 'silences', href: '/alerts/silences', label: 'Silences' },
  { tab: 'policy', href: '/alerts/policy', label: 'Notification policy' },
  { tab: 'time-intervals', href: '/alerts/time-intervals', label: 'Time intervals' },
  { tab: 'inhibition', href: '/alerts/inhibition', label: 'Inhibition and escalation' },
  { tab: 'history', href: '/alerts/history', label: 'History' },
];

/** Editors and admins change routing; viewers only read. */
export const canWrite = (me: Me | null): boolean => me?.permissions?.includes('alerts:write') ?? false;

export function alertsTabs(current: AlertsTab) {
  return html`<nav class="tabs" aria-label="Alerts">
    ${TABS.map(
      (t) => html`<a href=${t.href} aria-current=${t.tab === current ? 'page' : 'false'}>${t.label}</a>`,
    )}
  </nav>`;
}

/** "23 Nov 2026, 14:05"; an em dash for nothing. */
export const when = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—';

export const alertsStyles = css`
  nav.tabs {
    display: flex;
    flex-wrap: wrap;
    gap: var(--u-space-1);
    border-bottom: 1px solid var(--u-border);
    margin-bottom: var(--u-space-4);
  }
  nav.tabs a {
    color: var(--u-text-muted);
    text-decoration: none;
    font-weight: 600;
    padding: var(--u-space-2) var(--u-space-3);
    border-bottom: 2px solid transparent;
  }
  nav.tabs a[aria-current='page'] {
    color: var(--u-accent);
    border-bottom-color: var(--u-accent);
  }
  select,
  textarea {
    font: inherit;
    font-weight: 400;
    min-height: 2.5rem;
    padding: 0 var(--u-space-2);
    border-radius: var(--u-radius-sm);
    border: 1px solid var(--u-border);
    background: var(--u-surface);
    color: var(--u-text);
  }
  textarea {
    padding: var(--u-space-2);
    width: 100%;
  }
  label.check {
    display: flex;
    align-items: center;
    gap: var(--u-space-2);
  }
  label.check input {
    width: auto;
    min-height: 0;
  }
  form.stack {
    display: grid;
    gap: var(--u-space-3);
    max-width: 48rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: var(--u-space-2);
    align-items: end;
  }
  .row > label {
    flex: 1 1 10rem;
  }
  button.small {
    min-height: 2rem;
    padding: 0 var(--u-space-3);
  }
  button.danger-text {
    color: var(--u-bad);
  }
  .labels {
    display: flex;
    flex-wrap: wrap;
    gap: var(--u-space-1);
  }
  .label {
    font-family: var(--u-font-mono);
    font-size: var(--u-text-sm);
    background: var(--u-surface-2);
    border: 1px solid var(--u-border);
    border-radius: var(--u-radius-sm);
    padding: 0 var(--u-space-2);
  }
`;
