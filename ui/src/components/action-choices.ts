/**
 * Which actions make sense for a container in a given state, and how the UI words them. Pure,
 * so it is unit-tested without a browser.
 * @module
 */
import type { ContainerAction, ContainerState } from '@unity/shared';

export const ACTION_LABELS: Record<ContainerAction, string> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  pause: 'Pause',
  unpause: 'Resume',
  kill: 'Kill',
  remove: 'Remove',
};

/** What the confirmation dialog says will happen. */
export const CONFIRM_TEXT: Partial<Record<ContainerAction, string>> = {
  stop: 'Stop this container? Its processes get SIGTERM, then SIGKILL after 10 seconds.',
  kill: 'Kill this container? Its processes end at once with SIGKILL; unsaved work is lost.',
  remove:
    'Remove this container? It is stopped if running and deleted with its writable layer. This cannot be undone.',
};

export function actionsFor(state: ContainerState): ContainerAction[] {
  switch (state) {
    case 'running':
      return ['restart', 'pause', 'stop', 'kill', 'remove'];
    case 'paused':
      return ['unpause', 'stop', 'kill', 'remove'];
    case 'restarting':
      return ['stop', 'kill', 'remove'];
    case 'created':
    case 'exited':
    case 'dead':
      return ['start', 'remove'];
    case 'removing':
      return [];
    case 'unknown':
      return ['start', 'stop', 'restart', 'remove'];
  }
}
