/**
 * The ingest benchmark's delivery check catches what it is there for: a lost batch, a batch stored
 * twice, a partial batch, rows under a seq the agent never made. Tables of the hub's shape (the
 * columns the check reads) in a fresh PostgreSQL database.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../lib/postgres.js';
import { verifyDelivery } from './verify.js';
import type { AgentFinal } from './worker.js';

const A = '00000000-0000-4000-8000-000000000001';
let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
  await db.sql.unsafe(`
    create table containers (id text primary key, host_id uuid not null);
    create table host_samples (host_id uuid not null, ts timestamptz not null, seq bigint not null);
    create table container_samples (container_id text not null, ts timestamptz not null, seq bigint not null);
    insert into containers values ('c1', '${A}'), ('c2', '${A}');`);
});
after(() => db?.drop());

async function store(seq: number, hostRows = 1, containerIds = ['c1', 'c2']) {
  for (let i = 0; i < hostRows; i++) await db.sql`insert into host_samples values (${A}, now(), ${seq})`;
  for (const c of containerIds) await db.sql`insert into container_samples values (${c}, now(), ${seq})`;
}

const agent = (lastSeq: number, firstPending = lastSeq + 1): AgentFinal[] => [
  { index: 0, agentId: A, lastSeq, pending: lastSeq + 1 - firstPending, firstPending },
];

test('complete delivery passes; lost, duplicated, partial and unknown seqs are each reported', async () => {
  await store(1);
  await store(2);
  let d = await verifyDelivery(db.sql, agent(2), 2);
  assert.deepEqual([d.lost, d.duplicated, d.wrong, d.batches], [0, 0, 0, 2]);

  // Seq 3 acknowledged but missing; seq 4 still pending and missing: only 3 is lost.
  d = await verifyDelivery(db.sql, agent(4, 4), 2);
  assert.equal(d.lost, 1);
  assert.match(d.problems.join('\n'), /seq 3: acknowledged but not stored/);

  await store(3, 2);
  d = await verifyDelivery(db.sql, agent(3), 2);
  assert.equal(d.duplicated, 1);

  await store(4, 1, ['c1']);
  d = await verifyDelivery(db.sql, agent(4), 2);
  assert.equal(d.wrong, 1, d.problems.join('\n'));

  await store(9);
  d = await verifyDelivery(db.sql, agent(4), 2);
  assert.ok(
    d.problems.some((p) => p.includes('/9')),
    d.problems.join('\n'),
  );
});
