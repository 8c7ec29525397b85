/**
 * Log pattern rules over real stored log lines, on PGlite and PostgreSQL: counts per container
 * in the window through the database source and the evaluation core (one instance per
 * container, firing at the threshold), the backtest's replay, and the save-time checks through
 * the API (a pattern that does not compile, a back-reference, a host selector).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AlertRuleSpecInput, AlertRuleSpecSchema, type LogLine } from '@unity/shared';
import { createAgent } from '../../agents/agent-store.js';
import { createUser } from '../../auth/users.js';
import { containerKey } from '../../containers/container-id.js';
import { storeBatch } from '../../ingest/writer.js';
import { silentLogger } from '../../log.js';
import { backends } from '../../testing/databases.js';
import { batch, ENGINE, hostFacts } from '../../testing/fixtures.js';
import { login, startTestHub, type TestHub } from '../../testing/hub.js';
import { backtestRule } from '../backtest.js';
import { evaluate } from '../eval/evaluate.js';
import type { EvalRule } from '../eval/types.js';
import { DbSource } from './db-source.js';

const log = silentLogger();
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);
const NOW = T0 + 10 * MIN;
const at = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}000000Z`;
const line = (ms: number, text: string): LogLine => ({
  time: at(ms),
  stream: 'stderr',
  line: text,
  level: null,
});

/** web: four error lines in the last 5 minutes (one upper case) and one older; db: one. */
const WEB: LogLine[] = [
  line(T0 + 1 * MIN, 'error: old failure, outside the window'),
  line(T0 + 6 * MIN, 'error: connection refused'),
  line(T0 + 7 * MIN, 'ERROR: connection refused'),
  line(T0 + 8 * MIN, 'request ok'),
  line(T0 + 9 * MIN, 'fatal error: out of file handles'),
  line(T0 + 9.5 * MIN, 'errors=0 (not a word match)'),
  line(T0 + 9.9 * MIN, 'panic: error in handler'),
];
const DB: LogLine[] = [line(T0 + 8 * MIN, 'error: slow query'), line(T0 + 9 * MIN, 'checkpoint complete')];

const spec = (condition: Record<string, unknown>): AlertRuleSpecInput =>
  ({
    name: 'Errors in logs',
    selector: { object: 'container' },
    condition: { kind: 'log_pattern', pattern: '\\merror\\M', windowSec: 300, threshold: 3, ...condition },
  }) as AlertRuleSpecInput;
const rule = (condition: Record<string, unknown> = {}): EvalRule => ({
  ...AlertRuleSpecSchema.parse(spec(condition)),
  id: crypto.randomUUID(),
});

for (const backend of backends) {
  describe(`log pattern rules on ${backend.name}`, { timeout: 60_000 }, () => {
    let hub: TestHub;
    let source: DbSource;
    let webId = '';
    let dbId = '';
    let editor = '';
    let agentId = '';

    before(async () => {
      hub = await startTestHub({ database: await backend.open(), env: { UNITY_ALERT_EVAL_INTERVAL: '1h' } });
      const db = hub.deps.db;
      agentId = await createAgent(db, {
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'L'.repeat(43) },
        host: hostFacts,
        enrollmentTokenId: null,
      });
      await storeBatch(db, agentId, batch(1, T0, ['web', 'db']), log);
      await storeBatch(
        db,
        agentId,
        {
          type: 'batch',
          seq: 2,
          items: [
            { kind: 'log_lines', ts: NOW, engineId: ENGINE.id, containerId: 'web-engine-id', lines: WEB },
            { kind: 'log_lines', ts: NOW, engineId: ENGINE.id, containerId: 'db-engine-id', lines: DB },
          ],
        },
        log,
      );
      webId = containerKey(agentId, ENGINE.id, 'web-engine-id');
      dbId = containerKey(agentId, ENGINE.id, 'db-engine-id');
      source = new DbSource({ db, publicUrl: 'http://hub.test', offlineAfterMs: 30_000 });
      await createUser(db, { username: 'ed', password: 'editor password 1', role: 'editor' });
      editor = await login(hub, 'ed', 'editor password 1');
    });
    after(() => hub.close());

    const counts = async (r: EvalRule) => {
      const data = (await source.collect([r], NOW)).get(r.id);
      assert.ok(data && !('error' in data), JSON.stringify(data));
      return Object.fromEntries(
        (data.leaves[0] ?? []).map((o) => [
          o.key,
          o.outcome.type === 'value' ? o.outcome.value : o.outcome.type,
        ]),
      );
    };

    it('counts matching lines per container within the window', async () => {
      // Case-sensitive: "ERROR" and "errors=0" do not count, the line at minute 1 is too old.
      assert.deepEqual(await counts(rule()), { [`container:${webId}`]: 3, [`container:${dbId}`]: 1 });
      assert.deepEqual(await counts(rule({ ignoreCase: true })), {
        [`container:${webId}`]: 4,
        [`container:${dbId}`]: 1,
      });
      assert.deepEqual(await counts(rule({ windowSec: 3600 })), {
        [`container:${webId}`]: 4,
        [`container:${dbId}`]: 1,
      });
      assert.deepEqual(await counts(rule({ pattern: 'no such text' })), {
        [`container:${webId}`]: 0,
        [`container:${dbId}`]: 0,
      });
    });

    it('fires one instance per container at the threshold, labelled and with the last line', async () => {
      const r = rule();
      const out = evaluate({ rules: [r], data: await source.collect([r], NOW), previous: [], now: NOW });
      const firing = out.states.filter((s) => s.state === 'firing');
      assert.deepEqual(
        firing.map((s) => [s.labels.container, s.value]),
        [['web', 3]],
      );
      const [alert] = out.alerts;
      assert.equal(
        alert?.annotations.summary,
        'Logs of web matched /\\merror\\M/ 3 times in 5 min (threshold 3): panic: error in handler',
      );
      // db's one match is below the threshold: no instance is kept for it (inactive ones are not).
      assert.deepEqual(
        out.states.filter((s) => s.labels.container === 'db' && s.state !== 'inactive'),
        [],
      );
    });

    it('replays stored lines in a backtest', async () => {
      const result = await backtestRule(hub.deps.db, source, AlertRuleSpecSchema.parse(spec({})), {
        days: 1 / 24,
        stepSec: 60,
        now: NOW + 10 * MIN,
        publicUrl: 'http://hub.test',
      });
      // At minute 10 the window (5, 10] holds the matches of minutes 6, 9 and 9.9: firing; at
      // minute 11 the window (6, 11] holds two: resolved (no keepFiringFor in this rule).
      assert.deepEqual(
        result.transitions.map((t) => [t.labels.container, t.to, (t.at - T0) / MIN]),
        [
          ['web', 'firing', 10],
          ['web', 'resolved', 11],
        ],
      );
      assert.deepEqual(result.notifications, { firing: 1, resolved: 1 });
    });

    it('previews a log pattern rule against the lines stored now', async () => {
      const now = Date.now();
      await storeBatch(
        hub.deps.db,
        agentId,
        {
          type: 'batch',
          seq: 3,
          items: [
            {
              kind: 'log_lines',
              ts: now,
              engineId: ENGINE.id,
              containerId: 'db-engine-id',
              lines: [
                line(now - 90_000, 'error: a'),
                line(now - 60_000, 'error: b'),
                line(now - 30_000, 'error: c'),
              ],
            },
          ],
        },
        log,
      );
      const res = await fetch(`${hub.url}/api/alert-rules/preview`, {
        method: 'POST',
        headers: { cookie: editor, 'content-type': 'application/json' },
        body: JSON.stringify({ rule: spec({}) }),
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as {
        items: { labels: Record<string, string>; active: boolean; value: number }[];
      };
      assert.deepEqual(body.items.map((i) => [i.labels.container, i.active, i.value]).sort(), [
        ['db', true, 3],
        ['web', false, 0],
      ]);
    });

    it('refuses at save a pattern that does not compile, naming the field, and other bad ones', async () => {
      const post = async (body: unknown) => {
        const res = await fetch(`${hub.url}/api/alert-rules`, {
          method: 'POST',
          headers: { cookie: editor, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return {
          status: res.status,
          message: ((await res.json()) as { error?: { message: string } }).error?.message,
        };
      };
      assert.deepEqual(await post(spec({ pattern: '(error' })), {
        status: 400,
        message: 'invalid body: condition.pattern: invalid regular expression: parentheses () not balanced',
      });
      const nested = await post({
        ...spec({}),
        condition: { kind: 'composite', op: 'and', conditions: [{ kind: 'log_pattern', pattern: 'a{2,1}' }] },
      });
      assert.equal(nested.status, 400);
      assert.match(
        nested.message ?? '',
        /^invalid body: condition\.conditions\.0\.pattern: invalid regular expression/,
      );
      const backref = await post(spec({ pattern: '(a+)\\1' }));
      assert.equal(backref.status, 400);
      assert.match(backref.message ?? '', /condition\.pattern: must not use back-references/);
      const long = await post(spec({ pattern: 'x'.repeat(257) }));
      assert.match(long.message ?? '', /condition\.pattern: must be at most 256 characters/);
      const host = await post({ ...spec({}), selector: { object: 'host' } });
      assert.match(host.message ?? '', /condition\.kind: log patterns apply to containers/);
      assert.equal((await post(spec({ pattern: '\\m(error|fatal)\\M', ignoreCase: true }))).status, 201);
    });
  });
}
