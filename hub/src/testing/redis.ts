/**
 * The Redis server ENVIRONMENT.md promises on test machines (scripts/test-env.sh installs and
 * starts it on 127.0.0.1:6379; UNITY_TEST_REDIS_URL points elsewhere). Each test uses its own
 * random key prefix and deletes its keys afterwards, so tests never see each other's sessions.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

export const TEST_REDIS_URL = process.env.UNITY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type TestRedis = { url: string; prefix: string; keys(): Promise<string[]>; drop(): Promise<void> };

export async function testRedis(): Promise<TestRedis> {
  const prefix = `unity-test:${randomBytes(6).toString('hex')}:`;
  const client = createClient({ url: TEST_REDIS_URL });
  client.on('error', () => {});
  await client.connect();
  const keys = async () => {
    const found: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) found.push(...batch);
    return found;
  };
  return {
    url: TEST_REDIS_URL,
    prefix,
    keys,
    async drop() {
      const left = await keys();
      if (left.length > 0) await client.del(left);
      await client.close();
    },
  };
}
