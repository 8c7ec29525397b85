/**
 * Every channel type's sender, by type. The mapped type makes a missing type a compile error.
 * @module
 */
import type { ChannelSettings } from '@unity/shared';
import { sendApprise } from './apprise.js';
import { sendGoogleChat, sendMattermost, sendRocketChat } from './chat-webhooks.js';
import { sendDiscord } from './discord.js';
import { sendEmail } from './email.js';
import { sendGotify } from './gotify.js';
import { sendMatrix } from './matrix.js';
import { sendNtfy } from './ntfy.js';
import { sendOpsgenie } from './opsgenie.js';
import { sendPagerDuty } from './pagerduty.js';
import { sendPushover } from './pushover.js';
import { sendSlack } from './slack.js';
import { sendSignal, sendTwilio } from './sms.js';
import { sendTeams } from './teams.js';
import { sendTelegram } from './telegram.js';
import type { ChannelSender, SendContext, SenderRegistry, SendResult } from './types.js';
import { sendWebhook } from './webhook.js';

export const SENDERS: SenderRegistry = {
  webhook: sendWebhook,
  email: sendEmail,
  slack: sendSlack,
  discord: sendDiscord,
  telegram: sendTelegram,
  ntfy: sendNtfy,
  gotify: sendGotify,
  pushover: sendPushover,
  teams: sendTeams,
  matrix: sendMatrix,
  pagerduty: sendPagerDuty,
  opsgenie: sendOpsgenie,
  mattermost: sendMattermost,
  rocketchat: sendRocketChat,
  googlechat: sendGoogleChat,
  twilio: sendTwilio,
  signal: sendSignal,
  apprise: sendApprise,
};

/** Sends with the sender of the settings' type. */
export function send(
  registry: SenderRegistry,
  settings: ChannelSettings,
  ctx: SendContext,
): Promise<SendResult> {
  const sender = registry[settings.type] as ChannelSender<typeof settings.type>;
  return sender(settings as never, ctx);
}
