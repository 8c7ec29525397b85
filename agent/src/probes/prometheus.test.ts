/**
 * The Prometheus scrape probe against a local exposition endpoint: content negotiation (the
 * Accept header, the answer's Content-Type choosing the parser), auth, gzip, the allow-list and
 * cap, and the failures a user sees (a parse error with its line, a refused status).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type AgentProbe, AgentProbeSchema, type ProbeSpecInput } from '@unity/shared';
import { SCRAPE_ACCEPT } from './prometheus.js';
import { runProbe } from './run-probe.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./testing/exposition/${name}`, import.meta.url), 'utf8');

const probe = (spec: Partial<ProbeSpecInput> & { url: string }): AgentProbe =>
  AgentProbeSchema.parse({
    kind: 'prometheus',
    name: 'scrape',
    ...spec,
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  });

describe('Prometheus scrape probe against a local /metrics endpoint', () => {
  let base = '';
  const seen: IncomingMessage['headers'][] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.headers);
    const send = (type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
      res.writeHead(200, { 'content-type': type, ...extra });
      res.end(body);
    };
    switch (req.url) {
      case '/metrics':
        return send('text/plain; version=0.0.4; charset=utf-8', fixture('text-format.prom'));
      case '/openmetrics':
        return send('application/openmetrics-text; version=1.0.0; charset=utf-8', fixture('openmetrics.om'));
      case '/gzip':
        return send('text/plain; version=0.0.4', gzipSync(fixture('text-format.prom')), {
          'content-encoding': 'gzip',
        });
      case '/broken':
        return send('text/plain; version=0.0.4', fixture('malformed.prom'));
      case '/secret':
        if (req.headers.authorization !== `Basic ${Buffer.from('prom:s3cret').toString('base64')}`) {
          res.writeHead(401).end('who are you?');
          return;
        }
        return send('text/plain', 'up{job="x"} 1\n');
      default:
        res.writeHead(404).end();
    }
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('scrapes the text format: up, with latency, the selected series and the dropped count', async () => {
    const r = await runProbe(
      probe({ url: `${base}/metrics`, metrics: 'http_request_duration_seconds_.*', maxSeries: 3 }),
    );
    assert.equal(r.ok, true, r.error);
    assert.equal(r.status, 200);
    assert.ok((r.latencyMs ?? -1) >= 0);
    assert.equal(seen.at(-1)?.accept, SCRAPE_ACCEPT);
    assert.deepEqual(
      r.samples?.map((s) => `${s.name}{le=${s.labels.le}} ${s.value}`),
      [
        'http_request_duration_seconds_bucket{le=0.05} 24054',
        'http_request_duration_seconds_bucket{le=0.1} 33444',
        'http_request_duration_seconds_bucket{le=0.2} 100392',
      ],
    );
    assert.deepEqual(r.details, {
      format: 'text',
      parsed: 18,
      matched: 6,
      series: 3,
      dropped: 3,
      nonFinite: 0,
    });
  });

  it('reads OpenMetrics when the server answers with it, exposition timestamps kept', async () => {
    const r = await runProbe(probe({ url: `${base}/openmetrics`, metrics: 'build_info|go_goroutines' }));
    assert.equal(r.ok, true, r.error);
    assert.equal(r.details?.format, 'openmetrics');
    assert.deepEqual(r.samples, [
      { name: 'go_goroutines', labels: {}, value: 69 },
      {
        name: 'build_info',
        labels: { version: '1.2.3', quote: 'a "quoted" \\ value' },
        value: 1,
        ts: 1520879607789,
      },
    ]);
  });

  it('filters by label matchers and decompresses gzip', async () => {
    const r = await runProbe(probe({ url: `${base}/gzip`, labels: { quantile: '0\\.(01|5)' } }));
    assert.equal(r.ok, true, r.error);
    assert.deepEqual(
      r.samples?.map((s) => s.labels.quantile),
      ['0.01', '0.5'],
    );
  });

  it('is down with the line of a parse error, and stores nothing', async () => {
    const r = await runProbe(probe({ url: `${base}/broken` }));
    assert.equal(r.ok, false);
    assert.equal(r.error, "exposition parse error at line 6: expected ',' or '}' at column 20");
    assert.equal(r.samples, undefined);
  });

  it('sends basic auth, and is down with the status when refused', async () => {
    const refused = await runProbe(probe({ url: `${base}/secret` }));
    assert.equal(refused.ok, false);
    assert.equal(refused.error, 'status 401, expected 200');
    const r = await runProbe(
      probe({ url: `${base}/secret`, auth: { type: 'basic', username: 'prom', password: 's3cret' } }),
    );
    assert.equal(r.ok, true, r.error);
    assert.deepEqual(r.samples, [{ name: 'up', labels: { job: 'x' }, value: 1 }]);
  });

  it('lets conditions read [SERIES]: an allow-list that keeps nothing can fail the run', async () => {
    const empty = await runProbe(
      probe({ url: `${base}/metrics`, metrics: 'nothing_.*', conditions: '[SERIES] > 0' }),
    );
    assert.equal(empty.ok, false);
    assert.equal(empty.error, 'condition not met: [SERIES] > 0');
    const some = await runProbe(
      probe({ url: `${base}/metrics`, metrics: 'go_.*', conditions: '[SERIES] > 0' }),
    );
    assert.equal(some.ok, true, some.error);
  });

  it('is down when nothing listens', async () => {
    const r = await runProbe(probe({ url: 'http://127.0.0.1:1/metrics', timeoutSeconds: 2 }));
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /ECONNREFUSED/);
  });
});

describe('prometheus probe definition', () => {
  it('refuses a bad regex, a bad label name and a cap above the hard maximum', () => {
    const bad = (extra: Record<string, unknown>) =>
      AgentProbeSchema.safeParse({
        kind: 'prometheus',
        name: 'x',
        url: 'http://127.0.0.1/metrics',
        id: randomUUID(),
        createdAt: '',
        updatedAt: '',
        ...extra,
      }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    assert.deepEqual(bad({ metrics: '(' }), ['metrics: must be a valid regular expression']);
    assert.equal(bad({ labels: { 'bad-name': 'x' } })?.length, 1);
    assert.equal(bad({ maxSeries: 5001 })?.length, 1);
    assert.equal(bad({}), undefined);
  });
});
