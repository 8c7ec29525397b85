/**
 * The hub's id for a container: stable across hub restarts and agent re-sends, distinct across
 * hosts and engines (two engines on one host may reuse an engine id).
 * @module
 */
import { createHash } from 'node:crypto';

/** First 16 hex digits of sha256(host id, engine id, engine container id). */
export function containerKey(hostId: string, engineId: string, containerId: string): string {
  return createHash('sha256').update(`${hostId}\n${engineId}\n${containerId}`).digest('hex').slice(0, 16);
}
