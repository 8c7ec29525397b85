/**
 * The partition manager for the raw sample tables. `host_samples`, `container_samples` and
 * `series_samples` are
 * partitioned by range on `ts`, one partition per UTC day named `<table>_pYYYYMMDD`, plus a
 * DEFAULT partition that catches a timestamp no daily partition covers (a skewed agent clock,
 * rows from before partitioning existed), so no sample is ever refused.
 *
 * Partitions are created ahead of time (today and the next days) at start and periodically. A
 * day that already has rows in the default partition is moved out of it first: PostgreSQL refuses
 * to add a partition whose range the default partition already holds rows for.
 * @module
 */
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/client.js';

export const RAW_TABLES = ['host_samples', 'container_samples', 'series_samples'] as const;
export type RawTable = (typeof RAW_TABLES)[number];

export const DAY_MS = 86_400_000;
/** Serialises partition DDL between hub replicas ("unitypart" folded into an int8). */
const PARTITION_LOCK_KEY = 0x756e69747970;

export const dayStart = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** `host_samples_p20250101` for the UTC day that starts at `day`. */
export function partitionName(table: RawTable, day: number): string {
  return `${table}_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

const iso = (ms: number) => new Date(ms).toISOString();
const dayOfName = (name: string): number | undefined => {
  const m = /_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
};

export type Partition = { name: string; day: number };

/** The daily partitions of `table` (the default partition is not listed), oldest first. */
export async function listPartitions(db: Db, table: RawTable): Promise<Partition[]> {
  const rows = rowsOf<{ name: string }>(
    await db.execute(sql`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = ${table}::regclass`),
  );
  return rows
    .flatMap(({ name }) => {
      const day = dayOfName(name);
      return day === undefined ? [] : [{ name, day }];
    })
    .sort((a, b) => a.day - b.day);
}

export type EnsureOptions = {
  now: number;
  /** Days after today to create in advance. */
  daysAhead?: number;
  /** Rows in the default partition from this time on get their own daily partitions. */
  keepFrom?: number;
};

/** Creates the missing daily partitions; returns the names created. Safe to run concurrently. */
export async function ensurePartitions(db: Db, options: EnsureOptions): Promise<string[]> {
  const today = dayStart(options.now);
  const horizon = today + ((options.daysAhead ?? 2) + 1) * DAY_MS;
  const keepFrom = dayStart(options.keepFrom ?? today);
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`select pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`));
    const created: string[] = [];
    for (const table of RAW_TABLES) {
      const existing = new Set((await listPartitions(tx, table)).map((p) => p.day));
      const wanted = new Set<number>();
      for (let day = today; day < horizon; day += DAY_MS) wanted.add(day);
      for (const day of await defaultDays(tx, table, keepFrom, horizon)) wanted.add(day);
      for (const day of [...wanted].sort((a, b) => a - b)) {
        if (existing.has(day)) continue;
        await createPartition(tx, table, day);
        created.push(partitionName(table, day));
      }
    }
    return created;
  });
}

/** UTC days in [from, to) that have rows in the default partition. */
async function defaultDays(db: Db, table: RawTable, from: number, to: number): Promise<number[]> {
  const rows = rowsOf<{ day: number | string }>(
    await db.execute(
      sql.raw(`select distinct (extract(epoch from date_trunc('day', ts, 'UTC')) * 1000)::float8 as day
        from ${table}_default where ts >= '${iso(from)}' and ts < '${iso(to)}'`),
    ),
  );
  return rows.map((r) => Number(r.day));
}

/**
 * Creates the partition as a plain table, moves the day's rows out of the default partition into
 * it, then attaches it: the attach checks the default partition no longer holds that range.
 */
async function createPartition(tx: Db, table: RawTable, day: number): Promise<void> {
  const name = partitionName(table, day);
  const range = `ts >= '${iso(day)}' and ts < '${iso(day + DAY_MS)}'`;
  await tx.execute(sql.raw(`create table "${name}" (like "${table}" including defaults)`));
  await tx.execute(
    sql.raw(`with moved as (delete from "${table}_default" where ${range} returning *)
      insert into "${name}" select * from moved`),
  );
  await tx.execute(
    sql.raw(
      `alter table "${table}" attach partition "${name}" for values from ('${iso(day)}') to ('${iso(day + DAY_MS)}')`,
    ),
  );
}

/**
 * Retention for raw samples: drops every daily partition that ends at or before `cut`, and
 * deletes the default partition's rows older than `cut`. Returns the partitions dropped.
 */
export async function dropPartitionsBefore(db: Db, cut: number): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`select pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`));
    const dropped: string[] = [];
    for (const table of RAW_TABLES) {
      for (const p of await listPartitions(tx, table)) {
        if (p.day + DAY_MS > cut) continue;
        await tx.execute(sql.raw(`drop table "${p.name}"`));
        dropped.push(p.name);
      }
      await tx.execute(sql.raw(`delete from "${table}_default" where ts < '${iso(cut)}'`));
    }
    return dropped;
  });
}
