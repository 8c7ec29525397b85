/**
 * The alert routing endpoints the UI uses: the dispatcher's current groups and acks, silences,
 * the notification policy tree, time intervals, inhibition rules and escalation chains. Answers
 * are parsed with the shared zod schemas, so a page never renders a shape it did not expect.
 * @module
 */
import {
  AcknowledgementSchema,
  type AckRequest,
  AlertGroupSchema,
  type EscalationChainInput,
  EscalationChainSchema,
  type InhibitionRuleInput,
  InhibitionRuleSchema,
  type NotificationPolicy,
  NotificationPolicyResponseSchema,
  type SilenceCreate,
  SilenceSchema,
  type TimeInterval,
  TimeIntervalSchema,
  type TimeIntervalSpec,
} from '@unity/shared';
import { type ApiResult, request } from './client.js';

/** What the UI needs of a zod schema (the UI does not depend on zod itself). */
export type Schema<T> = { safeParse(value: unknown): { success: true; data: T } | { success: false } };

const id = encodeURIComponent;

/** `{items: T[]}` checked item by item. */
const list = <T>(item: Schema<T>): Schema<{ items: T[] }> => ({
  safeParse(value) {
    const items = (value as { items?: unknown } | null)?.items;
    if (!Array.isArray(items)) return { success: false };
    const out: T[] = [];
    for (const raw of items) {
      const one = item.safeParse(raw);
      if (!one.success) return { success: false };
      out.push(one.data);
    }
    return { success: true, data: { items: out } };
  },
});

/** For answers the page does not read (204, or a tree it reloads anyway). */
const nothing: Schema<unknown> = { safeParse: (value) => ({ success: true, data: value }) };

/** A request whose answer is checked against `schema`; a mismatch is reported, not rendered. */
export async function parsed<T>(schema: Schema<T>, call: Promise<ApiResult<unknown>>): Promise<ApiResult<T>> {
  const res = await call;
  if (!res.ok) return res;
  const out = schema.safeParse(res.value);
  if (out.success) return { ok: true, value: out.data };
  return {
    ok: false,
    error: {
      status: 200,
      code: 'internal',
      message: 'The hub answered with data this page does not understand.',
    },
  };
}

export const alertRoutingApi = {
  groups: () => parsed(list(AlertGroupSchema), request('/api/alert-groups')),
  ack: (fingerprint: string, body: AckRequest = {}) =>
    parsed(AcknowledgementSchema, request(`/api/alerts/${id(fingerprint)}/ack`, { method: 'POST', body })),

  silences: () => parsed(list(SilenceSchema), request('/api/silences')),
  createSilence: (body: SilenceCreate) =>
    parsed(SilenceSchema, request('/api/silences', { method: 'POST', body })),
  expireSilence: (silenceId: string) =>
    parsed(SilenceSchema, request(`/api/silences/${id(silenceId)}`, { method: 'DELETE' })),

  policy: () => parsed(NotificationPolicyResponseSchema, request('/api/notification-policy')),
  savePolicy: (policy: NotificationPolicy) =>
    parsed(nothing, request('/api/notification-policy', { method: 'PUT', body: policy })),

  timeIntervals: () => parsed(list(TimeIntervalSchema), request('/api/time-intervals')),
  createTimeInterval: (body: TimeInterval) =>
    parsed(TimeIntervalSchema, request('/api/time-intervals', { method: 'POST', body })),
  updateTimeInterval: (name: string, timeIntervals: TimeIntervalSpec[]) =>
    parsed(
      TimeIntervalSchema,
      request(`/api/time-intervals/${id(name)}`, { method: 'PUT', body: { timeIntervals } }),
    ),
  deleteTimeInterval: (name: string) =>
    parsed(nothing, request(`/api/time-intervals/${id(name)}`, { method: 'DELETE' })),

  inhibitionRules: () => parsed(list(InhibitionRuleSchema), request('/api/inhibition-rules')),
  createInhibitionRule: (body: InhibitionRuleInput) =>
    parsed(InhibitionRuleSchema, request('/api/inhibition-rules', { method: 'POST', body })),
  deleteInhibitionRule: (ruleId: string) =>
    parsed(nothing, request(`/api/inhibition-rules/${id(ruleId)}`, { method: 'DELETE' })),

  escalationChains: () => parsed(list(EscalationChainSchema), request('/api/escalation-chains')),
  createEscalationChain: (body: EscalationChainInput) =>
    parsed(EscalationChainSchema, request('/api/escalation-chains', { method: 'POST', body })),
  deleteEscalationChain: (chainId: string) =>
    parsed(nothing, request(`/api/escalation-chains/${id(chainId)}`, { method: 'DELETE' })),
};
