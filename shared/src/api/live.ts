/**
 * Live updates to browsers over `GET /api/live` (WebSocket, session cookie). The hub sends a
 * small "changed" notice after each commit; the UI refetches what it shows, at most once a
 * second per topic, so a busy fleet cannot flood a browser.
 * @module
 */
import { z } from 'zod';

export const LIVE_PATH = '/api/live';

export const LiveMessageSchema = z.discriminatedUnion('type', [
  /** New samples or inventory for a host (and its containers). */
  z.object({ type: z.literal('host_updated'), hostId: z.string(), at: z.number() }),
  /** An agent connected or went away. */
  z.object({ type: z.literal('presence'), hostId: z.string(), online: z.boolean(), at: z.number() }),
  /** New engine events (and so maybe health) for these containers (hub ids) of a host. */
  z.object({
    type: z.literal('container_events'),
    hostId: z.string(),
    containerIds: z.array(z.string()),
    at: z.number(),
  }),
]);

export type LiveMessage = z.infer<typeof LiveMessageSchema>;
