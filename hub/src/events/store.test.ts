import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BatchFrame, ContainerHealth, EngineEvent } from '@unity/shared';
import { sql } from 'drizzle-orm';
import { createAgent } from '../agents/agent-store.js';
import { containerKey } from '../containers/container-id.js';
import { rowsOf } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { storeBatch } from '../ingest/writer.js';
import { silentLogger } from '../log.js';
import { backends, type TestDatabase } from '../testing/databases.js';
import { ENGINE, hostFacts } from '../testing/fixtures.js';
import { containerHealthView, listEvents } from './queries.js';

const log = silentLogger();
const T0 = Date.UTC(2025, 0, 1);

function event(
  action: string,
  offsetMs: number,
  actorId = 'web-engine-id',
  type: EngineEvent['type'] = 'container',
): EngineEvent {
  const time = T0 + offsetMs;
  return { type, action, actorId, time, timeNano: `${time}000123`, attributes: { name: 'web' } };
}

const eventsBatch = (seq: number, events: EngineEvent[]): BatchFrame => ({
  type: 'batch',
  seq,
  items: [{ kind: 'engine_events', ts: T0 + seq * 1000, engineId: ENGINE.id, events }],
});

function health(overrides: Partial<ContainerHealth> = {}): ContainerHealth {
  return {
    id: 'web-engine-id',
    status: 'healthy',
    failingStreak: 0,
    log: [{ start: T0, end: T0 + 10, exitCode: 0, output: 'ok' }],
    restartCount: 0,
    exitCode: 0,
    oomKilled: false,
    startedAt: T0,
    ...overrides,
  };
}

const healthBatch = (seq: number, ts: number, h: ContainerHealth): BatchFrame => ({
  type: 'batch',
  seq,
  items: [{ kind: 'container_health', ts, engineId: ENGINE.id, containers: [h] }],
});

for (const backend of backends) {
  describe(`container events and health storage on ${backend.name}`, () => {
    let database: TestDatabase;
    let hostId: string;
    let webId: string;

    before(async () => {
      database = await backend.open();
      await migrate(database.db, log);
      hostId = await createAgent(database.db, {
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'B'.repeat(43) },
        host: hostFacts,
        enrollmentTokenId: null,
      });
      webId = containerKey(hostId, ENGINE.id, 'web-engine-id');
    });
    after(async () => {
      await database.close();
    });

    it('stores events in time order and a replay under a new seq adds nothing', async () => {
      const lifecycle = [event('create', 0), event('start', 100), event('die', 200)];
      const first = await storeBatch(database.db, hostId, eventsBatch(1, lifecycle), log);
      assert.deepEqual(first, { stored: true, eventContainers: [webId] });
      // The agent resumed its stream after a reconnect and sent two of them again, plus a new one.
      const replay = await storeBatch(
        database.db,
        hostId,
        eventsBatch(2, [event('start', 100), event('die', 200), event('remove', 300)]),
        log,
      );
      assert.deepEqual(replay, { stored: true, eventContainers: [webId] });
      const items = await listEvents(database.db, { containerId: webId }, { limit: 200 }, T0 + 60_000);
      assert.deepEqual(
        items.map((e) => e.action),
        ['create', 'start', 'die', 'remove'],
      );
      assert.deepEqual(items[0]?.attributes, { name: 'web' });
      const again = await storeBatch(database.db, hostId, eventsBatch(3, lifecycle), log);
      assert.deepEqual(again, { stored: true }, 'nothing new: no live notice');
    });

    it('filters by type, action and window, and lists host-wide events', async () => {
      await storeBatch(database.db, hostId, eventsBatch(4, [event('pull', 400, 'busybox', 'image')]), log);
      const host = await listEvents(database.db, { hostId }, { limit: 200 }, T0 + 60_000);
      assert.deepEqual(
        host.map((e) => `${e.type}:${e.action}`),
        ['container:create', 'container:start', 'container:die', 'container:remove', 'image:pull'],
      );
      const images = await listEvents(database.db, { hostId }, { type: 'image', limit: 200 }, T0 + 60_000);
      assert.deepEqual(
        images.map((e) => e.action),
        ['pull'],
      );
      const deaths = await listEvents(
        database.db,
        { containerId: webId },
        { action: 'die,remove', limit: 200 },
        T0 + 60_000,
      );
      assert.deepEqual(
        deaths.map((e) => e.action),
        ['die', 'remove'],
      );
      const windowed = await listEvents(
        database.db,
        { hostId },
        { from: T0 + 150, to: T0 + 250, limit: 200 },
      );
      assert.deepEqual(
        windowed.map((e) => e.action),
        ['die'],
      );
      const newest = await listEvents(database.db, { hostId }, { limit: 2 }, T0 + 60_000);
      assert.deepEqual(
        newest.map((e) => e.action),
        ['remove', 'pull'],
        'the newest events, still oldest first',
      );
    });

    it('keeps current health and adds history only when status or restart count change', async () => {
      await storeBatch(database.db, hostId, healthBatch(10, T0 + 1000, health()), log);
      await storeBatch(database.db, hostId, healthBatch(11, T0 + 2000, health({ log: [] })), log);
      await storeBatch(
        database.db,
        hostId,
        healthBatch(12, T0 + 3000, health({ status: 'unhealthy', failingStreak: 3 })),
        log,
      );
      await storeBatch(
        database.db,
        hostId,
        healthBatch(13, T0 + 4000, health({ status: 'unhealthy', failingStreak: 4, restartCount: 1 })),
        log,
      );
      // A late batch with an older inspection changes nothing.
      await storeBatch(database.db, hostId, healthBatch(14, T0 + 2500, health()), log);
      const view = await containerHealthView(database.db, webId);
      assert.equal(view.current?.status, 'unhealthy');
      assert.equal(view.current?.failingStreak, 4);
      assert.equal(view.current?.restartCount, 1);
      assert.equal(view.current?.checkedAt, T0 + 4000);
      assert.deepEqual(
        view.history.map((h) => [h.status, h.restartCount]),
        [
          ['healthy', 0],
          ['unhealthy', 0],
          ['unhealthy', 1],
        ],
      );
    });

    it('deletes a host’s events and health with the host', async () => {
      await database.db.execute(sql`delete from agents where id = ${hostId}`);
      const rows = rowsOf<{ n: number }>(
        await database.db.execute(
          sql`select (select count(*) from container_events) + (select count(*) from container_health) + (select count(*) from container_health_history) as n`,
        ),
      );
      assert.equal(Number(rows[0]?.n), 0);
    });
  });
}
