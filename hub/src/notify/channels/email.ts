/**
 * Email over SMTP (nodemailer): TLS from the first byte, STARTTLS required, or plain; optional
 * AUTH. The subject is the title; the message has a text and an HTML part. Its Message-ID comes
 * from the delivery's idempotency key (a retried send is recognisable), and every message of one
 * alert group references the same id, so mail clients thread a group's firing and resolved mails.
 *
 * The channel's templates, when set, give the subject, the text part and the HTML part. An alert
 * about a metric carries a PNG chart of it over the last hour, attached inline (Content-ID, RFC
 * 2392) and shown by the HTML part (`{{chart_html}}` in an HTML template).
 * @module
 */
import { createHash } from 'node:crypto';
import type { Notification, SettingsOf } from '@unity/shared';
import { createTransport } from 'nodemailer';
import { notificationVars, renderTemplate } from '../templates/variables.js';
import { alertLine, escapeHtml, formatValue, stateColor, stateLabel, summaryOf, titleOf } from './render.js';
import type { ChannelSender, ChartImage, SendContext, SendResult } from './types.js';

const idPart = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

export function emailSubject(s: SettingsOf<'email'>, n: Notification): string {
  const prefix = s.subjectPrefix ? `${s.subjectPrefix} ` : '';
  return `${prefix}${titleOf(n)}`.replace(/[\r\n]+/g, ' ');
}

export function emailText(n: Notification): string {
  const lines = [`${stateLabel(n)}: ${titleOf(n)}`, '', n.body, ''];
  for (const a of n.alerts) {
    lines.push(alertLine(a));
    if (a.annotations.description) lines.push(`  ${a.annotations.description}`);
    lines.push(`  ${a.url}`);
  }
  lines.push('', `Open in Unity: ${n.url}`);
  return lines.join('\n');
}

/** The `<img>` that shows an inline attachment by its Content-ID. */
export function chartImg(cid: string, chart: ChartImage): string {
  return `<img src="cid:${escapeHtml(cid)}" alt="${escapeHtml(chart.title)}" width="${chart.width}" height="${chart.height}" style="max-width:100%;height:auto">`;
}

export function emailHtml(n: Notification, chartHtml = ''): string {
  const rows = n.alerts
    .map((a) => {
      const labels = Object.entries(a.labels)
        .map(([k, v]) => `<code>${escapeHtml(k)}=${escapeHtml(v)}</code>`)
        .join(' ');
      return `<tr><td style="padding:6px 8px;border-top:1px solid #ddd"><b>${escapeHtml(a.status)}</b></td><td style="padding:6px 8px;border-top:1px solid #ddd"><a href="${escapeHtml(a.url)}">${escapeHtml(summaryOf(a))}</a>${a.annotations.description ? `<br>${escapeHtml(a.annotations.description)}` : ''}<br><small>${labels}</small></td><td style="padding:6px 8px;border-top:1px solid #ddd">${escapeHtml(formatValue(a.value))}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html><body style="font-family:sans-serif">
<div style="border-left:6px solid ${stateColor(n)};padding:4px 12px">
<h2 style="margin:4px 0">${escapeHtml(titleOf(n))}</h2>
<p style="margin:4px 0;color:#555">${escapeHtml(stateLabel(n))}</p>
</div>
<p style="white-space:pre-wrap">${escapeHtml(n.body)}</p>
${chartHtml ? `<p>${chartHtml}</p>\n` : ''}<table style="border-collapse:collapse">${rows}</table>
<p><a href="${escapeHtml(n.url)}">Open in Unity</a></p>
</body></html>`;
}

/** What an SMTP connection needs: a channel's settings, or the hub's own (UNITY_SMTP_*). */
export type SmtpSettings = Pick<
  SettingsOf<'email'>,
  'host' | 'port' | 'security' | 'username' | 'password' | 'verifyCertificate'
>;

/** A nodemailer transport (the hub's mailed sign-in codes use it too; auth/email-codes/). */
export function smtpTransport(s: SmtpSettings, timeoutMs: number) {
  return createTransport({
    host: s.host,
    port: s.port,
    secure: s.security === 'tls',
    requireTLS: s.security === 'starttls',
    ignoreTLS: s.security === 'none',
    ...(s.username ? { auth: { user: s.username, pass: s.password ?? '' } } : {}),
    tls: { rejectUnauthorized: s.verifyCertificate },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

/** SMTP reply codes: 5xx is permanent (RFC 5321 §4.2.1), 4xx and connection trouble are not. */
function classify(error: unknown): SendResult {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  // A refused login stays refused; otherwise the reply code decides (503 is "bad sequence",
  // nodemailer's own rule too), and an envelope refused without one (no recipient) is final.
  const permanent =
    e.code === 'EAUTH' ||
    (e.responseCode !== undefined ? e.responseCode >= 500 && e.responseCode !== 503 : e.code === 'EENVELOPE');
  const reason = (e.response ?? e.message ?? String(error)).replace(/\s+/g, ' ').slice(0, 200);
  return {
    ok: false,
    permanent,
    error: `SMTP ${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${reason}`,
  };
}

/** The chart, or nothing when there is none or it cannot be drawn (the mail goes without it). */
async function chartOf(ctx: SendContext): Promise<ChartImage | undefined> {
  if (!ctx.chart || ctx.notification.test) return undefined;
  try {
    return await ctx.chart(ctx.notification);
  } catch {
    return undefined;
  }
}

export const sendEmail: ChannelSender<'email'> = async (s, ctx) => {
  const n = ctx.notification;
  const chart = await chartOf(ctx);
  const transport = smtpTransport(s, ctx.timeoutMs);
  const domain = s.from.split('@').pop()?.replace(/[>\s]/g, '') || 'unity.local';
  const group = `<group-${idPart(n.groupKey)}@${domain}>`;
  const cid = `chart-${idPart(ctx.idempotencyKey)}@${domain}`;
  const chartHtml = chart ? chartImg(cid, chart) : '';
  const html = ctx.templates?.html
    ? renderTemplate(
        ctx.templates.html,
        notificationVars({
          notification: n,
          receiver: ctx.channelName,
          publicUrl: ctx.publicUrl,
          extra: { chart_html: chartHtml },
        }),
        'html',
      )
    : emailHtml(n, chartHtml);
  try {
    await transport.sendMail({
      from: s.from,
      to: s.to,
      subject: emailSubject(s, n),
      text: ctx.customBody ? n.body : emailText(n),
      html,
      ...(chart
        ? {
            attachments: [
              {
                filename: 'chart.png',
                content: chart.png,
                contentType: 'image/png',
                cid,
                contentDisposition: 'inline' as const,
              },
            ],
          }
        : {}),
      messageId: `<${idPart(ctx.idempotencyKey)}@${domain}>`,
      references: group,
      inReplyTo: group,
      headers: {
        'X-Unity-Notification-Id': n.id,
        'X-Unity-Status': n.status,
        'X-Unity-Severity': n.severity,
      },
    });
    return { ok: true };
  } catch (error) {
    return classify(error);
  } finally {
    transport.close();
  }
};
