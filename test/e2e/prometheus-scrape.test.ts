/**
 * A Prometheus scrape from end to end, on PostgreSQL and PGlite: the agent's runner scrapes a
 * local /metrics endpoint, its `probe_result` goes through the hub's batch writer, and the
 * selected series land in the generic series store with job/instance labels — only those the
 * allow-list keeps, at most `maxSeries` of them — with the samples the endpoint exposed. A
 * replayed batch stores nothing twice; the next scrape adds one sample per series; deleting the
 * probe deletes its series.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AgentProbeSchema, type BatchFrame, ProbeSpecSchema } from '@unity/shared';
import { sql } from 'drizzle-orm';
import { runProbe } from '../../agent/src/probes/run-probe.js';
import { createAgent } from '../../hub/src/agents/agent-store.js';
import { rowsOf } from '../../hub/src/db/client.js';
import { migrate } from '../../hub/src/db/migrate.js';
import { storeBatch } from '../../hub/src/ingest/writer.js';
import { silentLogger } from '../../hub/src/log.js';
import { ensurePartitions } from '../../hub/src/metrics/partitions.js';
import { createProbe, deleteProbe } from '../../hub/src/probes/probe-store.js';
import { backends, type TestDatabase } from '../../hub/src/testing/databases.js';
import { hostFacts } from '../../hub/src/testing/fixtures.js';

let requests = 0;
/** Counters that grow per scrape, like a real service's. */
const exposition = () => `# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total{route="/a",job="app"} ${100 + requests}
app_requests_total{route="/b",job="app"} ${200 + requests}
app_requests_total{route="/c",job="app"} ${300 + requests}
app_requests_total{route="/d",job="app"} ${400 + requests}
# TYPE app_temperature gauge
app_temperature{room="kitchen"} 21.5
app_temperature{room="cellar"} 12
# TYPE other_metric gauge
other_metric 7
`;

describe('Prometheus scrape stored in the generic series store', () => {
  let url = '';
  const server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(exposition());
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  after(() => server.close());

  for (const backend of backends) {
    describe(backend.name, () => {
      let database: TestDatabase;
      before(async () => {
        database = await backend.open();
        await migrate(database.db, silentLogger());
        await ensurePartitions(database.db, { now: Date.now(), keepFrom: Date.now() - 86_400_000 });
      });
      after(() => database.close());

      it('keeps the allow-listed series up to the cap, labelled by job and instance', async () => {
        const db = database.db;
        const agentId = await createAgent(db, {
          publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'S'.repeat(43) },
          host: hostFacts,
          enrollmentTokenId: null,
        });
        const stored = await createProbe(
          db,
          ProbeSpecSchema.parse({
            kind: 'prometheus',
            name: 'shop app',
            url,
            // Only app_* metrics, and of app_requests_total only routes /a…/c; 3 series at most.
            metrics: 'app_.*',
            labels: { route: '/[abc]|' },
            maxSeries: 3,
          }),
        );
        const probe = AgentProbeSchema.parse(stored);
        const scrape = async (seq: number): Promise<BatchFrame> => {
          const item = await runProbe(probe);
          assert.equal(item.ok, true, item.error);
          return { type: 'batch', seq, items: [item] } as BatchFrame;
        };

        const first = await scrape(1);
        const result = first.items[0];
        // /a, /b, /c and both temperatures match (a missing `route` is the empty string); 3 kept.
        assert.deepEqual(result?.kind === 'probe_result' && result.details, {
          format: 'text',
          parsed: 7,
          matched: 5,
          series: 3,
          dropped: 2,
          nonFinite: 0,
        });
        assert.equal((await storeBatch(db, agentId, first, silentLogger())).stored, true);
        // The same batch again (a replay after a reconnect) stores nothing new.
        assert.equal((await storeBatch(db, agentId, first, silentLogger())).stored, false);
        await storeBatch(db, agentId, await scrape(2), silentLogger());

        const rows = rowsOf<{ name: string; labels: Record<string, string>; values: number[] }>(
          await db.execute(sql`
            select s.name, s.labels, array_agg(v.value order by v.ts) as values
            from series s join series_samples v on v.series_id = s.id
            where s.source = ${`probe:${probe.id}`}
            group by s.id, s.name, s.labels order by s.id`),
        );
        const instance = new URL(url).host;
        assert.deepEqual(
          rows.map((r) => [r.name, r.labels, r.values.map(Number)]),
          ['/a', '/b', '/c'].map((route, i) => [
            'app_requests_total',
            { route, exported_job: 'app', job: 'shop app', instance, probe_id: probe.id, host_id: agentId },
            // Two scrapes: the counter grew by one request in between.
            [(i + 1) * 100 + requests - 1, (i + 1) * 100 + requests],
          ]),
        );

        // Deleting the probe takes its series and their samples with it.
        assert.equal(await deleteProbe(db, probe.id), true);
        const [left] = rowsOf<{ series: number; samples: number }>(
          await db.execute(sql`select
            (select count(*)::int from series where source = ${`probe:${probe.id}`}) as series,
            (select count(*)::int from series_samples where series_id in (select id from series)) as samples`),
        );
        assert.deepEqual(left, { series: 0, samples: 0 });
      });
    });
  }
});
