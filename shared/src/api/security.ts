/**
 * API shapes of sessions, brute-force bans and the audit log (issue 8, sessions and perimeter).
 * @module
 */
import { z } from 'zod';

/** One of my sessions. `id` is an opaque public id: it cannot be used to sign in. */
export const SessionInfoSchema = z.object({
  id: z.string(),
  current: z.boolean(),
  /** "Firefox on Linux"; null when the client sent no User-Agent. */
  device: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  /** When it ends at the latest (absolute timeout), ms. */
  expiresAt: z.number(),
  remember: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;
export const SessionListSchema = z.object({ items: z.array(SessionInfoSchema) });

/** `DELETE /api/sessions`: how many other sessions were ended. */
export const SessionsRevokedSchema = z.object({ revoked: z.number() });

export const BanSchema = z.object({
  id: z.string(),
  /** `signin`, `enroll` or `api-key`. */
  scope: z.string(),
  ip: z.string(),
  /** Set for a ban of one account from one address; null for a ban of the whole address. */
  account: z.string().nullable(),
  failures: z.number(),
  createdAt: z.number(),
  expiresAt: z.number(),
});
export type Ban = z.infer<typeof BanSchema>;
export const BanListSchema = z.object({ items: z.array(BanSchema) });

/** `GET /api/audit-log` filters; times in ms since the epoch. */
export const AuditLogQuerySchema = z.object({
  actor: z.string().max(128).optional(),
  /** An exact action (`auth.signin`) or a prefix ending in `.` (`auth.`). */
  action: z.string().max(128).optional(),
  /** Matches the object's id or name. */
  target: z.string().max(256).optional(),
  outcome: z.string().max(64).optional(),
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Entries strictly older than this (ms); from the previous page's `nextBefore`. */
  before: z.coerce.number().int().positive().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type AuditLogQuery = z.infer<typeof AuditLogQuerySchema>;
