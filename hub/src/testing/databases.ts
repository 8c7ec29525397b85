/**
 * Test databases: the same suite runs against a fresh in-memory PGlite and a fresh database on
 * the real PostgreSQL server (`CREATE DATABASE unity_test_<random>`, dropped afterwards).
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import postgres from 'postgres';
import { type Database, openDatabase } from '../db/client.js';
import { loadMigrations, migrate } from '../db/migrate.js';
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

/** Names what a migrated database looks like: the migrations and the PGlite release. */
function schemaKey(): string {
  // The package exports no package.json: read it next to the entry point's dist folder.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pglite = readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8');
  return createHash('sha256')
    .update(JSON.stringify([pglite, loadMigrations()]))
    .digest('hex')
    .slice(0, 16);
}

let template: Promise<{ file: string; blob: Blob }> | undefined;

async function buildTemplate(file: string): Promise<Blob> {
  const first = await openDatabase({ dataDir: undefined });
  await migrate(first.db, silentLogger());
  const blob = await first.dump?.();
  await first.close();
  if (!blob) throw new Error('PGlite could not dump its data directory');
  // Written aside, then renamed: a test process starting meanwhile reads a whole file or none.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await blob.arrayBuffer()));
  await rename(partial, file);
  return blob;
}

/**
 * The migrated template (a tar of PGlite's data directory): created once per schema on the
 * machine (initdb and the migrations take seconds), in the temporary directory, and read from
 * there by every later test process.
 */
function pgliteTemplate(): Promise<{ file: string; blob: Blob }> {
  template ??= (async () => {
    const file = join(tmpdir(), `unity-test-pglite-${schemaKey()}.tar`);
    const cached = await readFile(file).catch(() => undefined);
    return { file, blob: cached ? new Blob([cached]) : await buildTemplate(file) };
  })();
  return template;
}

/** A fresh, migrated in-memory PGlite, loaded from the template (a fraction of a second). */
export async function freshPglite(): Promise<Database> {
  return openDatabase({ dataDir: undefined, loadDataDir: (await pgliteTemplate()).blob });
}

/** The template's file: its entries are a PGlite data directory's, for `tar -x` into a new one. */
export async function pgliteTemplateFile(): Promise<string> {
  return (await pgliteTemplate()).file;
}

/** An empty in-memory PGlite (initdb only), for the tests of the migrations themselves. */
export async function emptyPglite(): Promise<TestDatabase> {
  return { ...(await openDatabase({ dataDir: undefined })), url: undefined };
}

export const backends: TestBackend[] = [
  { name: 'pglite', open: async () => ({ ...(await freshPglite()), url: undefined }) },
  { name: 'postgres', open: openPostgres },
];
