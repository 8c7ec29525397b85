/**
 * Sends a provider request and classifies the answer: 2xx delivered; 408, 425, 429 and 5xx worth
 * retrying (with the provider's Retry-After, RFC 9110 §10.2.3, seconds or an HTTP date); other
 * 4xx permanent. Redirects are not followed: a webhook that moved is a configuration error, and
 * following it could carry the body and headers somewhere unintended.
 *
 * Error messages name the host only, never the URL: paths and queries of webhook URLs carry keys.
 * @module
 */
import type { HttpRequest, SendContext, SendResult } from './types.js';

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Retry-After as ms from now, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(bad URL)';
  }
}

const snippet = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 200);

export type ResponseCheck = (status: number, body: string, headers: Headers) => SendResult | undefined;

/**
 * Sends `req`; `check` may turn a 2xx into a failure (APIs that answer 200 with `ok: false`) or
 * add what a provider's error body says (Telegram's retry_after, Matrix's retry_after_ms).
 */
export async function sendHttp(
  req: HttpRequest,
  ctx: SendContext,
  check?: ResponseCheck,
): Promise<SendResult> {
  const host = hostOf(req.url);
  let res: Response;
  try {
    res = await ctx.fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      redirect: 'manual',
      signal: ctx.signal,
    });
  } catch (error) {
    return { ok: false, permanent: false, error: `could not reach ${host}: ${networkReason(error)}` };
  }
  let body = '';
  try {
    body = await res.text();
  } catch (error) {
    return {
      ok: false,
      permanent: false,
      error: `${host} answered ${res.status} but the body failed: ${networkReason(error)}`,
    };
  }
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  const checked = check?.(res.status, body, res.headers);
  if (checked) {
    return !checked.ok && checked.retryAfterMs === undefined && retryAfterMs !== undefined
      ? { ...checked, retryAfterMs }
      : checked;
  }
  if (res.status >= 200 && res.status < 300) return { ok: true };
  const error = `${host} answered ${res.status}${body ? `: ${snippet(body)}` : ''}`;
  if (res.status >= 300 && res.status < 400) {
    return {
      ok: false,
      permanent: true,
      error: `${host} answered ${res.status} (redirects are not followed)`,
    };
  }
  return {
    ok: false,
    permanent: !RETRYABLE.has(res.status),
    error,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** fetch's errors hide the reason in `cause` (ECONNREFUSED, a TLS error, the abort). */
export function networkReason(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}

export const jsonRequest = (
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  method: HttpRequest['method'] = 'POST',
): HttpRequest => ({
  method,
  url,
  headers: { 'content-type': 'application/json', 'user-agent': 'Unity-Hub', ...headers },
  body: JSON.stringify(body),
});
