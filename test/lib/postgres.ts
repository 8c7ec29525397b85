/**
 * A fresh PostgreSQL database per test on the local server (scripts/test-env.sh starts it):
 * `unity_test_<random>`, dropped afterwards with any connections still open to it.
 * @module
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export const ADMIN_DATABASE_URL =
  process.env.UNITY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = {
  name: string;
  url: string;
  /** A client on the test database, for assertions straight on the tables. */
  sql: postgres.Sql;
  drop(): Promise<void>;
};

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `unity_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = ADMIN_DATABASE_URL.replace(/\/[^/]*$/, `/${name}`);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  return {
    name,
    url,
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      const a = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}
