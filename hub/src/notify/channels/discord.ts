/**
 * Discord webhook with one embed (docs: discord.com/developers/docs/resources/webhook#execute-webhook,
 * /resources/message#embed-object-embed-limits), its colour by state and severity. Mentions go in
 * `content` and ping only while firing; without them no mention in alert text can ping anyone
 * (`allowed_mentions.parse` empty).
 * @module
 */
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, sendHttp } from './http.js';
import { alertLine, colorNumber, stateColor, stateLabel, summaryOf, titleOf, truncate } from './render.js';
import type { ChannelSender, HttpRequest, SendResult } from './types.js';

export function buildDiscordRequest(s: SettingsOf<'discord'>, n: Notification): HttpRequest {
  const mention = s.mentions && n.status === 'firing' ? s.mentions : undefined;
  const fields = n.alerts.slice(0, 25).map((a) => ({
    name: truncate(`${a.status === 'firing' ? '🔥' : '✅'} ${summaryOf(a)}`, 256),
    value: truncate(`${alertLine(a)}\n${a.url}`, 1024),
    inline: false,
  }));
  return jsonRequest(s.url, {
    ...(mention ? { content: mention } : {}),
    ...(s.username ? { username: s.username } : {}),
    ...(s.avatarUrl ? { avatar_url: s.avatarUrl } : {}),
    embeds: [
      {
        title: truncate(titleOf(n), 256),
        description: truncate(n.body, 4096),
        url: n.url,
        color: colorNumber(stateColor(n)),
        fields,
        footer: { text: `Unity · ${stateLabel(n)}` },
        timestamp: n.alerts[0]?.startsAt ?? new Date().toISOString(),
      },
    ],
    allowed_mentions: mention ? { parse: ['users', 'roles', 'everyone'] } : { parse: [] },
  });
}

/** Discord's 429 body says `retry_after` in seconds (float), sometimes finer than the header. */
function check(status: number, body: string): SendResult | undefined {
  if (status !== 429) return undefined;
  try {
    const retry = (JSON.parse(body) as { retry_after?: number }).retry_after;
    if (typeof retry === 'number') {
      return {
        ok: false,
        permanent: false,
        error: 'discord rate limit (429)',
        retryAfterMs: Math.ceil(retry * 1000),
      };
    }
  } catch {
    // fall back to the header
  }
  return undefined;
}

export const sendDiscord: ChannelSender<'discord'> = (s, ctx) =>
  sendHttp(buildDiscordRequest(s, ctx.notification), ctx, check);
