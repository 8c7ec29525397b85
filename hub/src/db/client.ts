/**
 * The database client factory: embedded PGlite (PostgreSQL in WebAssembly) in the data
 * directory by default, or a PostgreSQL server through postgres.js when DATABASE_URL is set.
 * Both are wrapped by drizzle with the same schema, so the rest of the hub sees one `Db` type.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** A database or a transaction: both run queries, so services accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
  /** PGlite only: the data directory as a tarball (tests start fresh databases from it). */
  dump?: () => Promise<Blob | File>;
};

export type OpenOptions =
  /** PostgreSQL server. */
  | { url: string }
  /** PGlite; `dataDir` undefined means in memory (tests), optionally started from a dump. */
  | { dataDir: string | undefined; loadDataDir?: Blob };

/** Opens the database; for PGlite it creates the data directory when missing. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if ('url' in options) {
    // A pool shared by HTTP handlers and agent sockets; notices are chatter, not errors.
    const client = postgres(options.url, { max: 10, onnotice: () => {} });
    return {
      db: drizzlePostgres({ client, schema }) as unknown as Db,
      kind: 'postgres',
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create({
    // PostgreSQL's default 128 MB of shared buffers lives inside PGlite's WebAssembly memory and
    // was most of the hub's idle RSS (≈310 MiB for PGlite alone, ≈190 MiB with 16 MB); the data
    // files are ordinary files, so the kernel's page cache still serves reads beyond it.
    postgresqlconf: ['shared_buffers = 16MB'],
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  return {
    db: drizzlePglite({ client, schema }) as unknown as Db,
    kind: 'pglite',
    close: () => client.close(),
    dump: () => client.dumpDataDir('none'),
  };
}

/** Rows of a raw `db.execute()` result: postgres.js returns an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return Array.from(result) as T[];
  const rows = (result as { rows?: unknown }).rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}
