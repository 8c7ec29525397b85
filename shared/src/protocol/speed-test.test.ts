import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunSpeedTestRequestSchema, SpeedTestScheduleSchema } from '../api/speed-tests.js';
import { describeIssues } from './parse.js';
import {
  SPEEDTEST_MAX_REQUEST_BYTES,
  SpeedTestArgsSchema,
  SpeedTestDownloadQuerySchema,
  SpeedTestMeasurementSchema,
  SpeedTestProgressSchema,
} from './speed-test.js';

const problem = (result: { success: boolean; error?: unknown }) =>
  result.success ? 'accepted' : describeIssues(result.error as Parameters<typeof describeIssues>[0]);

describe('speed test schemas', () => {
  it('command arguments: bounded durations, streams and request sizes', () => {
    const good = { pings: 10, durationMs: 5000, warmupMs: 1000, streams: 4, requestBytes: 25 * 1024 * 1024 };
    assert.ok(SpeedTestArgsSchema.safeParse(good).success);
    assert.match(problem(SpeedTestArgsSchema.safeParse({ ...good, streams: 9 })), /^streams: /);
    assert.match(problem(SpeedTestArgsSchema.safeParse({ ...good, durationMs: 60_000 })), /^durationMs: /);
    assert.match(
      problem(SpeedTestArgsSchema.safeParse({ ...good, requestBytes: SPEEDTEST_MAX_REQUEST_BYTES + 1 })),
      /^requestBytes: /,
    );
    assert.match(problem(SpeedTestArgsSchema.safeParse({ ...good, pings: 1.5 })), /^pings: /);
  });

  it('download size: a positive whole number up to the cap, from the query string', () => {
    assert.deepEqual(SpeedTestDownloadQuerySchema.parse({ bytes: '1000' }), { bytes: 1000 });
    for (const bytes of ['0', '-1', '1.5', 'x', String(SPEEDTEST_MAX_REQUEST_BYTES + 1)]) {
      assert.match(problem(SpeedTestDownloadQuerySchema.safeParse({ bytes })), /^bytes: /, bytes);
    }
  });

  it('progress and measurement from the agent: no negative figures, known phases only', () => {
    assert.ok(SpeedTestProgressSchema.safeParse({ phase: 'upload', percent: 70 }).success);
    assert.match(problem(SpeedTestProgressSchema.safeParse({ phase: 'sideways', percent: 1 })), /^phase: /);
    assert.match(problem(SpeedTestProgressSchema.safeParse({ phase: 'upload', percent: 101 })), /^percent: /);
    const m = {
      downloadMbps: 1,
      uploadMbps: 1,
      latencyMs: 1,
      jitterMs: 0,
      downloadBytes: 1,
      uploadBytes: 1,
      rttsMs: [1],
    };
    assert.ok(SpeedTestMeasurementSchema.safeParse(m).success);
    assert.match(
      problem(SpeedTestMeasurementSchema.safeParse({ ...m, downloadMbps: -3 })),
      /^downloadMbps: /,
    );
    assert.match(
      problem(SpeedTestMeasurementSchema.safeParse({ ...m, latencyMs: undefined })),
      /^latencyMs: /,
    );
  });

  it('API bodies: run-now options and the schedule bounds', () => {
    assert.deepEqual(RunSpeedTestRequestSchema.parse({}), {});
    assert.match(problem(RunSpeedTestRequestSchema.safeParse({ durationSeconds: 31 })), /^durationSeconds: /);
    assert.match(problem(RunSpeedTestRequestSchema.safeParse({ bogus: 1 })), /bogus/);
    assert.deepEqual(SpeedTestScheduleSchema.parse({ intervalMinutes: null }), { intervalMinutes: null });
    assert.match(problem(SpeedTestScheduleSchema.safeParse({ intervalMinutes: 14 })), /^intervalMinutes: /);
    assert.match(
      problem(SpeedTestScheduleSchema.safeParse({ intervalMinutes: 7 * 24 * 60 + 1 })),
      /^intervalMinutes: /,
    );
    assert.match(problem(SpeedTestScheduleSchema.safeParse({})), /^intervalMinutes: /);
  });
});
