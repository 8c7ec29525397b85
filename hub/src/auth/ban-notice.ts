/**
 * "A notification on bans": a new brute-force ban is announced like an alert, through the
 * notification policy, so whoever receives the hub's alerts hears of it and a route can send it
 * elsewhere (match `alertname="Sign-in ban"` or `source="security"`). It is one firing message
 * per ban, with no resolve: the ban ends by itself, and an admin lifts it in the UI.
 * @module
 */
import type { Ban, NotificationSink, NotifiedAlert } from '@unity/shared';
import { buildNotification, routingLabels } from '../alerts/route/message.js';
import { compilePolicy, matchRoutes } from '../alerts/route/policy.js';
import { getPolicy } from '../alerts/route/store.js';
import type { Db } from '../db/client.js';

export const BAN_ALERT_NAME = 'Sign-in ban';

const SCOPE_TEXT: Record<string, string> = {
  signin: 'sign-in',
  enroll: 'agent enrollment',
  'api-key': 'API key',
};

/** The ban as one alert: labels for routing, a summary a person reads on a phone. */
export function banAlert(ban: Ban, publicUrl: string): NotifiedAlert {
  const base = publicUrl.replace(/\/+$/, '');
  const what = SCOPE_TEXT[ban.scope] ?? ban.scope;
  const who = ban.account ? `account "${ban.account}" from ${ban.ip}` : `address ${ban.ip}`;
  return {
    fingerprint: `ban:${ban.id}`,
    status: 'firing',
    ruleId: 'security.ban',
    ruleName: BAN_ALERT_NAME,
    severity: 'warning',
    labels: {
      alertname: BAN_ALERT_NAME,
      source: 'security',
      scope: ban.scope,
      ip: ban.ip,
      ...(ban.account ? { account: ban.account } : {}),
    },
    annotations: {
      summary: `${ban.failures} failed ${what} attempts: ${who} banned until ${new Date(ban.expiresAt).toISOString()}`,
    },
    value: ban.failures,
    startsAt: new Date(ban.createdAt).toISOString(),
    endsAt: null,
    url: `${base}/settings/audit-log`,
  };
}

/**
 * Hands the ban's notification to the contact point of every route it matches; resolves once
 * each is stored in the outbox. Returns the contact points it went to (none when the matching
 * routes have no contact point).
 */
export async function announceBan(
  deps: { db: Db; sink: NotificationSink; publicUrl: string },
  ban: Ban,
): Promise<string[]> {
  const alert = banAlert(ban, deps.publicUrl);
  const { policy } = await getPolicy(deps.db);
  const routes = matchRoutes(compilePolicy(policy), routingLabels(alert));
  const contactPoints = [...new Set(routes.flatMap((r) => (r.contactPointId ? [r.contactPointId] : [])))];
  for (const contactPointId of contactPoints) {
    const notification = buildNotification({
      groupKey: `security-ban/${ban.id}/${contactPointId}`,
      seq: 1,
      groupLabels: { alertname: BAN_ALERT_NAME },
      firing: [alert],
      resolved: [],
      url: alert.url,
    });
    await deps.sink.enqueue(contactPointId, notification);
  }
  return contactPoints;
}
