/**
 * Alert routing and delivery (issue 5), as the HTTP API carries it: the notification policy tree,
 * silences, time intervals, inhibition rules, escalation chains, acknowledgements and the view of
 * the dispatcher's aggregation groups.
 *
 * The semantics are Alertmanager's, with camelCase names: `groupBy` is `group_by` ("..." groups by
 * every label), `groupWait`/`groupInterval`/`repeatInterval` are inherited down the tree from the
 * defaults 30s / 5m / 4h, `continue` keeps matching the next siblings, and matchers are `=`, `!=`,
 * `=~`, `!~` with regular expressions anchored at both ends. A route names a contact point (the
 * channels behind it are the notification side's business) or an escalation chain.
 *
 * A time interval is the one schedule concept: a named one is a mute timing or an active time for
 * routes, and a silence can carry the same specs inline as its recurring schedule.
 * @module
 */
import { z } from 'zod';
import { NotifiedAlertSchema } from '../notify/notification.js';

// ---- durations ----

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION_RE = /^(?:\d+(?:ms|s|m|h|d|w))+$/;
const DURATION_PART_RE = /(\d+)(ms|s|m|h|d|w)/g;

/** Milliseconds of a Prometheus-style duration ("30s", "1h30m", "2d"); undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION_RE.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(DURATION_PART_RE)) {
    ms += Number(n) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS];
  }
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** The shortest duration text for a number of milliseconds (90000 → "1m30s"). */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const unit of ['w', 'd', 'h', 'm', 's', 'ms'] as const) {
    const size = DURATION_UNITS_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** Up to a year; "0s" is allowed where a wait of nothing makes sense. */
export const DurationSchema = z
  .string()
  .max(32)
  .refine((s) => {
    const ms = parseDuration(s);
    return ms !== undefined && ms <= 366 * DURATION_UNITS_MS.d;
  }, 'must be a duration such as 30s, 5m, 4h or 1h30m (at most 366d)');
const PositiveDurationSchema = DurationSchema.refine(
  (s) => (parseDuration(s) ?? 0) > 0,
  'must be more than 0s',
);

export const DEFAULT_GROUP_WAIT = '30s';
export const DEFAULT_GROUP_INTERVAL = '5m';
export const DEFAULT_REPEAT_INTERVAL = '4h';

// ---- matchers ----

export const LabelNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a label name (letters, digits, _; not starting with a digit)')
  .max(128);

export const MatchOpSchema = z.enum(['=', '!=', '=~', '!~'], 'must be =, !=, =~ or !~');
export type MatchOp = z.infer<typeof MatchOpSchema>;

/** A regular expression as matchers use it: anchored at both ends. Throws on a bad pattern. */
export const anchoredRegex = (pattern: string): RegExp => new RegExp(`^(?:${pattern})$`);

export const MatcherSchema = z
  .object({
    label: LabelNameSchema,
    op: MatchOpSchema,
    value: z.string().max(1024),
  })
  .superRefine((m, ctx) => {
    if (m.op !== '=~' && m.op !== '!~') return;
    try {
      anchoredRegex(m.value);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `invalid regular expression: ${(error as Error).message}`,
      });
    }
  });
export type Matcher = z.infer<typeof MatcherSchema>;
const MatchersSchema = z.array(MatcherSchema).max(32);

/** `severity=~"critical|warning"` → a matcher; undefined when the text is not one. */
export function parseMatcher(text: string): Matcher | undefined {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/.exec(text);
  if (!m) return undefined;
  let value = m[3] ?? '';
  if (value.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed !== 'string') return undefined;
      value = parsed;
    } catch {
      return undefined;
    }
  }
  const parsed = MatcherSchema.safeParse({ label: m[1], op: m[2], value });
  return parsed.success ? parsed.data : undefined;
}

/** The matcher as `label op "value"`, the text `parseMatcher` reads back. */
export const formatMatcher = (m: Matcher): string => `${m.label}${m.op}${JSON.stringify(m.value)}`;

// ---- time intervals ----

export const WEEKDAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;
export const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
] as const;

/** An inclusive range of numbers; `end` equals `start` for a single value. */
export type NumberRange = { start: number; end: number };

function splitRange(text: string): [string, string] | undefined {
  const parts = text.trim().toLowerCase().split(':');
  if (parts.length === 1) return [parts[0] ?? '', parts[0] ?? ''];
  if (parts.length === 2) return [parts[0] ?? '', parts[1] ?? ''];
  return undefined;
}

/**
 * "monday:friday" or "sunday" → 0-based weekdays (Sunday = 0). A range may wrap around the week
 * ("saturday:sunday", "friday:monday"): then `start` is greater than `end`.
 */
export function parseWeekdayRange(text: string): NumberRange | undefined {
  const parts = splitRange(text);
  if (!parts) return undefined;
  const start = WEEKDAYS.indexOf(parts[0] as (typeof WEEKDAYS)[number]);
  const end = WEEKDAYS.indexOf(parts[1] as (typeof WEEKDAYS)[number]);
  return start < 0 || end < 0 ? undefined : { start, end };
}

/** "1:5", "-1", "-7:-1", "1:-1" → days of the month; negative values count from its end (-1 = last). */
export function parseDayOfMonthRange(text: string): NumberRange | undefined {
  const parts = splitRange(text);
  if (!parts?.every((p) => /^-?\d{1,2}$/.test(p))) return undefined;
  const [start, end] = parts.map(Number) as [number, number];
  const valid = (d: number) => d !== 0 && d >= -31 && d <= 31;
  if (!valid(start) || !valid(end)) return undefined;
  // Same sign: must be in order. Positive to negative ("1:-1") spans the month; the reverse cannot.
  if (Math.sign(start) === Math.sign(end) && start > end) return undefined;
  if (start < 0 && end > 0) return undefined;
  return { start, end };
}

/** "january:march", "12", "6:8" → months 1–12. */
export function parseMonthRange(text: string): NumberRange | undefined {
  const parts = splitRange(text);
  if (!parts) return undefined;
  const month = (p: string) => {
    if (/^\d{1,2}$/.test(p)) return Number(p) >= 1 && Number(p) <= 12 ? Number(p) : -1;
    const i = MONTHS.indexOf(p as (typeof MONTHS)[number]);
    return i < 0 ? -1 : i + 1;
  };
  const start = month(parts[0]);
  const end = month(parts[1]);
  return start < 0 || end < 0 || start > end ? undefined : { start, end };
}

/** "2025" or "2025:2027". */
export function parseYearRange(text: string): NumberRange | undefined {
  const parts = splitRange(text);
  if (!parts?.every((p) => /^\d{4}$/.test(p))) return undefined;
  const [start, end] = parts.map(Number) as [number, number];
  return start > end ? undefined : { start, end };
}

/** "HH:MM" → minutes since midnight; "24:00" is allowed (as an end). */
export function parseClock(text: string): number | undefined {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return Number(m[2]) < 60 && minutes <= 24 * 60 ? minutes : undefined;
}

/** Whether `name` is an IANA time zone this runtime knows ("UTC", "Europe/Paris"). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const rangeList = (parse: (s: string) => NumberRange | undefined, what: string) =>
  z
    .array(
      z
        .string()
        .max(32)
        .refine((s) => parse(s) !== undefined, `must be ${what}`),
    )
    .max(64);

/** Start inclusive, end exclusive ("09:00"–"17:00" ends at 16:59:59); end may be "24:00". */
export const TimeRangeSchema = z
  .object({
    start: z
      .string()
      .refine((s) => (parseClock(s) ?? 24 * 60) < 24 * 60, 'must be HH:MM from 00:00 to 23:59'),
    end: z.string().refine((s) => (parseClock(s) ?? 0) > 0, 'must be HH:MM from 00:01 to 24:00'),
  })
  .refine((r) => (parseClock(r.start) ?? 0) < (parseClock(r.end) ?? 0), {
    message: 'start must be before end (split a range that crosses midnight in two)',
    path: ['end'],
  });
export type TimeRange = z.infer<typeof TimeRangeSchema>;

/**
 * One recurring window: every field given must hold (AND), any element of a field may (OR); an
 * absent field does not restrict. Evaluated in `location` (IANA), UTC by default.
 */
export const TimeIntervalSpecSchema = z.object({
  times: z.array(TimeRangeSchema).max(32).optional(),
  weekdays: rangeList(parseWeekdayRange, 'a weekday or a range such as monday:friday').optional(),
  daysOfMonth: rangeList(
    parseDayOfMonthRange,
    'a day of the month or a range such as 1:7 or -3:-1 (negative counts from the end)',
  ).optional(),
  months: rangeList(parseMonthRange, 'a month or a range such as january:march or 1:3').optional(),
  years: rangeList(parseYearRange, 'a year or a range such as 2025:2026').optional(),
  location: z
    .string()
    .max(64)
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris or UTC')
    .optional(),
});
export type TimeIntervalSpec = z.infer<typeof TimeIntervalSpecSchema>;

export const TimeIntervalNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^/\s][^/]*$/, 'must not contain / nor start with a space');

/** A named schedule: the time is in it when any of its specs holds. */
export const TimeIntervalSchema = z.object({
  name: TimeIntervalNameSchema,
  timeIntervals: z.array(TimeIntervalSpecSchema).min(1).max(32),
});
export type TimeInterval = z.infer<typeof TimeIntervalSchema>;

// ---- notification policy tree ----

export const RateLimitSchema = z.object({
  /** At most this many notifications for the route… */
  count: z.number().int().min(1).max(100_000),
  /** …in any window this long; the excess is dropped (counted and logged). */
  period: PositiveDurationSchema,
});
export type RateLimit = z.infer<typeof RateLimitSchema>;

const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'must be letters, digits, _ . : -');

export type Route = {
  /** Stable id (assigned on save when missing): group keys and persisted dispatch state use it. */
  id?: string | undefined;
  /** Where this route's groups go; inherited when neither this nor an escalation chain is set. */
  contactPointId?: string | undefined;
  /** Instead of a contact point: notify the chain's steps in turn until acknowledged. */
  escalationChainId?: string | undefined;
  /** All must match; none matches everything. */
  matchers?: Matcher[] | undefined;
  /** Keep matching the next siblings after this route matched. */
  continue?: boolean | undefined;
  /** Labels that split alerts into groups; ["..."] groups by every label. Inherited. */
  groupBy?: string[] | undefined;
  groupWait?: string | undefined;
  groupInterval?: string | undefined;
  repeatInterval?: string | undefined;
  /** Names of time intervals when this route sends nothing (this route only, not inherited). */
  muteTimeIntervals?: string[] | undefined;
  /** When set, this route sends only while in one of these time intervals (not inherited). */
  activeTimeIntervals?: string[] | undefined;
  rateLimit?: RateLimit | undefined;
  routes?: Route[] | undefined;
};

export const GROUP_BY_ALL = '...';

export const RouteSchema: z.ZodType<Route> = z.lazy(() =>
  z
    .object({
      id: IdSchema.optional(),
      contactPointId: z.string().min(1).max(128).optional(),
      escalationChainId: z.string().min(1).max(128).optional(),
      matchers: MatchersSchema.optional(),
      continue: z.boolean().optional(),
      groupBy: z
        .array(z.union([LabelNameSchema, z.literal(GROUP_BY_ALL)]))
        .max(32)
        .refine((g) => !g.includes(GROUP_BY_ALL) || g.length === 1, '"..." must be the only entry')
        .optional(),
      groupWait: DurationSchema.optional(),
      groupInterval: PositiveDurationSchema.optional(),
      repeatInterval: PositiveDurationSchema.optional(),
      muteTimeIntervals: z.array(TimeIntervalNameSchema).max(32).optional(),
      activeTimeIntervals: z.array(TimeIntervalNameSchema).max(32).optional(),
      rateLimit: RateLimitSchema.optional(),
      routes: z.array(RouteSchema).max(100).optional(),
    })
    .refine((r) => !(r.contactPointId && r.escalationChainId), {
      message: 'a route names a contact point or an escalation chain, not both',
      path: ['escalationChainId'],
    }),
);

/** Routes of a tree, depth first, with their depth (the root is 0). */
export function walkRoutes(root: Route): { route: Route; depth: number }[] {
  const out: { route: Route; depth: number }[] = [];
  const visit = (route: Route, depth: number) => {
    out.push({ route, depth });
    for (const child of route.routes ?? []) visit(child, depth + 1);
  };
  visit(root, 0);
  return out;
}

export const MAX_ROUTES = 500;
export const MAX_ROUTE_DEPTH = 10;

/** The whole tree: its root matches every alert, so it takes neither matchers nor `continue`. */
export const NotificationPolicySchema = RouteSchema.superRefine((root, ctx) => {
  if (root.matchers?.length)
    ctx.addIssue({ code: 'custom', path: ['matchers'], message: 'the root matches all' });
  if (root.continue)
    ctx.addIssue({ code: 'custom', path: ['continue'], message: 'the root has no siblings' });
  const all = walkRoutes(root);
  if (all.length > MAX_ROUTES) ctx.addIssue({ code: 'custom', message: `at most ${MAX_ROUTES} routes` });
  if (all.some((r) => r.depth > MAX_ROUTE_DEPTH)) {
    ctx.addIssue({ code: 'custom', message: `routes nest at most ${MAX_ROUTE_DEPTH} deep` });
  }
  const ids = all.map((r) => r.route.id).filter((id): id is string => id !== undefined);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) ctx.addIssue({ code: 'custom', message: `route id ${dup} is used twice` });
});
export type NotificationPolicy = Route;

/** What a fresh hub routes with: one group per alert name, the default timings, no contact point. */
export const DEFAULT_NOTIFICATION_POLICY: NotificationPolicy = {
  id: 'root',
  groupBy: ['alertname'],
  groupWait: DEFAULT_GROUP_WAIT,
  groupInterval: DEFAULT_GROUP_INTERVAL,
  repeatInterval: DEFAULT_REPEAT_INTERVAL,
  routes: [],
};

export const NotificationPolicyResponseSchema = z.object({
  policy: NotificationPolicySchema,
  updatedAt: z.iso.datetime().nullable(),
  updatedBy: z.string().nullable(),
});

// ---- silences ----

const hasNonEmptyMatcher = (matchers: Matcher[]) =>
  matchers.some((m) => {
    // A matcher that also matches an absent label would silence far more than meant.
    if (m.op === '=') return m.value !== '';
    if (m.op === '!=') return m.value === '';
    try {
      const re = anchoredRegex(m.value);
      return m.op === '=~' ? !re.test('') : re.test('');
    } catch {
      return false;
    }
  });

export const SilenceCreateSchema = z
  .object({
    matchers: MatchersSchema.min(1).refine(hasNonEmptyMatcher, {
      message: 'at least one matcher must not match an empty or absent label',
    }),
    /** Defaults to now. */
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }),
    comment: z.string().min(1).max(2000),
    /** Recurring: between startsAt and endsAt the silence holds only inside these windows. */
    schedule: z.array(TimeIntervalSpecSchema).min(1).max(32).optional(),
  })
  .refine((s) => !s.startsAt || Date.parse(s.endsAt) > Date.parse(s.startsAt), {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  });
export type SilenceCreate = z.infer<typeof SilenceCreateSchema>;

export const SilenceStateSchema = z.enum(['pending', 'active', 'expired']);
export type SilenceState = z.infer<typeof SilenceStateSchema>;

export const SilenceSchema = z.object({
  id: z.string(),
  matchers: z.array(MatcherSchema),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  schedule: z.array(TimeIntervalSpecSchema).nullable(),
  createdBy: z.string(),
  comment: z.string(),
  createdAt: z.iso.datetime(),
  /** pending before startsAt, expired from endsAt on (a recurring one is active between its windows too). */
  state: SilenceStateSchema,
});
export type Silence = z.infer<typeof SilenceSchema>;

export const SilencesQuerySchema = z.object({ state: SilenceStateSchema.optional() });

// ---- inhibition ----

export const InhibitionRuleInputSchema = z.object({
  name: z.string().min(1).max(200),
  /** A firing alert matching these… */
  sourceMatchers: MatchersSchema.min(1),
  /** …mutes alerts matching these… */
  targetMatchers: MatchersSchema.min(1),
  /** …that have the same values (or both lack) these labels. */
  equal: z.array(LabelNameSchema).max(32).default([]),
});
export type InhibitionRuleInput = z.input<typeof InhibitionRuleInputSchema>;

export const InhibitionRuleSchema = InhibitionRuleInputSchema.extend({
  id: z.string(),
  /** Built in (the host-down dependency): listed, not editable. */
  builtin: z.boolean(),
});
export type InhibitionRule = z.infer<typeof InhibitionRuleSchema>;

/**
 * The built-in dependency: while a host is offline or down, alerts about its containers say
 * nothing new. The source is any firing alert named like "HostOffline", "Host offline",
 * "host_down" (the alert name is the `alertname` label, or the rule's name when it has none);
 * the targets are alerts with a `container` label and the same `host` label.
 */
export const BUILTIN_INHIBITION_RULES: readonly InhibitionRule[] = [
  {
    id: 'builtin-host-down',
    name: 'Containers of a host that is offline or down',
    builtin: true,
    sourceMatchers: [{ label: 'alertname', op: '=~', value: '[Hh]ost[ _-]?([Oo]ffline|[Dd]own)' }],
    targetMatchers: [{ label: 'container', op: '!=', value: '' }],
    equal: ['host'],
  },
];

// ---- escalation ----

export const EscalationStepSchema = z.object({
  contactPointId: z.string().min(1).max(128),
  /** How long to wait, unacknowledged, before the next step (or the next round after the last). */
  wait: DurationSchema,
});
export type EscalationStep = z.infer<typeof EscalationStepSchema>;

export const EscalationChainInputSchema = z.object({
  name: z.string().min(1).max(200),
  steps: z.array(EscalationStepSchema).min(1).max(20),
  /** Rounds after the first: 2 runs the steps three times in all. */
  repeat: z.number().int().min(0).max(20).default(0),
});
export type EscalationChainInput = z.input<typeof EscalationChainInputSchema>;

export const EscalationChainSchema = EscalationChainInputSchema.extend({ id: z.string() });
export type EscalationChain = z.infer<typeof EscalationChainSchema>;

// ---- acknowledgement ----

export const AckRequestSchema = z.object({
  comment: z.string().max(2000).optional(),
  /** Without one the ack holds until the alert resolves; with one, repeats resume when it runs out. */
  timeout: PositiveDurationSchema.optional(),
});
export type AckRequest = z.infer<typeof AckRequestSchema>;

export const AcknowledgementSchema = z.object({
  fingerprint: z.string(),
  /** The firing episode it belongs to: a later one of the same alert is not acknowledged. */
  alertStartsAt: z.iso.datetime(),
  acknowledgedBy: z.string(),
  acknowledgedAt: z.iso.datetime(),
  comment: z.string().nullable(),
  expiresAt: z.iso.datetime().nullable(),
});
export type Acknowledgement = z.infer<typeof AcknowledgementSchema>;

// ---- the dispatcher's groups ----

export const GroupedAlertSchema = NotifiedAlertSchema.extend({
  /** Ids of the active silences that match it. */
  silencedBy: z.array(z.string()),
  /** Ids of the inhibition rules that mute it now. */
  inhibitedBy: z.array(z.string()),
  acknowledgement: AcknowledgementSchema.nullable(),
});
export type GroupedAlert = z.infer<typeof GroupedAlertSchema>;

export const AlertGroupSchema = z.object({
  groupKey: z.string(),
  routeId: z.string(),
  groupLabels: z.record(z.string(), z.string()),
  /** The route's contact point, or with an escalation chain the ones reached so far. */
  contactPointIds: z.array(z.string()),
  escalationChainId: z.string().nullable(),
  alerts: z.array(GroupedAlertSchema),
  /** The route is in one of its mute timings, or outside its active times. */
  muted: z.boolean(),
  acknowledged: z.boolean(),
  lastNotifiedAt: z.iso.datetime().nullable(),
  /** When something would be sent next if nothing changes; null when nothing is due. */
  nextNotificationAt: z.iso.datetime().nullable(),
  escalation: z
    .object({ round: z.number(), step: z.number(), nextStepAt: z.iso.datetime().nullable() })
    .nullable(),
});
export type AlertGroup = z.infer<typeof AlertGroupSchema>;
