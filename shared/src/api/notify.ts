/**
 * Notification channels and contact points (issue 6): the settings of each channel type as one
 * zod discriminated union on `type`, the contact points alerting routes to, and the delivery log.
 *
 * Secrets (tokens, passwords, webhook URLs that carry a key) are write-only: the API answers
 * them masked (see `SECRET_FIELDS` and `maskSettings`), and a masked value sent back on update
 * keeps the stored one, so a form can round-trip what it was shown.
 * @module
 */
import { z } from 'zod';
import { listOf } from './schemas.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const text = (max = 500) => z.string().trim().min(1, 'must not be empty').max(max);
const optionalText = (max = 500) => z.string().trim().max(max).optional();
/** Header names per RFC 9110 §5.1 (a token); values without line breaks (header injection). */
const HeadersSchema = z
  .record(
    z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a valid header name'),
    z
      .string()
      .max(4096)
      .regex(/^[^\r\n]*$/, 'must be one line'),
  )
  .default({});

export const WebhookSettingsSchema = z.object({
  type: z.literal('webhook'),
  url: httpUrl,
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  /** Extra request headers (an Authorization header goes here); their values are secrets. */
  headers: HeadersSchema,
  /** When set, `X-Unity-Signature: sha256=<hex HMAC-SHA256 of the body>` is sent. */
  hmacSecret: z.string().min(8, 'must be at least 8 characters').max(512).optional(),
  /**
   * A JSON body template replacing the Alertmanager payload: `{{variables}}` are filled with
   * JSON-escaped text (`"{{title}}"`), `*_json` variables with JSON values (`{{alerts_json}}`).
   * The result must be valid JSON.
   */
  bodyTemplate: z.string().trim().min(1, 'must not be empty').max(20_000).optional(),
});

export const EmailSettingsSchema = z.object({
  type: z.literal('email'),
  host: text(253),
  port: z.number().int().min(1).max(65535).default(587),
  /** `tls`: TLS from the first byte (port 465); `starttls`: upgrade required; `none`: plain. */
  security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
  /** Off only for a relay with a self-signed certificate. */
  verifyCertificate: z.boolean().default(true),
  username: optionalText(256),
  password: z.string().max(1024).optional(),
  from: text(320),
  to: z.array(z.email('must be an email address')).min(1, 'needs at least one address').max(50),
  subjectPrefix: optionalText(100),
});

/**
 * Slack in one of two modes: an incoming webhook (`url`), which cannot thread, or a bot token
 * (`botToken` and `channel`) that posts with `chat.postMessage`, so later messages of one alert
 * group go into the thread of its first one.
 */
export const SlackSettingsSchema = z
  .object({
    type: z.literal('slack'),
    /** Incoming webhook URL, https://hooks.slack.com/services/… */
    url: httpUrl.optional(),
    /** A bot token (xoxb-…) with `chat:write`; with it messages are threaded per alert group. */
    botToken: z
      .string()
      .regex(/^xox[bpa]-[A-Za-z0-9-]+$/, 'must be a Slack token (xoxb-…)')
      .optional(),
    /** The channel (id or #name); required with a bot token, else overrides the webhook's. */
    channel: optionalText(100),
    username: optionalText(100),
    iconEmoji: optionalText(100),
    /** Web API base for the bot token mode; https://slack.com/api when empty. */
    apiUrl: httpUrl.optional(),
    /** Bot mode: edit the thread's first message to show the group's latest state (default on). */
    updateParent: z.boolean().optional(),
  })
  .superRefine((s, ctx) => {
    if (!s.url && !s.botToken)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'needs a webhook URL or a bot token' });
    if (s.botToken && !s.channel)
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'is required with a bot token' });
  });

export const DiscordSettingsSchema = z.object({
  type: z.literal('discord'),
  /** https://discord.com/api/webhooks/{id}/{token} */
  url: httpUrl,
  username: optionalText(80),
  avatarUrl: httpUrl.optional(),
  /** Put before the embed, e.g. `<@&ROLE_ID>`; only mentions of firing alerts ping. */
  mentions: optionalText(500),
});

export const TelegramSettingsSchema = z.object({
  type: z.literal('telegram'),
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-DEF…'),
  chatId: z.union([z.string().trim().min(1).max(100), z.number().int()]).transform(String),
  /** Topic in a forum supergroup. */
  messageThreadId: z.number().int().positive().optional(),
  disableNotification: z.boolean().default(false),
  apiUrl: httpUrl.default('https://api.telegram.org'),
});

export const NtfySettingsSchema = z.object({
  type: z.literal('ntfy'),
  serverUrl: httpUrl.default('https://ntfy.sh'),
  topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'must be 1-64 letters, digits, - or _'),
  /** An access token (Bearer) … */
  token: z.string().max(512).optional(),
  /** … or a user name and password (Basic). */
  username: optionalText(256),
  password: z.string().max(1024).optional(),
});

export const GotifySettingsSchema = z.object({
  type: z.literal('gotify'),
  serverUrl: httpUrl,
  /** The application token. */
  token: text(512),
  /** Priority for firing critical alerts; warnings get 5, info and resolved 2 (Gotify's 0-10). */
  priority: z.number().int().min(0).max(10).default(8),
});

export const PushoverSettingsSchema = z.object({
  type: z.literal('pushover'),
  /** The application's API token. */
  token: text(64),
  /** The user or group key. */
  userKey: text(64),
  device: optionalText(100),
  sound: optionalText(50),
  apiUrl: httpUrl.default('https://api.pushover.net'),
});

export const TeamsSettingsSchema = z.object({
  type: z.literal('teams'),
  /** The Power Automate workflow's "When a Teams webhook request is received" URL. */
  url: httpUrl,
});

export const MatrixSettingsSchema = z.object({
  type: z.literal('matrix'),
  homeserverUrl: httpUrl,
  accessToken: text(1024),
  /** `!room:server` (a room id, not an alias). */
  roomId: z.string().regex(/^!.+:.+$/, 'must be a room id like !abc:example.org'),
});

export const PagerDutySettingsSchema = z.object({
  type: z.literal('pagerduty'),
  /** The Events API v2 integration (routing) key. */
  routingKey: z.string().regex(/^[A-Za-z0-9]{32}$/, 'must be the 32-character integration key'),
  /** payload.source; the hub's public URL when empty. */
  source: optionalText(255),
  apiUrl: httpUrl.default('https://events.pagerduty.com'),
});

export const OpsgenieSettingsSchema = z.object({
  type: z.literal('opsgenie'),
  apiKey: text(256),
  /** `https://api.eu.opsgenie.com` for the EU instance. */
  apiUrl: httpUrl.default('https://api.opsgenie.com'),
  responders: z
    .array(z.object({ type: z.enum(['team', 'user', 'escalation', 'schedule']), name: text(200) }))
    .max(50)
    .default([]),
  tags: z.array(text(100)).max(20).default([]),
});

export const MattermostSettingsSchema = z.object({
  type: z.literal('mattermost'),
  /** Incoming webhook URL, https://mattermost.example/hooks/… */
  url: httpUrl,
  channel: optionalText(100),
  username: optionalText(100),
});

export const RocketChatSettingsSchema = z.object({
  type: z.literal('rocketchat'),
  /** Incoming webhook integration URL, https://chat.example/hooks/… */
  url: httpUrl,
  channel: optionalText(100),
});

export const GoogleChatSettingsSchema = z.object({
  type: z.literal('googlechat'),
  /** Space webhook URL, https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=… */
  url: httpUrl,
});

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, e.g. +14155550123');

export const TwilioSettingsSchema = z.object({
  type: z.literal('twilio'),
  accountSid: z.string().regex(/^AC[0-9a-f]{32}$/, 'must be the account SID (AC followed by 32 hex digits)'),
  authToken: text(128),
  /** A Twilio number of the account, or a messaging service SID (MG…). */
  from: z.union([
    e164,
    z.string().regex(/^MG[0-9a-f]{32}$/, 'must be a phone number or a messaging service SID'),
  ]),
  to: e164,
  apiUrl: httpUrl.default('https://api.twilio.com'),
});

export const SignalSettingsSchema = z.object({
  type: z.literal('signal'),
  /** A signal-cli REST API server (bbernhard/signal-cli-rest-api). */
  url: httpUrl,
  /** The registered number that sends. */
  number: e164,
  /** Phone numbers, or group ids (`group.…`). */
  recipients: z.array(z.string().trim().min(1).max(200)).min(1).max(50),
});

export const AppriseSettingsSchema = z.object({
  type: z.literal('apprise'),
  /** Apprise URLs (`tgram://…`, `mailto://…`, `json://…`); every one gets the message. */
  urls: z
    .array(
      z
        .string()
        .trim()
        .regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/i, 'must be an Apprise URL'),
    )
    .min(1)
    .max(20),
  /** Send through an Apprise API server (its stateless `POST /notify/`) instead of the CLI. */
  apiUrl: httpUrl.optional(),
});

export const ChannelSettingsSchema = z.discriminatedUnion('type', [
  WebhookSettingsSchema,
  EmailSettingsSchema,
  SlackSettingsSchema,
  DiscordSettingsSchema,
  TelegramSettingsSchema,
  NtfySettingsSchema,
  GotifySettingsSchema,
  PushoverSettingsSchema,
  TeamsSettingsSchema,
  MatrixSettingsSchema,
  PagerDutySettingsSchema,
  OpsgenieSettingsSchema,
  MattermostSettingsSchema,
  RocketChatSettingsSchema,
  GoogleChatSettingsSchema,
  TwilioSettingsSchema,
  SignalSettingsSchema,
  AppriseSettingsSchema,
]);
export type ChannelSettings = z.infer<typeof ChannelSettingsSchema>;
export type ChannelType = ChannelSettings['type'];
export type SettingsOf<T extends ChannelType> = Extract<ChannelSettings, { type: T }>;

export const CHANNEL_TYPES = ChannelSettingsSchema.options.map((o) => o.shape.type.value) as ChannelType[];

/**
 * Which settings are secret, per type: `text` is masked whole, `url` keeps its origin
 * (`https://hooks.slack.com/********`), `headers` masks every value and keeps the names, `urls`
 * (Apprise) keeps only each scheme (`tgram://********`).
 */
export type SecretKind = 'text' | 'url' | 'headers' | 'urls';
export const SECRET_FIELDS: { readonly [T in ChannelType]: Readonly<Record<string, SecretKind>> } = {
  webhook: { url: 'url', headers: 'headers', hmacSecret: 'text' },
  email: { password: 'text' },
  slack: { url: 'url', botToken: 'text' },
  discord: { url: 'url' },
  telegram: { botToken: 'text' },
  ntfy: { token: 'text', password: 'text' },
  gotify: { token: 'text' },
  pushover: { token: 'text', userKey: 'text' },
  teams: { url: 'url' },
  matrix: { accessToken: 'text' },
  pagerduty: { routingKey: 'text' },
  opsgenie: { apiKey: 'text' },
  mattermost: { url: 'url' },
  rocketchat: { url: 'url' },
  googlechat: { url: 'url' },
  twilio: { authToken: 'text' },
  signal: {},
  apprise: { urls: 'urls' },
};

/** What the API answers in place of a secret. */
export const SECRET_MASK = '********';

/** One secret value as the API shows it. */
export function maskSecret(kind: SecretKind, value: unknown): unknown {
  switch (kind) {
    case 'text':
      return SECRET_MASK;
    case 'url':
      return maskUrl(String(value));
    case 'urls':
      // An Apprise URL may carry its key where a host would be (tgram://TOKEN/CHAT): scheme only.
      return Array.isArray(value)
        ? value.map((v) => `${/^[a-z][a-z0-9+.-]*:\/\//i.exec(String(v))?.[0] ?? ''}${SECRET_MASK}`)
        : SECRET_MASK;
    case 'headers':
      return Object.fromEntries(Object.keys(value as Record<string, string>).map((k) => [k, SECRET_MASK]));
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** Keeps the scheme and host, which say where messages go and carry no key. */
function maskUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^@/?#]*@)?([^/?#]*)/i.exec(url);
  return m ? `${m[1]}${m[2]}/${SECRET_MASK}` : SECRET_MASK;
}

/** Settings as the API answers them: every secret that is set replaced by its mask. */
export function maskSettings(settings: ChannelSettings): ChannelSettings {
  const out: Record<string, unknown> = { ...settings };
  for (const [field, kind] of Object.entries(SECRET_FIELDS[settings.type])) {
    if (out[field] !== undefined) out[field] = maskSecret(kind, out[field]);
  }
  return out as ChannelSettings;
}

// ---- channels ----

/**
 * A channel's own title and body templates, in the alert templates' language (`{{variable}}`,
 * `{{variable | fallback}}`); empty ones keep the built-in message. For email, `title` is the
 * subject, `body` the text part and `html` the HTML part (whose variables are HTML-escaped;
 * `*_html` ones are inserted as they are).
 */
export const ChannelTemplatesSchema = z.object({
  title: z.string().trim().max(1000).optional(),
  body: z.string().trim().max(20_000).optional(),
  html: z.string().trim().max(50_000).optional(),
});
export type ChannelTemplates = z.infer<typeof ChannelTemplatesSchema>;

const ChannelCommon = {
  name: text(100),
  enabled: z.boolean().default(true),
  /** Deliveries per minute to this channel; more wait in the outbox. */
  rateLimitPerMinute: z.number().int().min(1).max(60_000).default(30),
  templates: ChannelTemplatesSchema.default({}),
};

/** `POST /api/channels`. */
export const ChannelCreateSchema = z.object({ ...ChannelCommon, settings: ChannelSettingsSchema });
export type ChannelCreate = z.infer<typeof ChannelCreateSchema>;

/**
 * `PUT /api/channels/:id`: the whole channel. A secret that is left out, or sent back masked as
 * it was shown, keeps its stored value; the settings are validated after that merge.
 */
export const ChannelUpdateSchema = z.object({
  ...ChannelCommon,
  settings: z.looseObject({ type: z.enum(CHANNEL_TYPES as [ChannelType, ...ChannelType[]]) }),
});
export type ChannelUpdate = z.infer<typeof ChannelUpdateSchema>;

export const ChannelSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(CHANNEL_TYPES as [ChannelType, ...ChannelType[]]),
  enabled: z.boolean(),
  rateLimitPerMinute: z.number(),
  templates: ChannelTemplatesSchema,
  /** Secrets masked. */
  settings: ChannelSettingsSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Channel = z.infer<typeof ChannelSchema>;
export const ChannelListSchema = listOf(ChannelSchema);

/** `GET /api/channels/types`: which types this hub can send to (Apprise needs its CLI). */
export const ChannelTypeInfoSchema = z.object({
  type: z.enum(CHANNEL_TYPES as [ChannelType, ...ChannelType[]]),
  available: z.boolean(),
  /** Why not, and how to fix it, when not available. */
  hint: z.string().optional(),
  secretFields: z.array(z.string()),
});
export const ChannelTypeListSchema = listOf(ChannelTypeInfoSchema);

// ---- contact points ----

export const ContactPointInputSchema = z.object({
  name: text(100),
  channelIds: z
    .array(z.uuid('must be channel ids'))
    .min(1, 'needs at least one channel')
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a channel'),
});
export type ContactPointInput = z.infer<typeof ContactPointInputSchema>;

export const ContactPointSchema = z.object({
  id: z.string(),
  name: z.string(),
  channelIds: z.array(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ContactPoint = z.infer<typeof ContactPointSchema>;
export const ContactPointListSchema = listOf(ContactPointSchema);

// ---- deliveries ----

/**
 * A delivery's life: `queued` → `sending` → `delivered`, or back to `retrying` (with the last
 * error and the next attempt's time) until it is delivered or `failed` (gave up: a permanent
 * error or the deadline passed).
 */
export const DeliveryStatusSchema = z.enum(['queued', 'sending', 'retrying', 'delivered', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

export const DeliverySchema = z.object({
  id: z.string(),
  notificationId: z.string(),
  channelId: z.string(),
  channelName: z.string(),
  channelType: z.string(),
  contactPointId: z.string().nullable(),
  status: DeliveryStatusSchema,
  attempts: z.number(),
  /** Epoch ms; the next try for queued and retrying. */
  nextAttemptAt: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  deliveredAt: z.number().nullable(),
  title: z.string(),
  severity: z.string(),
  /** firing or resolved: what the notification said. */
  alertStatus: z.string(),
  test: z.boolean(),
});
export type Delivery = z.infer<typeof DeliverySchema>;
export const DeliveryListSchema = listOf(DeliverySchema);

export const DeliveriesQuerySchema = z.object({
  status: DeliveryStatusSchema.optional(),
  channel: z.uuid('must be a channel id').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

// ---- template preview ----

/**
 * `POST /api/channels/preview` (templates not saved yet) and `POST /api/channels/:id/preview`
 * (the saved channel, or these fields in place of its own): renders against a sample group.
 */
export const ChannelPreviewRequestSchema = z.object({
  type: z.enum(CHANNEL_TYPES as [ChannelType, ...ChannelType[]]).optional(),
  templates: ChannelTemplatesSchema.optional(),
  /** The webhook's JSON body template. */
  bodyTemplate: z.string().trim().max(20_000).optional(),
  status: z.enum(['firing', 'resolved']).default('firing'),
});
export type ChannelPreviewRequest = z.infer<typeof ChannelPreviewRequestSchema>;

export const ChannelPreviewSchema = z.object({
  title: z.string(),
  body: z.string(),
  /** Email: the HTML part. */
  html: z.string().nullable(),
  /** Webhook: the request body as sent. */
  json: z.unknown().nullable(),
  /** Every variable the sample offers, for the editor's help. */
  variables: z.array(z.string()),
  /** Variables the templates use that the sample does not have (likely typos). */
  unknownVariables: z.array(z.string()),
});
export type ChannelPreview = z.infer<typeof ChannelPreviewSchema>;

/** `POST /api/channels/:id/test` → the delivery after its first attempt. */
export const ChannelTestResultSchema = z.object({
  ok: z.boolean(),
  delivery: DeliverySchema,
});
