/**
 * The local Redis server (scripts/test-env.sh starts it on 127.0.0.1:6379; UNITY_TEST_REDIS_URL
 * points elsewhere) for hubs whose sessions live in Redis; a random key prefix per test keeps
 * tests apart, and `drop` deletes that prefix's keys.
 * @module
 */
export { TEST_REDIS_URL, type TestRedis, testRedis } from '../../hub/src/testing/redis.js';
