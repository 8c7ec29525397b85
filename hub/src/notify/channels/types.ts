/**
 * What a channel module is: a sender that turns one notification into the provider's request
 * and says how it went. Senders never throw for a failed delivery; they answer a result the
 * outbox worker acts on (deliver, retry later, give up).
 * @module
 */
import type { ChannelTemplates, ChannelType, Notification, SettingsOf } from '@unity/shared';

/** A chart image to attach (email), rendered for the alert's metric. */
export type ChartImage = { png: Buffer; width: number; height: number; title: string };

/**
 * Where threaded channels (Slack with a bot token) keep the id of an alert group's first
 * message, so later messages of the group reply to it, also after a hub restart.
 */
export type ThreadRef = { ts: string; channel: string };
export interface ThreadStore {
  get(channelId: string, groupKey: string): Promise<ThreadRef | undefined>;
  set(channelId: string, groupKey: string, ref: ThreadRef): Promise<void>;
  /** The group resolved: its next firing starts a new thread. */
  delete(channelId: string, groupKey: string): Promise<void>;
  /** Runs `fn` alone for this group and channel (two messages must not both start a thread). */
  serial<T>(channelId: string, groupKey: string, fn: () => Promise<T>): Promise<T>;
}

export type SendContext = {
  /** With the channel's title and body templates already applied. */
  notification: Notification;
  channelId?: string;
  /** The channel's templates (email renders its HTML one with the chart). */
  templates?: ChannelTemplates;
  /** True when `notification.body` is the channel's own body template. */
  customBody?: boolean;
  /** The chart of the alert's metric over the last hour, when it has one. */
  chart?: (n: Notification) => Promise<ChartImage | undefined>;
  threads?: ThreadStore;
  /** The channel's name (Alertmanager's `receiver`). */
  channelName: string;
  /** Stable per notification and channel; passed to providers that de-duplicate on it. */
  idempotencyKey: string;
  /** Aborts the request when the attempt's time is up or the hub stops. */
  signal: AbortSignal;
  fetch: typeof fetch;
  /** The hub's public URL, for links and as a sender's name. */
  publicUrl: string;
  /** The Apprise CLI. */
  appriseCommand: string;
  timeoutMs: number;
};

export type SendResult =
  | { ok: true }
  | {
      ok: false;
      /** True when retrying cannot help (bad request, revoked token, unknown room). */
      permanent: boolean;
      /** Short, without secrets: it is stored and shown in the delivery log. */
      error: string;
      /** What the provider asked for (Retry-After, retry_after), ms. */
      retryAfterMs?: number;
    };

export type ChannelSender<T extends ChannelType> = (
  settings: SettingsOf<T>,
  ctx: SendContext,
) => Promise<SendResult>;

export type SenderRegistry = { readonly [T in ChannelType]: ChannelSender<T> };

/** A request as the provider documents it: built by a pure function, sent by http.ts. */
export type HttpRequest = {
  method: 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body: string;
};
