/**
 * A container's status line ("Up 3 minutes (healthy)", "Exited (137) 2 hours ago"), written by
 * the hub at the time it is shown, from the state the agent listed and the start and finish
 * times of its last inspection. The engine's own line ages every minute without anything
 * happening; rendering it here keeps it exact whenever it is read, where the agent would have to
 * read and send its whole listing every minute to keep the stored line current (issue 3: that
 * refresh was the largest piece of the agent's CPU per container sample left).
 *
 * The words are Docker's (and Podman's compatible API's): `State.String()` over go-units'
 * `HumanDuration`, so the line reads as `docker ps` prints it.
 * @module
 */
import type { ContainerState, HealthStatus } from '@unity/shared';

/** What the line is made of; the times in epoch ms, null when never inspected or never set. */
export type StatusFacts = {
  state: ContainerState;
  startedAt: number | null;
  finishedAt: number | null;
  exitCode: number | null;
  health: HealthStatus | null;
};

const HOUR_MS = 3_600_000;

/** go-units' `HumanDuration`: "Less than a second", "About a minute", "3 hours", "2 weeks", … */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  // Hours round to the nearest (go-units adds half an hour), so 1 h 40 min reads "2 hours".
  const hours = Math.trunc(ms / HOUR_MS + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / HOUR_MS / 24 / 365)} years`;
}

const healthSuffix = (health: HealthStatus | null): string =>
  health === 'healthy' || health === 'unhealthy'
    ? ` (${health})`
    : health === 'starting'
      ? ' (health: starting)'
      : '';

/**
 * The line for `facts` at `now`, or undefined when the facts do not say enough (a state that
 * needs a time the inspection did not give): the caller then shows the engine's own line.
 */
export function statusText(facts: StatusFacts, now: number): string | undefined {
  const { startedAt, finishedAt } = facts;
  // An inspection older than the listed state says so by its times: a run that finished after
  // it started for a container listed up, or the other way round. Its times are then not this
  // run's, and the engine's own line (from the same listing as the state) is the better one.
  const since = (at: number) => humanDuration(Math.max(0, now - at));
  const up =
    startedAt !== null && (finishedAt === null || finishedAt <= startedAt) ? since(startedAt) : undefined;
  const ago =
    finishedAt !== null && (startedAt === null || finishedAt >= startedAt) ? since(finishedAt) : undefined;
  const exit = facts.exitCode ?? 0;
  switch (facts.state) {
    case 'running':
      return up && `Up ${up}${healthSuffix(facts.health)}`;
    case 'paused':
      return up && `Up ${up} (Paused)`;
    case 'restarting':
      return ago && `Restarting (${exit}) ${ago} ago`;
    case 'exited':
      return ago && `Exited (${exit}) ${ago} ago`;
    case 'created':
      return 'Created';
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    case 'unknown':
      return undefined;
  }
}
