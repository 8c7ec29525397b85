/**
 * The notification and alert-rule endpoints the settings pages use: channels, contact points,
 * the delivery log, rules, templates and the rule preview. Answers are parsed with the shared
 * zod schemas, so a hub that answers something else shows as an error, not a broken page.
 * @module
 */
import {
  type AlertBacktest,
  AlertBacktestSchema,
  AlertInstanceListSchema,
  type AlertInstanceView,
  type AlertPreview,
  AlertPreviewSchema,
  type AlertRule,
  AlertRuleListSchema,
  AlertRuleSchema,
  type AlertRuleSpecInput,
  type AlertRuleTemplate,
  AlertRuleTemplateListSchema,
  type Channel,
  type ChannelCreate,
  ChannelListSchema,
  type ChannelPreview,
  type ChannelPreviewRequest,
  ChannelPreviewSchema,
  ChannelSchema,
  ChannelTestResultSchema,
  ChannelTypeListSchema,
  type ChannelUpdate,
  type ContactPoint,
  type ContactPointInput,
  ContactPointListSchema,
  ContactPointSchema,
  type Delivery,
  DeliveryListSchema,
} from '@unity/shared';
import { type ApiResult, request } from './client.js';

/** Anything with zod's `safeParse`; the UI does not depend on zod itself. */
type Parser<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false } };

async function parsed<T>(call: Promise<ApiResult<unknown>>, schema: Parser<T>): Promise<ApiResult<T>> {
  const res = await call;
  if (!res.ok) return res;
  const out = schema.safeParse(res.value);
  if (out.success) return { ok: true, value: out.data };
  return {
    ok: false,
    error: {
      status: 200,
      code: 'internal',
      message: 'The hub answered something this page does not understand.',
    },
  };
}

const id = encodeURIComponent;
type List<T> = { items: T[] };
const items = <T>(res: ApiResult<List<T>>): ApiResult<T[]> =>
  res.ok ? { ok: true, value: res.value.items } : res;

export type ChannelTypeInfo = {
  type: Channel['type'];
  available: boolean;
  hint?: string;
  secretFields: string[];
};
export type ChannelTestResult = { ok: boolean; delivery: Delivery };

export const notifyApi = {
  channels: async () => items(await parsed(request('/api/channels'), ChannelListSchema)),
  channelTypes: async () =>
    items<ChannelTypeInfo>(await parsed(request('/api/channels/types'), ChannelTypeListSchema)),
  createChannel: (body: ChannelCreate) =>
    parsed<Channel>(request('/api/channels', { method: 'POST', body }), ChannelSchema),
  updateChannel: (channelId: string, body: ChannelUpdate) =>
    parsed<Channel>(request(`/api/channels/${id(channelId)}`, { method: 'PUT', body }), ChannelSchema),
  deleteChannel: (channelId: string) => request<null>(`/api/channels/${id(channelId)}`, { method: 'DELETE' }),
  /** Renders templates against a sample alert group; with a channel id, its saved ones fill the gaps. */
  previewChannel: (body: Partial<ChannelPreviewRequest>, channelId?: string) =>
    parsed<ChannelPreview>(
      request(channelId ? `/api/channels/${id(channelId)}/preview` : '/api/channels/preview', {
        method: 'POST',
        body,
      }),
      ChannelPreviewSchema,
    ),
  testChannel: (channelId: string) =>
    parsed<ChannelTestResult>(
      request(`/api/channels/${id(channelId)}/test`, { method: 'POST' }),
      ChannelTestResultSchema,
    ),

  contactPoints: async () => items(await parsed(request('/api/contact-points'), ContactPointListSchema)),
  createContactPoint: (body: ContactPointInput) =>
    parsed<ContactPoint>(request('/api/contact-points', { method: 'POST', body }), ContactPointSchema),
  updateContactPoint: (cpId: string, body: ContactPointInput) =>
    parsed<ContactPoint>(
      request(`/api/contact-points/${id(cpId)}`, { method: 'PUT', body }),
      ContactPointSchema,
    ),
  deleteContactPoint: (cpId: string) =>
    request<null>(`/api/contact-points/${id(cpId)}`, { method: 'DELETE' }),

  deliveries: async (limit = 50) =>
    items<Delivery>(await parsed(request(`/api/notifications?limit=${limit}`), DeliveryListSchema)),
};

export const rulesApi = {
  rules: async () => items<AlertRule>(await parsed(request('/api/alert-rules'), AlertRuleListSchema)),
  templates: async () =>
    items<AlertRuleTemplate>(await parsed(request('/api/alert-rule-templates'), AlertRuleTemplateListSchema)),
  alerts: async () => items<AlertInstanceView>(await parsed(request('/api/alerts'), AlertInstanceListSchema)),
  createRule: (body: AlertRuleSpecInput) =>
    parsed<AlertRule>(request('/api/alert-rules', { method: 'POST', body }), AlertRuleSchema),
  updateRule: (ruleId: string, body: AlertRuleSpecInput) =>
    parsed<AlertRule>(request(`/api/alert-rules/${id(ruleId)}`, { method: 'PUT', body }), AlertRuleSchema),
  deleteRule: (ruleId: string) => request<null>(`/api/alert-rules/${id(ruleId)}`, { method: 'DELETE' }),
  preview: (rule: AlertRuleSpecInput, signal?: AbortSignal) =>
    parsed<AlertPreview>(
      request('/api/alert-rules/preview', { method: 'POST', body: { rule }, ...(signal ? { signal } : {}) }),
      AlertPreviewSchema,
    ),
  backtest: (rule: AlertRuleSpecInput, days = 7) =>
    parsed<AlertBacktest>(
      request('/api/alert-rules/backtest', { method: 'POST', body: { rule, days } }),
      AlertBacktestSchema,
    ),
};
