import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectLevel } from './log-level.js';

const cases: Array<[string, string | null]> = [
  ['{"level":"error","msg":"boom"}', 'error'],
  ['{"lvl":"WARN","msg":"careful"}', 'warn'],
  ['{"severity":"INFO","message":"hi"}', 'info'],
  ['{"level":30,"time":1,"msg":"pino info"}', 'info'],
  ['{"level":50,"msg":"pino error"}', 'error'],
  ['{"log":{"level":"debug"},"message":"ecs"}', 'debug'],
  ['{"msg":"no level here"}', null],
  ['time=2026-11-23T09:00:00Z level=info msg="started"', 'info'],
  ['ts=1 lvl=warn msg=slow', 'warn'],
  ['level="error" msg="x"', 'error'],
  ['ERROR something broke', 'error'],
  ['2026-11-23 09:00:00,123 WARNING [main] disk almost full', 'warn'],
  ['[WARN] retrying', 'warn'],
  ['2026/11/23 09:00:00 [error] 7#7: *1 open() failed', 'error'],
  ['<debug> tick', 'debug'],
  ['I1123 09:00:00.123456       1 main.go:42] serving', 'info'],
  ['E1123 09:00:00.123456       1 main.go:42] failed', 'error'],
  ['W1123 09:00:00.123456       1 main.go:42] hmm', 'warn'],
  ['INFO: Started server process [1]', 'info'],
  ['FATAL: could not open file', 'fatal'],
  ['this line says there is no error at all', null],
  ['counter=41', null],
  ['', null],
];

for (const [line, want] of cases) {
  test(`level of ${JSON.stringify(line)} is ${want}`, () => {
    assert.equal(detectLevel(line), want);
  });
}
