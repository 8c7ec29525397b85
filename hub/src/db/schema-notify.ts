/**
 * Notification channels (issue 6): channels with their settings, contact points (named groups of
 * channels that alerting routes to), and the durable outbox of deliveries, one row per
 * notification and channel. Written by hand in migration 0011_notify, which this file matches.
 *
 * Secret settings are not in `settings`: they are sealed (AES-256-GCM, see notify/secrets.ts)
 * into `secrets`, so a database dump alone does not hand out tokens.
 * @module
 */

import type { ChannelTemplates } from '@unity/shared';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const channels = pgTable('channels', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  type: text('type').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  rateLimitPerMinute: integer('rate_limit_per_minute').notNull(),
  /** The non-secret settings, `type` included. */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  /** Sealed JSON object of the secret settings; null when the channel has none set. */
  secrets: text('secrets'),
  /** Title, body and HTML templates (ChannelTemplates); `{}` for the built-in message. Since 0013. */
  templates: jsonb('templates').$type<ChannelTemplates>().notNull().default({}),
  createdAt: tstz('created_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

export const contactPoints = pgTable('contact_points', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  createdAt: tstz('created_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

export const contactPointChannels = pgTable(
  'contact_point_channels',
  {
    contactPointId: uuid('contact_point_id')
      .notNull()
      .references(() => contactPoints.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'restrict' }),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactPointId, t.channelId] })],
);

export const OUTBOX_STATUSES = ['queued', 'sending', 'retrying', 'delivered', 'failed'] as const;

export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** With channel_id, the idempotency key: one delivery per notification and channel. */
    notificationId: text('notification_id').notNull(),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    contactPointId: uuid('contact_point_id').references(() => contactPoints.id, { onDelete: 'set null' }),
    /** The Notification as alerting handed it over. */
    payload: jsonb('payload').notNull(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When a queued or retrying row is due; for a sending row, when its claim lapses. */
    nextAttemptAt: tstz('next_attempt_at').notNull(),
    /** Set when a worker claims the row; a result is recorded only under the same claim. */
    claimId: uuid('claim_id'),
    lastError: text('last_error'),
    createdAt: tstz('created_at').notNull(),
    deliveredAt: tstz('delivered_at'),
    updatedAt: tstz('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('notification_outbox_idempotency_idx').on(t.notificationId, t.channelId),
    index('notification_outbox_due_idx').on(t.status, t.nextAttemptAt),
    index('notification_outbox_channel_created_idx').on(t.channelId, t.createdAt),
    index('notification_outbox_created_idx').on(t.createdAt),
  ],
);

/**
 * The first message of an alert group in a threaded channel (Slack with a bot token): later
 * messages of the group reply in its thread. Kept in the database so a restarted hub goes on
 * threading. Since migration 0013_notify_more.
 */
export const notifyThreads = pgTable(
  'notify_threads',
  {
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    groupKey: text('group_key').notNull(),
    /** Slack's message `ts`, the thread's id. */
    threadTs: text('thread_ts').notNull(),
    /** The conversation id Slack answered (chat.update needs the id, not a #name). */
    conversation: text('conversation').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.groupKey] }),
    index('notify_threads_created_idx').on(t.createdAt),
  ],
);
