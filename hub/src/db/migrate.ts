/**
 * Applies the SQL migrations drizzle-kit generated in ./migrations, in journal order. All pending
 * migrations run in one transaction that first takes a PostgreSQL advisory lock, so replicas
 * starting together apply them once and a failed migration leaves nothing half-done.
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Logger } from '../log.js';
import { type Db, rowsOf } from './client.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Arbitrary constant naming the migration lock ("unity" in ASCII). */
const MIGRATION_LOCK_KEY = 0x756e697479;

type Journal = { entries: { idx: number; tag: string }[] };

/** The migrations, in order, each split at drizzle-kit's statement breakpoints. */
export function loadMigrations(dir = MIGRATIONS_DIR): { tag: string; statements: string[] }[] {
  const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as Journal;
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map(({ tag }) => ({
      tag,
      statements: readFileSync(join(dir, `${tag}.sql`), 'utf8')
        .split('--> statement-breakpoint')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    }));
}

/** Applies pending migrations; returns the tags applied now (empty when up to date). */
export async function migrate(db: Db, log: Logger): Promise<string[]> {
  const migrations = loadMigrations();
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`));
    await tx.execute(
      sql`create table if not exists unity_migrations (tag text primary key, applied_at timestamptz not null default now())`,
    );
    const done = new Set(
      rowsOf<{ tag: string }>(await tx.execute(sql`select tag from unity_migrations`)).map((r) => r.tag),
    );
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.tag)) continue;
      for (const statement of m.statements) await tx.execute(sql.raw(statement));
      await tx.execute(sql`insert into unity_migrations (tag) values (${m.tag})`);
      applied.push(m.tag);
      log.info({ migration: m.tag }, 'migration applied');
    }
    return applied;
  });
}
