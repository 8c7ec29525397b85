import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BatchFrame, LogLine } from '@unity/shared';
import { createAgent } from '../agents/agent-store.js';
import { containerKey } from '../containers/container-id.js';
import { migrate } from '../db/migrate.js';
import { storeBatch } from '../ingest/writer.js';
import { silentLogger } from '../log.js';
import { backends, type TestDatabase } from '../testing/databases.js';
import { batch, ENGINE, hostFacts } from '../testing/fixtures.js';
import { deleteLinesBefore, searchLines, storedTail } from './log-store.js';

const log = silentLogger();
const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);
const at = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}000000Z`;

const lines: LogLine[] = [
  { time: at(T0), stream: 'stdout', line: 'INFO server started on port 8080', level: 'info' },
  { time: at(T0 + 1000), stream: 'stderr', line: 'ERROR connection refused by db-primary', level: 'error' },
  { time: at(T0 + 2000), stream: 'stdout', line: 'request path=/health status=200', level: null },
  { time: at(T0 + 3000), stream: 'stderr', line: 'WARN 100% disk_usage on /data', level: 'warn' },
];

const shipped = (seq: number): BatchFrame => ({
  type: 'batch',
  seq,
  items: [{ kind: 'log_lines', ts: T0 + 5000, engineId: ENGINE.id, containerId: 'web-engine-id', lines }],
});

for (const backend of backends) {
  describe(`shipped log lines on ${backend.name}`, () => {
    let database: TestDatabase;
    let agentId: string;
    let webId: string;

    before(async () => {
      database = await backend.open();
      await migrate(database.db, log);
      agentId = await createAgent(database.db, {
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) },
        host: hostFacts,
        enrollmentTokenId: null,
      });
      webId = containerKey(agentId, ENGINE.id, 'web-engine-id');
      await storeBatch(database.db, agentId, batch(1, T0), log);
      await storeBatch(database.db, agentId, shipped(2), log);
      // A replayed batch stores nothing twice.
      await storeBatch(database.db, agentId, shipped(2), log);
    });
    after(() => database.close());

    it('reads the tail back in order, once, with times, streams and levels', async () => {
      assert.deepEqual(await storedTail(database.db, webId, { tail: 10 }), lines);
      assert.deepEqual(
        (await storedTail(database.db, webId, { tail: 2 })).map((l) => l.line),
        [lines[2]?.line, lines[3]?.line],
      );
    });

    it('filters by level, stream, time and text (words through the index, exact text, % taken literally)', async () => {
      const q = async (query: Parameters<typeof storedTail>[2]) =>
        (await storedTail(database.db, webId, query)).map((l) => l.line);
      assert.deepEqual(await q({ tail: 10, levels: ['error', 'warn'] }), [lines[1]?.line, lines[3]?.line]);
      assert.deepEqual(await q({ tail: 10, stream: 'stdout' }), [lines[0]?.line, lines[2]?.line]);
      assert.deepEqual(await q({ tail: 10, since: T0 + 1000, until: at(T0 + 2000) }), [
        lines[1]?.line,
        lines[2]?.line,
      ]);
      assert.deepEqual(await q({ tail: 10, q: 'Connection Refused' }), [lines[1]?.line]);
      assert.deepEqual(await q({ tail: 10, q: 'refused connection' }), []);
      assert.deepEqual(await q({ tail: 10, q: '100%' }), [lines[3]?.line]);
      assert.deepEqual(await q({ tail: 10, q: 'path=/health' }), [lines[2]?.line]);
    });

    it('searches across containers with the container name, newest first', async () => {
      const hits = await searchLines(database.db, { q: 'server', limit: 10, hostId: agentId });
      assert.deepEqual(
        hits.map((h) => [h.line, h.containerId, h.containerName]),
        [[lines[0]?.line, webId, 'web']],
      );
    });

    it("applies the caller's host scope before the limit", async () => {
      // A second host whose lines are all newer than the first host's.
      const otherId = await createAgent(database.db, {
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'C'.repeat(43) },
        host: { ...hostFacts, hostname: 'other' },
        enrollmentTokenId: null,
      });
      const later = lines.map((l, i) => ({ ...l, time: at(T0 + 10_000 + i) }));
      await storeBatch(database.db, otherId, batch(1, T0), log);
      const laterBatch: BatchFrame = {
        type: 'batch',
        seq: 2,
        items: [
          {
            kind: 'log_lines',
            ts: T0 + 15_000,
            engineId: ENGINE.id,
            containerId: 'web-engine-id',
            lines: later,
          },
        ],
      };
      await storeBatch(database.db, otherId, laterBatch, log);
      const scoped = await searchLines(database.db, { limit: 2, visibleHostIds: new Set([agentId]) });
      assert.deepEqual(
        scoped.map((h) => [h.hostId, h.line]),
        [
          [agentId, lines[3]?.line],
          [agentId, lines[2]?.line],
        ],
      );
      assert.deepEqual(await searchLines(database.db, { limit: 2, visibleHostIds: new Set() }), []);
      const all = await searchLines(database.db, { limit: 2, visibleHostIds: 'all' });
      assert.deepEqual(
        all.map((h) => h.hostId),
        [otherId, otherId],
      );
    });

    it('retention deletes lines older than the cut-off', async () => {
      await deleteLinesBefore(database.db, new Date(T0 + 2000));
      assert.deepEqual(
        (await storedTail(database.db, webId, { tail: 10 })).map((l) => l.line),
        [lines[2]?.line, lines[3]?.line],
      );
    });
  });
}
