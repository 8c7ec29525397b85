/**
 * Alert history analytics (issue 5) as the API takes and answers them: the timeline of state
 * changes (filters and keyset paging), MTTA and MTTR, the noisiest rules, the hour × weekday
 * heatmap of firings and the export. Times are epoch milliseconds; a range defaults to the last
 * 7 days.
 *
 * A firing episode starts with a change from inactive or pending to an active state (firing,
 * nodata, error) and ends with the next change to resolved of the same instance. MTTA is the
 * time from its start to its first acknowledgement, MTTR to its resolve; episodes that started
 * in the range count, whenever they were acknowledged or resolved.
 * @module
 */
import { z } from 'zod';
import { isTimeZone } from './alert-routing.js';
import { AlertHistoryEntrySchema, AlertInstanceStateSchema } from './alerts.js';

const epochMs = z.coerce
  .number('must be epoch milliseconds')
  .int('must be whole epoch milliseconds')
  .nonnegative('must not be negative');

const rangeFields = {
  from: epochMs.optional(),
  to: epochMs.optional(),
  ruleId: z.uuid('must be a UUID').optional(),
};

const fromBeforeTo = (q: { from?: number | undefined; to?: number | undefined }) =>
  q.from === undefined || q.to === undefined || q.from <= q.to;
const FROM_BEFORE_TO = { message: 'must not be after to', path: ['from'] };

/** `host=web-1,container=db`: every pair must match (values cannot hold a comma). */
export const LabelFilterSchema = z
  .string()
  .max(2048)
  .transform((text, ctx) => {
    const out: Record<string, string> = {};
    for (const part of text.split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      const key = eq > 0 ? part.slice(0, eq).trim() : '';
      if (!/^[a-zA-Z_][a-zA-Z0-9_.]*$/.test(key)) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not name=value` });
        return z.NEVER;
      }
      out[key] = part.slice(eq + 1).trim();
    }
    return out;
  });

/** `firing,resolved`: the states changed to. */
const StatesSchema = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    const states = text.split(',').filter((s) => s !== '');
    for (const s of states)
      if (!AlertInstanceStateSchema.safeParse(s).success) {
        ctx.addIssue({
          code: 'custom',
          message: `${s} is not one of ${AlertInstanceStateSchema.options.join(', ')}`,
        });
        return z.NEVER;
      }
    return states as z.infer<typeof AlertInstanceStateSchema>[];
  });

/** Keyset paging: the `at:id` of the last entry seen; the next page is older. */
export const HistoryCursorSchema = z
  .string()
  .regex(/^\d+:\d+$/, 'must be the nextCursor of an earlier page')
  .transform((s) => {
    const [at, id] = s.split(':').map(Number) as [number, number];
    return { at, id };
  });

/** `GET /api/alert-history`: the timeline, newest first. */
export const AlertHistoryQuerySchema = z
  .object({
    ...rangeFields,
    fingerprint: z
      .string()
      .regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits')
      .optional(),
    state: StatesSchema.optional(),
    labels: LabelFilterSchema.optional(),
    cursor: HistoryCursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
    format: z.enum(['json', 'csv'], 'must be json or csv').default('json'),
  })
  .refine(fromBeforeTo, FROM_BEFORE_TO);
export type AlertHistoryQuery = z.infer<typeof AlertHistoryQuerySchema>;

export const AlertHistoryPageSchema = z.object({
  items: z.array(AlertHistoryEntrySchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type AlertHistoryPage = z.infer<typeof AlertHistoryPageSchema>;

/** `GET /api/alert-history/export?format=csv|json`: an attachment of every matching change (up to 100,000). */
export const AlertHistoryExportQuerySchema = z
  .object({
    ...rangeFields,
    state: StatesSchema.optional(),
    labels: LabelFilterSchema.optional(),
    format: z.enum(['json', 'csv'], 'must be json or csv').default('csv'),
  })
  .refine(fromBeforeTo, FROM_BEFORE_TO);

/** `GET /api/alert-history/stats|noisiest|heatmap`. */
export const AlertAnalyticsQuerySchema = z
  .object({
    ...rangeFields,
    /** IANA zone the heatmap's hours and weekdays are counted in. */
    tz: z
      .string()
      .max(64)
      .refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris or UTC')
      .default('UTC'),
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .refine(fromBeforeTo, FROM_BEFORE_TO);
export type AlertAnalyticsQuery = z.infer<typeof AlertAnalyticsQuerySchema>;

/** Mean, median and 90th percentile in milliseconds (linear interpolation, as percentile_cont). */
export const DurationStatsSchema = z.object({
  count: z.number(),
  meanMs: z.number().nullable(),
  medianMs: z.number().nullable(),
  p90Ms: z.number().nullable(),
});
export type DurationStats = z.infer<typeof DurationStatsSchema>;

export const AlertStatsSchema = z.object({
  from: z.number(),
  to: z.number(),
  /** Firing episodes that started in the range. */
  episodes: z.number(),
  /** Of those, still active (not resolved yet). */
  open: z.number(),
  mtta: DurationStatsSchema,
  mttr: DurationStatsSchema,
});
export type AlertStats = z.infer<typeof AlertStatsSchema>;

export const NoisyRuleSchema = z.object({
  ruleId: z.string(),
  ruleName: z.string(),
  firings: z.number(),
  /** Distinct instances (objects) that fired. */
  instances: z.number(),
});
export const AlertNoisiestSchema = z.object({
  from: z.number(),
  to: z.number(),
  items: z.array(NoisyRuleSchema),
});
export type AlertNoisiest = z.infer<typeof AlertNoisiestSchema>;

export const AlertHeatmapSchema = z.object({
  from: z.number(),
  to: z.number(),
  tz: z.string(),
  /** cells[weekday][hour]: firings started then; weekday 0 is Monday (ISO 8601), hour 0–23. */
  cells: z.array(z.array(z.number()).length(24)).length(7),
  max: z.number(),
  total: z.number(),
});
export type AlertHeatmap = z.infer<typeof AlertHeatmapSchema>;
