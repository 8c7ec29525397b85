/**
 * Public status pages (issue 7): what an editor sends to `/api/status-pages` (the page, its
 * incidents with their updates, its maintenance notices) and what the public
 * `/status/:slug/status.json` answers. Only what the owner put on a page is ever public.
 * @module
 */
import { z } from 'zod';

/** Lower-case letters, digits and inner dashes: safe in a URL path and in HTML as is. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const StatusSlugSchema = z
  .string()
  .regex(SLUG_PATTERN, 'slug must be 1-64 lower-case letters, digits or inner dashes (my-status)');

export const STATUS_THEMES = ['auto', 'light', 'dark'] as const;
export const StatusThemeSchema = z.enum(STATUS_THEMES, { error: 'theme must be auto, light or dark' });

/** A probe (uuid) or a container (16 hex digits), with the name the public sees. */
export const StatusItemSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('probe'),
      id: z.uuid({ error: 'id must be a probe id (uuid)' }),
      displayName: z.string().trim().min(1).max(128).optional(),
    }),
    z.strictObject({
      kind: z.literal('container'),
      id: z.string().regex(/^[0-9a-f]{16}$/, 'id must be a container id (16 hex digits)'),
      displayName: z.string().trim().min(1).max(128).optional(),
    }),
  ],
  { error: 'kind must be probe or container' },
);

const itemList = z
  .array(StatusItemSchema)
  .max(100, 'at most 100 items on a page')
  .refine((items) => new Set(items.map((i) => `${i.kind}:${i.id}`)).size === items.length, {
    message: 'an item appears twice',
  });

const pageFields = {
  title: z.string().trim().min(1, 'title must not be empty').max(128),
  slug: StatusSlugSchema,
  description: z.string().max(2000).default(''),
  theme: StatusThemeSchema.default('auto'),
  published: z.boolean().default(false),
  items: itemList.default([]),
};

export const StatusPageInputSchema = z.strictObject(pageFields);
/** PATCH: any of the fields; those left out keep their value. */
export const StatusPagePatchSchema = z.strictObject({
  title: pageFields.title.optional(),
  slug: StatusSlugSchema.optional(),
  description: z.string().max(2000).optional(),
  theme: StatusThemeSchema.optional(),
  published: z.boolean().optional(),
  items: itemList.optional(),
});

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const IncidentStatusSchema = z.enum(INCIDENT_STATUSES, {
  error: 'status must be investigating, identified, monitoring or resolved',
});
export const INCIDENT_SEVERITIES = ['minor', 'major', 'critical'] as const;
export const IncidentSeveritySchema = z.enum(INCIDENT_SEVERITIES, {
  error: 'severity must be minor, major or critical',
});

const message = z.string().trim().min(1, 'message must not be empty').max(5000);

export const IncidentInputSchema = z.strictObject({
  title: z.string().trim().min(1, 'title must not be empty').max(200),
  severity: IncidentSeveritySchema.default('minor'),
  status: IncidentStatusSchema.default('investigating'),
  /** The first update's text. */
  message,
});

export const IncidentUpdateInputSchema = z.strictObject({ status: IncidentStatusSchema, message });

export const MaintenanceNoticeInputSchema = z
  .strictObject({
    title: z.string().trim().min(1, 'title must not be empty').max(200),
    message: z.string().max(5000).default(''),
    start: z.iso.datetime({ offset: true, error: 'start must be an ISO 8601 time with offset' }),
    end: z.iso.datetime({ offset: true, error: 'end must be an ISO 8601 time with offset' }),
  })
  .refine((m) => Date.parse(m.end) > Date.parse(m.start), {
    message: 'end must be after start',
    path: ['end'],
  });

export const IncidentUpdateSchema = z.object({
  id: z.string(),
  status: IncidentStatusSchema,
  message: z.string(),
  createdAt: z.string(),
});

export const IncidentSchema = z.object({
  id: z.string(),
  title: z.string(),
  severity: IncidentSeveritySchema,
  status: IncidentStatusSchema,
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  /** Newest first. */
  updates: z.array(IncidentUpdateSchema),
});

export const MaintenanceNoticeSchema = z.object({
  id: z.string(),
  title: z.string(),
  message: z.string(),
  start: z.string(),
  end: z.string(),
});

export const StatusPageSchema = z.object({
  id: z.string(),
  title: z.string(),
  slug: z.string(),
  description: z.string(),
  theme: StatusThemeSchema,
  published: z.boolean(),
  items: z.array(StatusItemSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** `GET /api/status-pages/:id`: the page with its incidents and notices. */
export const StatusPageDetailSchema = StatusPageSchema.extend({
  incidents: z.array(IncidentSchema),
  maintenance: z.array(MaintenanceNoticeSchema),
});

// ---- the public view ----

export const OVERALL_STATUSES = ['operational', 'partial_outage', 'major_outage', 'no_data'] as const;
export const OverallStatusSchema = z.enum(OVERALL_STATUSES);

export const PublicItemStateSchema = z.enum(['up', 'down', 'pending', 'maintenance', 'paused']);

export const DayUptimeSchema = z.object({
  /** UTC day, YYYY-MM-DD. */
  date: z.string(),
  /** null when the day holds no counted result. */
  uptimePercent: z.number().nullable(),
  checks: z.number(),
});

export const PublicItemSchema = z.object({
  name: z.string(),
  kind: z.enum(['probe', 'container']),
  state: PublicItemStateSchema,
  /** Over the 90 days; null without data (containers: current state only). */
  uptimePercent: z.number().nullable(),
  /** 90 UTC days, oldest first; empty for containers. */
  days: z.array(DayUptimeSchema),
});

export const PublicMaintenanceSchema = z.object({
  title: z.string(),
  message: z.string(),
  start: z.string(),
  end: z.string(),
  active: z.boolean(),
});

export const PublicStatusSchema = z.object({
  title: z.string(),
  description: z.string(),
  theme: StatusThemeSchema,
  status: OverallStatusSchema,
  generatedAt: z.string(),
  items: z.array(PublicItemSchema),
  incidents: z.array(
    IncidentSchema.omit({ id: true }).extend({ updates: z.array(IncidentUpdateSchema.omit({ id: true })) }),
  ),
  maintenance: z.array(PublicMaintenanceSchema),
});

export type StatusTheme = z.infer<typeof StatusThemeSchema>;
export type StatusItem = z.infer<typeof StatusItemSchema>;
export type StatusPageInput = z.infer<typeof StatusPageInputSchema>;
export type StatusPagePatch = z.infer<typeof StatusPagePatchSchema>;
export type IncidentStatus = z.infer<typeof IncidentStatusSchema>;
export type IncidentSeverity = z.infer<typeof IncidentSeveritySchema>;
export type IncidentInput = z.infer<typeof IncidentInputSchema>;
export type IncidentUpdateInput = z.infer<typeof IncidentUpdateInputSchema>;
export type MaintenanceNoticeInput = z.infer<typeof MaintenanceNoticeInputSchema>;
export type Incident = z.infer<typeof IncidentSchema>;
export type MaintenanceNotice = z.infer<typeof MaintenanceNoticeSchema>;
export type StatusPage = z.infer<typeof StatusPageSchema>;
export type StatusPageDetail = z.infer<typeof StatusPageDetailSchema>;
export type OverallStatus = z.infer<typeof OverallStatusSchema>;
export type PublicItemState = z.infer<typeof PublicItemStateSchema>;
export type DayUptime = z.infer<typeof DayUptimeSchema>;
export type PublicItem = z.infer<typeof PublicItemSchema>;
export type PublicMaintenance = z.infer<typeof PublicMaintenanceSchema>;
export type PublicStatus = z.infer<typeof PublicStatusSchema>;
