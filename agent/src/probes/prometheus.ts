/**
 * Prometheus scrape probe: fetches a `/metrics` endpoint over node:http/https (the agent carries
 * no HTTP client library; see util/node-http.ts for why not undici), asks for OpenMetrics first
 * and the text format second (the Accept header Prometheus itself sends), parses what came back
 * by its Content-Type, and keeps the series the probe selects, at most `maxSeries` in exposition
 * order. Up when the answer is 200 and parses; a parse error is down with its line number.
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createGunzip } from 'node:zlib';
import type { PrometheusProbe, ScrapedSample } from '@unity/shared';
import { http } from '../util/node-http.js';
import type { HttpCheckOptions } from './http.js';
import { type ExpositionFormat, type ParsedSample, parseExposition } from './prometheus-parse.js';
import { type Observation, since } from './types.js';

/** Prometheus's own scrape Accept header (OpenMetrics preferred, the text format accepted). */
export const SCRAPE_ACCEPT =
  'application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** Bigger expositions are refused rather than read into memory. */
const MAX_BODY = 16 * 1024 * 1024;

/** The samples of one result must fit an agent frame (1 MiB) beside the result's other fields. */
const MAX_SAMPLES_BYTES = 800 * 1024;

export type Selection = {
  samples: ScrapedSample[];
  /** Samples the allow-list kept. */
  matched: number;
  /** Matched samples left out by the cap (or the frame budget). */
  dropped: number;
  /** Matched samples with NaN or ±Inf values, which are not stored. */
  nonFinite: number;
};

/** The samples the probe's allow-list keeps, capped; pure. */
export function selectSamples(
  samples: readonly ParsedSample[],
  probe: Pick<PrometheusProbe, 'metrics' | 'labels' | 'maxSeries'>,
): Selection {
  // Anchored like Prometheus's relabelling regexes: `http_.*` does not match `xhttp_a`.
  const name = new RegExp(`^(?:${probe.metrics})$`);
  const labelMatchers = Object.entries(probe.labels).map(([k, v]) => [k, new RegExp(`^(?:${v})$`)] as const);
  const out: ScrapedSample[] = [];
  let matched = 0;
  let dropped = 0;
  let nonFinite = 0;
  let bytes = 0;
  for (const s of samples) {
    if (!name.test(s.name)) continue;
    // A missing label matches as the empty string, as in PromQL.
    if (!labelMatchers.every(([k, re]) => re.test(s.labels[k] ?? ''))) continue;
    matched++;
    if (!Number.isFinite(s.value)) {
      nonFinite++;
      continue;
    }
    const sample: ScrapedSample = { name: s.name, labels: s.labels, value: s.value };
    if (s.ts !== undefined && s.ts > 0) sample.ts = s.ts;
    const size = JSON.stringify(sample).length + 1;
    if (out.length >= probe.maxSeries || bytes + size > MAX_SAMPLES_BYTES) {
      dropped++;
      continue;
    }
    bytes += size;
    out.push(sample);
  }
  return { samples: out, matched, dropped, nonFinite };
}

/** `application/openmetrics-text` means OpenMetrics; anything else is read as the text format. */
export const formatOf = (contentType: string | undefined): ExpositionFormat =>
  /^\s*application\/openmetrics-text/i.test(contentType ?? '') ? 'openmetrics' : 'text';

type Fetched = { status: number; contentType: string | undefined; body: string };

function fetchExposition(
  probe: PrometheusProbe,
  signal: AbortSignal,
  options: HttpCheckOptions,
): Promise<Fetched> {
  const url = new URL(probe.url);
  const headers: OutgoingHttpHeaders = {
    'user-agent': 'unity-agent-probe',
    accept: SCRAPE_ACCEPT,
    'accept-encoding': 'gzip',
    ...probe.headers,
  };
  if (probe.auth?.type === 'basic')
    headers.authorization = `Basic ${Buffer.from(`${probe.auth.username}:${probe.auth.password}`).toString('base64')}`;
  else if (probe.auth?.type === 'bearer') headers.authorization = `Bearer ${probe.auth.token}`;
  const https = url.protocol === 'https:';
  const request = https ? httpsRequest : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers,
      signal,
      agent: false,
      ...(https ? { rejectUnauthorized: !probe.ignoreTls, ...(options.ca ? { ca: options.ca } : {}) } : {}),
    });
    req.once('response', (res: IncomingMessage) => {
      const gzip = /gzip/i.test(String(res.headers['content-encoding'] ?? ''));
      const stream = gzip ? res.pipe(createGunzip()) : res;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          res.destroy();
          reject(new Error(`exposition larger than ${MAX_BODY / 1024 / 1024} MiB`));
          return;
        }
        chunks.push(chunk);
      });
      stream.once('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      stream.on('error', reject);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function checkPrometheus(
  probe: PrometheusProbe,
  signal: AbortSignal,
  options: HttpCheckOptions = {},
): Promise<Observation> {
  const start = performance.now();
  const fetched = await fetchExposition(probe, signal, options);
  const latencyMs = since(start);
  const context = { STATUS: fetched.status, RESPONSE_TIME: latencyMs, CONNECTED: true };
  if (fetched.status !== 200)
    return {
      ok: false,
      error: `status ${fetched.status}, expected 200`,
      latencyMs,
      status: fetched.status,
      context,
    };
  const format = formatOf(fetched.contentType);
  const parsed = parseExposition(fetched.body, format);
  if (!parsed.ok) {
    const { line, message } = parsed.error;
    return {
      ok: false,
      error: `${format === 'openmetrics' ? 'OpenMetrics' : 'exposition'} parse error at line ${line}: ${message}`,
      latencyMs,
      status: fetched.status,
      details: { format },
      context,
    };
  }
  const selection = selectSamples(parsed.value.samples, probe);
  return {
    ok: true,
    latencyMs,
    status: fetched.status,
    details: {
      format,
      parsed: parsed.value.samples.length,
      matched: selection.matched,
      series: selection.samples.length,
      dropped: selection.dropped,
      nonFinite: selection.nonFinite,
    },
    samples: selection.samples,
    context: { ...context, SERIES: selection.samples.length },
  };
}
