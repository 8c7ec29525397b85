/**
 * Badges (issue 7): the query a `/badge/…` URL takes, and the body that marks a probe,
 * container or host public so its badges answer.
 * @module
 */
import { z } from 'zod';

export const BADGE_STYLES = ['flat', 'flat-square'] as const;
export const BadgeStyleSchema = z.enum(BADGE_STYLES, { error: 'style must be flat or flat-square' });
export type BadgeStyle = z.infer<typeof BadgeStyleSchema>;

export const UPTIME_PERIOD_NAMES = ['24h', '7d', '30d', '90d'] as const;
export const UptimePeriodNameSchema = z.enum(UPTIME_PERIOD_NAMES, {
  error: 'period must be 24h, 7d, 30d or 90d',
});
export type UptimePeriodName = z.infer<typeof UptimePeriodNameSchema>;

/** Every badge: an optional left-hand text and the look. */
export const BadgeQuerySchema = z.object({
  label: z.string().min(1, 'label must not be empty').max(64, 'label is at most 64 characters').optional(),
  style: BadgeStyleSchema.default('flat'),
});
export type BadgeQuery = z.infer<typeof BadgeQuerySchema>;

export const UptimeBadgeQuerySchema = BadgeQuerySchema.extend({
  period: UptimePeriodNameSchema.default('24h'),
});
export type UptimeBadgeQuery = z.infer<typeof UptimeBadgeQuerySchema>;

/** `PUT /api/{probes,containers,hosts}/:id/public`. */
export const PublicFlagSchema = z.strictObject({
  public: z.boolean({ error: 'public must be true or false' }),
});
export type PublicFlag = z.infer<typeof PublicFlagSchema>;
