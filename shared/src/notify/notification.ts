/**
 * The contract between alerting (which decides what to say and when) and notification channels
 * (which say it): a notification is one group of alerts, as Alertmanager's webhook payload
 * carries it, plus a rendered title and body for channels that only take text.
 * @module
 */
import { z } from 'zod';

export const AlertSeveritySchema = z.enum(['critical', 'warning', 'info']);
export type AlertSeverity = z.infer<typeof AlertSeveritySchema>;

export const AlertStatusSchema = z.enum(['firing', 'resolved']);
export type AlertStatus = z.infer<typeof AlertStatusSchema>;

const LabelsSchema = z.record(z.string(), z.string());

/** One alert instance inside a notification. */
export const NotifiedAlertSchema = z.object({
  /** Stable hash of the rule id and the instance's labels. */
  fingerprint: z.string(),
  status: AlertStatusSchema,
  ruleId: z.string(),
  ruleName: z.string(),
  severity: AlertSeveritySchema,
  labels: LabelsSchema,
  /** summary, description, runbook_url, … already rendered from the rule's templates. */
  annotations: LabelsSchema,
  /** The condition's value when the notification was built (at resolve time for resolved). */
  value: z.number().nullable(),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime().nullable(),
  /** Absolute link to the object's page in the UI. */
  url: z.string(),
});
export type NotifiedAlert = z.infer<typeof NotifiedAlertSchema>;

/** One message for a contact point: a group of alerts that share the route's group_by labels. */
export const NotificationSchema = z.object({
  /** Idempotency key: the same id is never delivered twice to the same channel. */
  id: z.string(),
  groupKey: z.string(),
  /** firing when any alert of the group fires. */
  status: AlertStatusSchema,
  /** The highest severity in the group. */
  severity: AlertSeveritySchema,
  title: z.string(),
  /** Plain text, for channels that take no structure (SMS, ntfy, Apprise). */
  body: z.string(),
  groupLabels: LabelsSchema,
  commonLabels: LabelsSchema,
  commonAnnotations: LabelsSchema,
  alerts: z.array(NotifiedAlertSchema),
  /** Absolute link to the alert list in the UI. */
  url: z.string(),
  /** Set on "send test notification": channels may mark the message as a test. */
  test: z.boolean().optional(),
  /**
   * Set on the message that says the group was acknowledged in Unity; only channels with an
   * acknowledge action of their own (PagerDuty) are sent it.
   */
  acknowledged: z.object({ by: z.string(), at: z.iso.datetime() }).optional(),
});
export type Notification = z.infer<typeof NotificationSchema>;

/**
 * Where alerting hands a notification over. `enqueue` resolves once the notification is stored
 * durably for every channel of the contact point (delivery, retries and rate limits happen
 * after), and rejects with a clear error when the contact point does not exist.
 */
export interface NotificationSink {
  enqueue(contactPointId: string, notification: Notification): Promise<void>;
  /**
   * The group of `notification` was acknowledged: channels of the contact point that can say so
   * to their service (PagerDuty's `acknowledge`) are sent it; others are left alone.
   */
  acknowledge?(contactPointId: string, notification: Notification): Promise<void>;
}
