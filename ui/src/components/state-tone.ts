/**
 * Badge tones for states, so every page shows a container state the same way.
 * @module
 */
import type { ContainerState } from '@unity/shared';
import { assertNever } from '@unity/shared';
import type { BadgeTone } from './unity-badge.js';

export function containerTone(state: ContainerState): BadgeTone {
  switch (state) {
    case 'running':
      return 'ok';
    case 'exited':
    case 'dead':
      return 'bad';
    case 'paused':
    case 'restarting':
    case 'created':
      return 'warn';
    case 'removing':
    case 'unknown':
      return 'neutral';
    default:
      return assertNever(state);
  }
}
