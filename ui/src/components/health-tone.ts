/**
 * Badge tones for health-check status, and the small health badge the containers table shows
 * beside the state (nothing for containers without a health check).
 * @module
 */
import type { HealthStatus } from '@unity/shared';
import { assertNever } from '@unity/shared';
import { html, nothing } from 'lit';
import type { BadgeTone } from './unity-badge.js';
import './unity-badge.js';

export function healthTone(status: HealthStatus): BadgeTone {
  switch (status) {
    case 'healthy':
      return 'ok';
    case 'unhealthy':
      return 'bad';
    case 'starting':
      return 'warn';
    case 'none':
      return 'neutral';
    default:
      return assertNever(status);
  }
}

/** The health badge for a table cell, or nothing when there is no health check. */
export function healthBadge(status: HealthStatus | null) {
  if (!status || status === 'none') return nothing;
  return html` <unity-badge tone=${healthTone(status)} data-testid="health">${status}</unity-badge>`;
}
