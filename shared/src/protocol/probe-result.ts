/**
 * `probe_result`: one run of one probe on one agent, sent through the outbox like samples so
 * nothing is lost across a disconnect. `ok` is the agent's verdict (checks and conditions);
 * the hub derives up/down per location from consecutive results and the probe's `retries`.
 * @module
 */
import * as z from 'zod/mini';
import { PROMETHEUS_MAX_SERIES } from '../probes/definition.js';

/** One scraped sample: metric name, its labels, the value and the exposition's own timestamp if any. */
export const ScrapedSampleSchema = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(256)),
  labels: z.record(z.string().check(z.maxLength(128)), z.string().check(z.maxLength(1024))),
  value: z.number(),
  /** The exposition's timestamp (epoch ms); absent means the scrape's time. */
  ts: z.optional(z.int().check(z.positive())),
});

export const ProbeResultItemSchema = z.object({
  kind: z.literal('probe_result'),
  ts: z.int().check(z.positive()),
  probeId: z.uuid(),
  ok: z.boolean(),
  /** Time to the answer (HTTP response, TCP connect, ping average, DNS answer, query). */
  latencyMs: z.optional(z.number().check(z.nonnegative(), z.lte(3_600_000))),
  /** Why it failed, for people. */
  error: z.optional(z.string().check(z.maxLength(1024))),
  /** HTTP status code. */
  status: z.optional(z.int().check(z.gte(0), z.lte(999))),
  /** Earliest `notAfter` over the presented TLS chain, epoch ms. */
  certExpiresAt: z.optional(z.int()),
  /** Kind-specific observations (ping loss and rtts, DNS answers, TLS facts). */
  details: z.optional(z.record(z.string().check(z.maxLength(64)), z.unknown())),
  /**
   * A `prometheus` probe's selected series, in exposition order, already capped by the probe's
   * `maxSeries` (the hub stores them in the generic series store). Finite values only: JSON has
   * no NaN or infinity, and rollups would be poisoned by them.
   */
  samples: z.optional(z.array(ScrapedSampleSchema).check(z.maxLength(PROMETHEUS_MAX_SERIES))),
});

export type ScrapedSample = z.infer<typeof ScrapedSampleSchema>;

export type ProbeResultItem = z.infer<typeof ProbeResultItemSchema>;
