import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type AgentProbe, AgentProbeSchema, type ProbeSpecInput } from '@unity/shared';
import { parsePing } from './ping.js';
import { runProbe } from './run-probe.js';
import { makeCa } from './testing/certs.js';
import { startDnsServer } from './testing/dns-server.js';

const probe = (spec: ProbeSpecInput): AgentProbe =>
  AgentProbeSchema.parse({
    ...spec,
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  });
const DAY = 86_400_000;

async function listen(server: {
  listen(port: number, host: string, cb: () => void): unknown;
  address(): unknown;
}) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('HTTP probe against a local server', () => {
  let base: string;
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
    switch (req.url) {
      case '/health':
        return send(200, JSON.stringify({ status: 'UP', checks: [{ name: 'db', up: true }] }));
      case '/down':
        return send(503, JSON.stringify({ status: 'DOWN' }));
      case '/hop':
        return send(302, '', { location: '/health' });
      case '/loop':
        return send(302, '', { location: '/loop' });
      case '/auth':
        return req.headers.authorization === `Basic ${Buffer.from('ops:s3cret').toString('base64')}`
          ? send(200, '{"hello":"ops"}')
          : send(401, '{}');
      case '/echo': {
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString();
        });
        req.on('end', () =>
          send(200, JSON.stringify({ method: req.method, body, token: req.headers.authorization })),
        );
        return;
      }
      case '/slow':
        setTimeout(() => send(200, '{}'), 1500);
        return;
      default:
        return send(404, 'not here');
    }
  });
  before(async () => {
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  after(() => server.close());

  it('passes a healthy endpoint and records status and latency', async () => {
    const r = await runProbe(probe({ kind: 'http', name: 'h', url: `${base}/health` }));
    assert.equal(r.ok, true, r.error);
    assert.equal(r.status, 200);
    assert.ok((r.latencyMs ?? -1) >= 0 && (r.latencyMs ?? 99999) < 1000);
  });

  it('fails an unexpected status, and accepts it when it is the expected one', async () => {
    const r = await runProbe(probe({ kind: 'http', name: 'h', url: `${base}/down` }));
    assert.equal(r.ok, false);
    assert.equal(r.error, 'status 503, expected 2xx or 3xx');
    const expected = await runProbe(
      probe({ kind: 'http', name: 'h', url: `${base}/down`, expectedStatus: [503] }),
    );
    assert.equal(expected.ok, true);
  });

  it('evaluates conditions with AND/OR over status, body paths and response time', async () => {
    const good = await runProbe(
      probe({
        kind: 'http',
        name: 'h',
        url: `${base}/health`,
        conditions:
          '[STATUS] == 200 && [RESPONSE_TIME] < 1000 && ([BODY].status == "UP" || [BODY].status == "OK") && [BODY].checks[0].up == true',
      }),
    );
    assert.equal(good.ok, true, good.error);
    const bad = await runProbe(
      probe({
        kind: 'http',
        name: 'h',
        url: `${base}/health`,
        conditions: '[BODY].checks[0].name == "cache"',
      }),
    );
    assert.equal(bad.ok, false);
    assert.equal(bad.error, 'condition not met: [BODY].checks[0].name == "cache"');
  });

  it('checks keywords and patterns, present and absent', async () => {
    const url = `${base}/health`;
    assert.equal(
      (await runProbe(probe({ kind: 'http', name: 'h', url, keyword: { text: '"UP"' } }))).ok,
      true,
    );
    const missing = await runProbe(probe({ kind: 'http', name: 'h', url, keyword: { text: 'MAINTENANCE' } }));
    assert.equal(missing.error, 'keyword "MAINTENANCE" not found');
    const absent = await runProbe(
      probe({ kind: 'http', name: 'h', url, keyword: { text: 'st[a]tus', regex: true, mode: 'absent' } }),
    );
    assert.equal(absent.error, 'pattern "st[a]tus" found');
  });

  it('follows redirects up to the limit', async () => {
    const hop = await runProbe(probe({ kind: 'http', name: 'h', url: `${base}/hop` }));
    assert.equal(hop.ok, true);
    assert.equal(hop.status, 200);
    assert.equal(hop.details?.finalUrl, `${base}/health`);
    const loop = await runProbe(probe({ kind: 'http', name: 'h', url: `${base}/loop`, maxRedirects: 3 }));
    assert.equal(loop.ok, false);
    assert.equal(loop.error, 'more than 3 redirects');
    const none = await runProbe(probe({ kind: 'http', name: 'h', url: `${base}/hop`, maxRedirects: 0 }));
    assert.equal(none.status, 302);
  });

  it('sends method, body, basic and bearer auth', async () => {
    const denied = await runProbe(probe({ kind: 'http', name: 'h', url: `${base}/auth` }));
    assert.equal(denied.status, 401);
    const basic = await runProbe(
      probe({
        kind: 'http',
        name: 'h',
        url: `${base}/auth`,
        auth: { type: 'basic', username: 'ops', password: 's3cret' },
      }),
    );
    assert.equal(basic.ok, true);
    const echo = await runProbe(
      probe({
        kind: 'http',
        name: 'h',
        url: `${base}/echo`,
        method: 'POST',
        body: 'ping=1',
        auth: { type: 'bearer', token: 'tok' },
        conditions: '[BODY].method == "POST" && [BODY].body == "ping=1" && [BODY].token == "Bearer tok"',
      }),
    );
    assert.equal(echo.ok, true, echo.error);
  });

  it('fails on a response slower than the limit, and on the timeout', async () => {
    const slow = await runProbe(probe({ kind: 'http', name: 'h', url: `${base}/slow`, maxResponseMs: 500 }));
    assert.equal(slow.ok, false);
    assert.match(slow.error ?? '', /^response took \d+ ms, more than 500 ms$/);
    const timeout = await runProbe(
      probe({ kind: 'http', name: 'h', url: `${base}/slow`, timeoutSeconds: 1 }),
    );
    assert.equal(timeout.ok, false);
    assert.equal(timeout.error, 'timed out after 1 s');
  });

  it('reports a refused connection', async () => {
    const closed = createHttpServer();
    const port = await listen(closed);
    closed.close();
    const r = await runProbe(probe({ kind: 'http', name: 'h', url: `http://127.0.0.1:${port}/` }));
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /ECONNREFUSED/);
  });
});

describe('HTTP probe connections', () => {
  it('reuses an idle connection to the same origin, and retries on a fresh one when it was dropped', async () => {
    // Raw HTTP/1.1: the first request on a connection is answered (keep-alive); while
    // `dropReused`, a second one on the same connection is cut without an answer, as a server
    // closing an idle socket just as the probe writes into it would.
    let connections = 0;
    let dropReused = false;
    const server = createTcpServer((socket) => {
      connections++;
      let served = 0;
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        while (buffered.includes('\r\n\r\n')) {
          buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
          if (served > 0 && dropReused) {
            socket.resetAndDestroy();
            return;
          }
          served++;
          socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok');
        }
      });
    });
    const port = await listen(server);
    try {
      // [IP] is the server's address on a reused connection too.
      const spec = {
        kind: 'http',
        name: 'h',
        url: `http://127.0.0.1:${port}/`,
        conditions: '[IP] == "127.0.0.1"',
      } as const;
      for (let i = 0; i < 3; i++) {
        const r = await runProbe(probe(spec));
        assert.equal(r.ok, true, r.error);
      }
      assert.equal(connections, 1, 'three runs against one origin share one connection');
      dropReused = true;
      const r = await runProbe(probe(spec));
      assert.equal(r.ok, true, r.error);
      assert.equal(connections, 2, 'the dropped request went again on a new connection');
    } finally {
      server.close();
    }
  });
});

describe('HTTPS probe: certificates', () => {
  const servers: ReturnType<typeof createHttpsServer>[] = [];
  let ca: string;
  const urls: Record<'soon' | 'wrongHost' | 'expired', string> = { soon: '', wrongHost: '', expired: '' };
  const expiries: Record<string, number> = {};
  before(async () => {
    const authority = await makeCa();
    ca = authority.cert;
    const now = Date.now();
    const specs = {
      soon: {
        commonName: '127.0.0.1',
        san: 'IP:127.0.0.1',
        notBefore: new Date(now - DAY),
        notAfter: new Date(now + 5 * DAY),
      },
      wrongHost: {
        commonName: 'other.test',
        san: 'DNS:other.test',
        notBefore: new Date(now - DAY),
        notAfter: new Date(now + 20 * DAY),
      },
      expired: {
        commonName: '127.0.0.1',
        san: 'IP:127.0.0.1',
        notBefore: new Date(now - 10 * DAY),
        notAfter: new Date(now - DAY),
      },
    };
    for (const [name, spec] of Object.entries(specs) as [keyof typeof specs, (typeof specs)['soon']][]) {
      const leaf = await authority.issue({ name, ...spec });
      const server = createHttpsServer({ key: leaf.key, cert: leaf.cert }, (_req, res) =>
        res.end('{"status":"UP"}'),
      );
      server.on('tlsClientError', () => undefined);
      server.on('clientError', (_e, socket) => socket.destroy());
      servers.push(server);
      urls[name] = `https://127.0.0.1:${await listen(server)}/`;
      expiries[name] = Math.floor(spec.notAfter.getTime() / 1000) * 1000;
    }
  });
  after(() => {
    for (const s of servers) s.close();
  });

  it('measures the days to expiry of a valid chain and fails under the threshold', async () => {
    const spec = { kind: 'http', name: 's', url: urls.soon } as const;
    const ok = await runProbe(probe(spec), { http: { ca: [ca] } });
    assert.equal(ok.ok, true, ok.error);
    assert.equal(ok.certExpiresAt, expiries.soon);
    assert.equal(ok.details?.tlsValid, true);
    const soon = await runProbe(probe({ ...spec, certExpiryDays: 14 }), { http: { ca: [ca] } });
    assert.equal(soon.ok, false);
    assert.match(soon.error ?? '', /^certificate expires in 4\.9 days \(less than 14\)$/);
    const byCondition = await runProbe(probe({ ...spec, conditions: '[CERTIFICATE_EXPIRATION] > 48h' }), {
      http: { ca: [ca] },
    });
    assert.equal(byCondition.ok, true);
    const byCondition7d = await runProbe(probe({ ...spec, conditions: '[CERTIFICATE_EXPIRATION] > 7d' }), {
      http: { ca: [ca] },
    });
    assert.equal(byCondition7d.ok, false);
  });

  it('fails an untrusted chain unless TLS is ignored', async () => {
    const untrusted = await runProbe(probe({ kind: 'http', name: 's', url: urls.soon }));
    assert.equal(untrusted.ok, false);
    assert.match(untrusted.error ?? '', /^TLS: .*(certificate|issuer)/i);
    assert.equal(untrusted.certExpiresAt, expiries.soon, 'the chain is still read');
    const ignored = await runProbe(probe({ kind: 'http', name: 's', url: urls.soon, ignoreTls: true }));
    assert.equal(ignored.ok, true);
    assert.equal(ignored.details?.tlsValid, false);
  });

  it('fails a certificate for another host name', async () => {
    const r = await runProbe(probe({ kind: 'http', name: 's', url: urls.wrongHost }), { http: { ca: [ca] } });
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /^TLS: .*(altnames|does not match)/i);
    assert.equal(r.certExpiresAt, expiries.wrongHost);
  });

  it('fails an expired certificate and reports when it expired', async () => {
    const r = await runProbe(probe({ kind: 'http', name: 's', url: urls.expired }), { http: { ca: [ca] } });
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /^TLS: certificate has expired$/);
    assert.equal(r.certExpiresAt, expiries.expired);
  });
});

describe('TCP, ping and DNS probes', () => {
  const banner = createTcpServer((socket) => {
    // The probe hangs up as soon as it has the line.
    socket.on('error', () => undefined);
    socket.end('SSH-2.0-OpenSSH_9.2p1 Debian\r\n');
  });
  let port: number;
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  before(async () => {
    port = await listen(banner);
    dns = await startDnsServer({ 'app.test': { A: ['10.0.0.7', '10.0.0.8'], TXT: ['v=spf1 -all'] } });
  });
  after(async () => {
    banner.close();
    await dns.close();
  });

  it('TCP: connects, reads and matches the banner', async () => {
    const plain = await runProbe(probe({ kind: 'tcp', name: 't', host: '127.0.0.1', port }));
    assert.equal(plain.ok, true);
    const matched = await runProbe(
      probe({ kind: 'tcp', name: 't', host: '127.0.0.1', port, banner: '^SSH-2\\.0-' }),
    );
    assert.equal(matched.ok, true);
    assert.equal(matched.details?.banner, 'SSH-2.0-OpenSSH_9.2p1 Debian');
    const wrong = await runProbe(probe({ kind: 'tcp', name: 't', host: '127.0.0.1', port, banner: '^220 ' }));
    assert.equal(wrong.ok, false);
    assert.equal(wrong.error, 'banner "SSH-2.0-OpenSSH_9.2p1 Debian" does not match ^220 ');
  });

  it('TCP: a closed port fails', async () => {
    const closed = createTcpServer();
    const free = await listen(closed);
    closed.close();
    const r = await runProbe(probe({ kind: 'tcp', name: 't', host: '127.0.0.1', port: free }));
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /ECONNREFUSED/);
  });

  it('ping: 127.0.0.1 answers every packet', async () => {
    const r = await runProbe(probe({ kind: 'ping', name: 'p', host: '127.0.0.1', count: 3 }));
    assert.equal(r.ok, true, r.error);
    assert.equal(r.details?.transmitted, 3);
    assert.equal(r.details?.lossPercent, 0);
    assert.ok(typeof r.latencyMs === 'number' && r.latencyMs < 50);
  });

  it('ping: parses loss and round trips from iputils output', () => {
    const out = `PING 10.9.9.9 (10.9.9.9) 56(84) bytes of data.\n\n--- 10.9.9.9 ping statistics ---\n4 packets transmitted, 1 received, 75% packet loss, time 3050ms\nrtt min/avg/max/mdev = 0.031/0.045/0.062/0.012 ms\n`;
    assert.deepEqual(parsePing(out), {
      transmitted: 4,
      received: 1,
      lossPercent: 75,
      min: 0.031,
      avg: 0.045,
      max: 0.062,
    });
  });

  it('DNS: answers from the chosen server, compared with the expected values', async () => {
    const a = await runProbe(
      probe({ kind: 'dns', name: 'd', query: 'app.test', server: dns.server, expected: ['10.0.0.7'] }),
    );
    assert.equal(a.ok, true, a.error);
    assert.deepEqual(a.details?.answers, ['10.0.0.7', '10.0.0.8']);
    const txt = await runProbe(
      probe({
        kind: 'dns',
        name: 'd',
        query: 'app.test',
        recordType: 'TXT',
        server: dns.server,
        expected: ['v=spf1 -all'],
      }),
    );
    assert.equal(txt.ok, true, txt.error);
    const wrong = await runProbe(
      probe({ kind: 'dns', name: 'd', query: 'app.test', server: dns.server, expected: ['10.0.0.9'] }),
    );
    assert.equal(wrong.ok, false);
    assert.equal(wrong.error, 'expected 10.0.0.9 among the answers (10.0.0.7, 10.0.0.8)');
    const missing = await runProbe(probe({ kind: 'dns', name: 'd', query: 'nope.test', server: dns.server }));
    assert.equal(missing.ok, false);
    assert.equal(missing.error, 'A nope.test: ENOTFOUND');
  });
});

describe('database probes against the real servers', () => {
  it('PostgreSQL: connects and queries; a wrong port fails', async () => {
    const r = await runProbe(
      probe({ kind: 'postgres', name: 'pg', url: 'postgres://postgres@127.0.0.1:5432/postgres' }),
    );
    assert.equal(r.ok, true, r.error);
    assert.match(String(r.details?.server), /^PostgreSQL \d+/);
    const bad = await runProbe(
      probe({
        kind: 'postgres',
        name: 'pg',
        url: 'postgres://postgres@127.0.0.1:1/postgres',
        timeoutSeconds: 3,
      }),
    );
    assert.equal(bad.ok, false);
  });

  it('MariaDB: handshake as root without a password and SELECT 1', async () => {
    const r = await runProbe(probe({ kind: 'mysql', name: 'my', url: 'mysql://root@127.0.0.1:3306/' }));
    assert.equal(r.ok, true, r.error);
    assert.match(String(r.details?.server), /MariaDB|^\d+\.\d+/);
    const denied = await runProbe(
      probe({ kind: 'mysql', name: 'my', url: 'mysql://nobody:wrong@127.0.0.1:3306/' }),
    );
    assert.equal(denied.ok, false);
    assert.match(denied.error ?? '', /Access denied/);
  });

  it('Redis: PING answers PONG; a wrong database fails', async () => {
    const r = await runProbe(probe({ kind: 'redis', name: 'r', url: 'redis://127.0.0.1:6379' }));
    assert.equal(r.ok, true, r.error);
    const bad = await runProbe(probe({ kind: 'redis', name: 'r', url: 'redis://127.0.0.1:6379/99999' }));
    assert.equal(bad.ok, false);
    assert.match(bad.error ?? '', /SELECT 99999/);
  });
});
