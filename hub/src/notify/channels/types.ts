/**
 * What a channel module is: a sender that turns one notification into the provider's request
 * and says how it went. Senders never throw for a failed delivery; they answer a result the
 * outbox worker acts on (deliver, retry later, give up).
 * @module
 */
import type { ChannelType, Notification, SettingsOf } from '@unity/shared';

export type SendContext = {
  notification: Notification;
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
