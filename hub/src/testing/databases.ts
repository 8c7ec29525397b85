/**
 * Test databases: the same suite runs against a fresh in-memory PGlite and a fresh database on
 * the real PostgreSQL server (`CREATE DATABASE unity_test_<random>`, dropped afterwards).
 * @module
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Database, openDatabase } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { silentLogger } from '../log.js';

/** The server ENVIRONMENT.md promises on test machines (trust auth). */
export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = Database & { url: string | undefined };
export type TestBackend = { name: 'pglite' | 'postgres'; open(): Promise<TestDatabase> };

async function openPostgres(): Promise<TestDatabase> {
  const name = `unity_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = POSTGRES_ADMIN_URL.replace(/\/postgres$/, `/${name}`);
  const database = await openDatabase({ url });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

let template: Promise<Blob> | undefined;

/**
 * A fresh, migrated in-memory PGlite. Creating one from scratch runs initdb (seconds); the first
 * call per process does that once and dumps it, later calls load the dump (a fraction of that).
 */
export async function freshPglite(): Promise<Database> {
  template ??= (async () => {
    const first = await openDatabase({ dataDir: undefined });
    await migrate(first.db, silentLogger());
    const blob = await first.dump?.();
    await first.close();
    if (!blob) throw new Error('PGlite could not dump its data directory');
    return blob;
  })();
  return openDatabase({ dataDir: undefined, loadDataDir: await template });
}

export const backends: TestBackend[] = [
  {
    name: 'pglite',
    // From scratch on purpose: this suite checks that migrations apply to an empty database.
    open: async () => ({ ...(await openDatabase({ dataDir: undefined })), url: undefined }),
  },
  { name: 'postgres', open: openPostgres },
];
