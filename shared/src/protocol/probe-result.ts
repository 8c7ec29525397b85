/**
 * `probe_result`: one run of one probe on one agent, sent through the outbox like samples so
 * nothing is lost across a disconnect. `ok` is the agent's verdict (checks and conditions);
 * the hub derives up/down per location from consecutive results and the probe's `retries`.
 * @module
 */
import { z } from 'zod';

export const ProbeResultItemSchema = z.object({
  kind: z.literal('probe_result'),
  ts: z.int().positive(),
  probeId: z.uuid(),
  ok: z.boolean(),
  /** Time to the answer (HTTP response, TCP connect, ping average, DNS answer, query). */
  latencyMs: z.number().nonnegative().max(3_600_000).optional(),
  /** Why it failed, for people. */
  error: z.string().max(1024).optional(),
  /** HTTP status code. */
  status: z.int().min(0).max(999).optional(),
  /** Earliest `notAfter` over the presented TLS chain, epoch ms. */
  certExpiresAt: z.int().optional(),
  /** Kind-specific observations (ping loss and rtts, DNS answers, TLS facts). */
  details: z.record(z.string().max(64), z.unknown()).optional(),
});

export type ProbeResultItem = z.infer<typeof ProbeResultItemSchema>;
