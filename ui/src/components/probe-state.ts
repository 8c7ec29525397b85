/**
 * A probe state's badge tone and words.
 * @module
 */
import type { ProbeState } from '@unity/shared';
import type { BadgeTone } from './unity-badge.js';

export const stateTone = (state: ProbeState): BadgeTone =>
  state === 'up' ? 'ok' : state === 'down' ? 'bad' : state === 'maintenance' ? 'warn' : 'neutral';

export const formatPercent = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${v.toFixed(2)} %`;
export const formatMs = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${Math.round(v)} ms`;
