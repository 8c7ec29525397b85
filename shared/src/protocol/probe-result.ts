/**
 * `probe_result`: one run of one probe on one agent, sent through the outbox like samples so
 * nothing is lost across a disconnect. `ok` is the agent's verdict (checks and conditions);
 * the hub derives up/down per location from consecutive results and the probe's `retries`.
 * @module
 */
import { z } from 'zod';
import { PROMETHEUS_MAX_SERIES } from '../probes/definition.js';

/** One scraped sample: metric name, its labels, the value and the exposition's own timestamp if any. */
export const ScrapedSampleSchema = z.object({
  name: z.string().min(1).max(256),
  labels: z.record(z.string().max(128), z.string().max(1024)),
  value: z.number(),
  /** The exposition's timestamp (epoch ms); absent means the scrape's time. */
  ts: z.int().positive().optional(),
});

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
  /**
   * A `prometheus` probe's selected series, in exposition order, already capped by the probe's
   * `maxSeries` (the hub stores them in the generic series store). Finite values only: JSON has
   * no NaN or infinity, and rollups would be poisoned by them.
   */
  samples: z.array(ScrapedSampleSchema).max(PROMETHEUS_MAX_SERIES).optional(),
});

export type ScrapedSample = z.infer<typeof ScrapedSampleSchema>;

export type ProbeResultItem = z.infer<typeof ProbeResultItemSchema>;
