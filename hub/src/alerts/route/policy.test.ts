import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotificationPolicySchema } from '@unity/shared';
import { assignRouteIds, compilePolicy, groupKeyOf, groupLabelsOf, matchRoutes } from './policy.js';

const tree = compilePolicy({
  id: 'root',
  contactPointId: 'default',
  groupBy: ['alertname'],
  routes: [
    {
      id: 'prod',
      matchers: [{ label: 'env', op: '=', value: 'prod' }],
      contactPointId: 'prod-team',
      groupWait: '10s',
      routes: [
        { id: 'prod-db', matchers: [{ label: 'service', op: '=~', value: 'db|cache' }], groupBy: ['...'] },
        {
          id: 'prod-crit',
          matchers: [{ label: 'severity', op: '=', value: 'critical' }],
          contactPointId: 'pager',
        },
      ],
    },
    {
      id: 'crit',
      matchers: [{ label: 'severity', op: '=', value: 'critical' }],
      contactPointId: 'pager',
      continue: true,
    },
    { id: 'staging', matchers: [{ label: 'env', op: '=', value: 'staging' }], escalationChainId: 'chain' },
    { id: 'any-staging', matchers: [{ label: 'env', op: '=~', value: 'stag.*' }], contactPointId: 'late' },
  ],
});

const ids = (labels: Record<string, string>) => matchRoutes(tree, labels).map((r) => r.id);

describe('notification policy tree', () => {
  it('falls back to the root when no child matches', () => {
    assert.deepEqual(ids({ alertname: 'X', env: 'dev' }), ['root']);
  });

  it('takes the first matching child, depth first', () => {
    assert.deepEqual(ids({ alertname: 'X', env: 'prod', service: 'db', severity: 'critical' }), ['prod-db']);
    assert.deepEqual(ids({ alertname: 'X', env: 'prod', severity: 'critical' }), ['prod-crit']);
    assert.deepEqual(ids({ alertname: 'X', env: 'prod' }), ['prod']);
    assert.deepEqual(ids({ alertname: 'X', env: 'staging' }), ['staging']);
  });

  it('continue keeps matching the next siblings', () => {
    assert.deepEqual(ids({ alertname: 'X', env: 'staging', severity: 'critical' }), ['crit', 'staging']);
    assert.deepEqual(ids({ alertname: 'X', severity: 'critical' }), ['crit']);
  });

  it('children inherit grouping, timings and the receiver they do not set', () => {
    const [prodDb] = matchRoutes(tree, { env: 'prod', service: 'db' });
    assert.equal(prodDb?.contactPointId, 'prod-team');
    assert.equal(prodDb?.groupWaitMs, 10_000);
    assert.equal(prodDb?.groupIntervalMs, 300_000);
    assert.equal(prodDb?.repeatIntervalMs, 4 * 3600_000);
    assert.equal(prodDb?.groupBy, 'all');
    const [prod] = matchRoutes(tree, { env: 'prod' });
    assert.deepEqual(prod?.groupBy, ['alertname']);
    const [staging] = matchRoutes(tree, { env: 'staging' });
    assert.equal(staging?.escalationChainId, 'chain');
    assert.equal(staging?.contactPointId, null);
  });

  it('groups by the chosen labels, "..." meaning all of them, and keys groups by route', () => {
    const labels = { alertname: 'Container down', host: 'h1', container: 'web' };
    const [root] = matchRoutes(tree, labels);
    assert.ok(root);
    assert.deepEqual(groupLabelsOf(root, labels), { alertname: 'Container down' });
    assert.equal(groupKeyOf(root, groupLabelsOf(root, labels)), 'root:{alertname="Container down"}');
    const [all] = matchRoutes(tree, { ...labels, env: 'prod', service: 'db' });
    assert.ok(all);
    assert.equal(
      groupKeyOf(all, groupLabelsOf(all, { ...labels, env: 'prod', service: 'db' })),
      'prod-db:{alertname="Container down",container="web",env="prod",host="h1",service="db"}',
    );
  });

  it('assigns ids to routes that have none and keeps the others', () => {
    const withIds = assignRouteIds({ routes: [{ id: 'keep' }, { routes: [{}] }] });
    assert.equal(withIds.id, 'root');
    assert.equal(withIds.routes?.[0]?.id, 'keep');
    assert.match(withIds.routes?.[1]?.id ?? '', /^r-[0-9a-f]{8}$/);
    assert.match(withIds.routes?.[1]?.routes?.[0]?.id ?? '', /^r-[0-9a-f]{8}$/);
    assert.equal(NotificationPolicySchema.safeParse(withIds).success, true);
  });

  it('the schema refuses a root with matchers, both receivers on a route, and "..." with others', () => {
    const bad = [
      { matchers: [{ label: 'a', op: '=', value: 'b' }] },
      { routes: [{ contactPointId: 'a', escalationChainId: 'b' }] },
      { groupBy: ['...', 'host'] },
      { routes: [{ groupWait: 'soon' }] },
      { routes: [{ matchers: [{ label: 'a', op: '=~', value: '[' }] }] },
    ];
    for (const p of bad)
      assert.equal(NotificationPolicySchema.safeParse(p).success, false, JSON.stringify(p));
  });
});
