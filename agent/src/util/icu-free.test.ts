import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compareText } from './compare-text.js';
import { isoTime } from './iso-time.js';

describe('isoTime', () => {
  test('writes exactly what toISOString writes, across the whole range of Date', () => {
    const edges = [
      0,
      -1,
      1,
      Date.now(),
      951_782_400_000 /* 2000-02-29 */,
      253_402_300_799_999 /* 9999-12-31 */,
      253_402_300_800_000 /* +010000 */,
      -62_167_219_200_000 /* year 0 */,
      -62_167_219_200_001 /* -000001 */,
      8.64e15,
      -8.64e15,
      1.5,
    ];
    // A fixed generator, so a failure names the same values on every run.
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const random = Array.from({ length: 20_000 }, () => Math.round((next() * 2 - 1) * 8.64e15));
    const recent = Array.from({ length: 5_000 }, () => Math.round(1.7e12 + next() * 1e11));
    for (const ms of [...edges, ...random, ...recent])
      assert.equal(isoTime(ms), new Date(ms).toISOString(), `at ${ms}`);
  });

  test('throws a RangeError where toISOString does', () => {
    for (const ms of [Number.NaN, 8.64e15 + 1, -8.64e15 - 1, Number.POSITIVE_INFINITY]) {
      assert.throws(() => new Date(ms).toISOString(), RangeError);
      assert.throws(() => isoTime(ms), RangeError, `at ${ms}`);
    }
  });
});

describe('compareText', () => {
  test('orders as the default sort does, and names equal strings equal', () => {
    const words = ['b', 'B', 'a', 'ä', 'a1', 'a10', 'a2', '', 'Z', 'z', 'sha256:ff', 'sha256:0a', '😀', 'é'];
    assert.deepEqual([...words].sort(compareText), [...words].sort());
    assert.equal(compareText('same', 'same'), 0);
    assert.ok(compareText('a', 'b') < 0 && compareText('b', 'a') > 0);
  });
});

describe('the agent stays clear of ICU', () => {
  // localeCompare starts ICU's collator (~3 MiB resident, for good); Date's string methods, ISO
  // included, page in ICU's zone names (~0.9 MiB); Intl formatters more. Helpers for tests and
  // the test engines are not part of a running agent.
  const CALLS = /\.localeCompare\(|\.toISOString\(|\.toUTCString\(|\.toLocale[A-Za-z]*\(|\bIntl\./;
  const src = join(fileURLToPath(import.meta.url), '..', '..');
  const testOnly = /\.test\.ts$|[\\/]testing[\\/]|fake-hub\.ts$|podman-test-engine\.ts$/;

  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );

  test('no agent module calls localeCompare, a Date string method or Intl', () => {
    const offenders = files(src)
      .filter((f) => !testOnly.test(f))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(src, f)}:${i + 1}` }))
          .filter(({ line }) => CALLS.test(line) && !/^\s*(\*|\/\/)/.test(line)),
      )
      .map(({ at, line }) => `${at}: ${line.trim()}`);
    assert.deepEqual(offenders, [], 'use compareText and isoTime (agent/src/util) instead');
  });
});
