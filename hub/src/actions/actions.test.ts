/**
 * Container actions, scans and the audit log through the HTTP API of a real hub, with a
 * protocol-level agent on the other end of the WebSocket answering the commands it receives.
 * On PGlite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditListSchema, type CmdFrame, ContainerSchema, type HubFrame } from '@unity/shared';
import { createUser } from '../auth/users.js';
import { containerKey } from '../containers/container-id.js';
import { backends } from '../testing/databases.js';
import { batch, ENGINE } from '../testing/fixtures.js';
import {
  type AgentSocket,
  connectAgent,
  enrollAgent,
  login,
  startTestHub,
  type TestAgent,
  type TestHub,
} from '../testing/hub.js';
import { runContainerAction } from './container-actions.js';

const PASSWORD = 'a long enough password';

async function nextCmd(socket: AgentSocket): Promise<CmdFrame> {
  for (;;) {
    const frame: HubFrame = await socket.next();
    if (frame.type === 'cmd') return frame;
  }
}

for (const backend of backends) {
  describe(`container actions, scans and audit on ${backend.name}`, { timeout: 60_000 }, () => {
    let hub: TestHub;
    let agent: TestAgent;
    let socket: AgentSocket;
    const cookies: Record<string, string> = {};
    let webId = '';

    const post = (path: string, role: string, body?: unknown) =>
      fetch(`${hub.url}${path}`, {
        method: 'POST',
        headers: { cookie: cookies[role] ?? '', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const get = (path: string, role: string) =>
      fetch(`${hub.url}${path}`, { headers: { cookie: cookies[role] ?? '' } });
    /** Answers the next command with `answer` and returns it. */
    const answerNext = async (answer: Record<string, unknown>) => {
      const cmd = await nextCmd(socket);
      socket.ws.send(JSON.stringify({ type: 'cmd_result', id: cmd.id, ...answer }));
      return cmd;
    };
    const audit = async () =>
      AuditListSchema.parse(await (await get('/api/audit?limit=50', 'admin')).json()).items;

    before(async () => {
      hub = await startTestHub({ database: await backend.open() });
      await createUser(hub.deps.db, { username: 'ed', password: PASSWORD, role: 'editor' });
      await createUser(hub.deps.db, { username: 'vi', password: PASSWORD, role: 'viewer' });
      cookies.admin = await login(hub);
      cookies.editor = await login(hub, 'ed', PASSWORD);
      cookies.viewer = await login(hub, 'vi', PASSWORD);
      agent = await enrollAgent(hub, 'actions-host');
      socket = await connectAgent(hub, agent);
      socket.ws.send(JSON.stringify(batch(1, Date.now(), ['web'])));
      webId = containerKey(agent.agentId, ENGINE.id, 'web-engine-id');
      for (;;) {
        if ((await get(`/api/containers/${webId}`, 'admin')).status === 200) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    after(async () => {
      socket?.ws.close();
      await hub?.close();
    });

    it('a viewer gets 403, the agent is not asked, and the attempt is audited as forbidden', async () => {
      const res = await post(`/api/containers/${webId}/actions/restart`, 'viewer');
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'forbidden');
      assert.equal(hub.deps.agents.commands.pendingCount, 0);
      const [last] = await audit();
      assert.equal(last?.username, 'vi');
      assert.equal(last?.action, 'container.restart');
      assert.equal(last?.objectId, webId);
      assert.equal(last?.objectName, 'web');
      assert.equal(last?.outcome, 'forbidden');
      assert.equal(last?.ip, '127.0.0.1');
    });

    it('an editor restarts: the agent gets container.action with engine and container id; 200 and audited ok', async () => {
      const res = post(`/api/containers/${webId}/actions/restart`, 'editor', { timeoutSec: 3 });
      const cmd = await answerNext({
        ok: true,
        result: { ok: true, action: 'restart', containerId: 'web-engine-id' },
      });
      assert.equal(cmd.kind, 'container.action');
      assert.deepEqual(cmd.args, {
        timeoutSec: 3,
        engineId: ENGINE.id,
        containerId: 'web-engine-id',
        action: 'restart',
      });
      const answer = await res;
      assert.equal(answer.status, 200);
      assert.deepEqual(await answer.json(), {
        ok: true,
        action: 'restart',
        id: webId,
        containerId: 'web-engine-id',
      });
      const [last] = await audit();
      assert.deepEqual([last?.username, last?.action, last?.outcome], ['ed', 'container.restart', 'ok']);
    });

    it("a read-only agent's refusal is 409 read_only with the agent's message, and audited", async () => {
      const res = post(`/api/containers/${webId}/actions/kill`, 'admin', { signal: 'SIGKILL' });
      await answerNext({
        ok: false,
        error: { code: 'read_only', message: 'this agent runs with --read-only and refuses actions' },
      });
      const answer = await res;
      assert.equal(answer.status, 409);
      assert.deepEqual(await answer.json(), {
        error: { code: 'read_only', message: 'this agent runs with --read-only and refuses actions' },
      });
      const [last] = await audit();
      assert.deepEqual([last?.action, last?.outcome], ['container.kill', 'read_only']);
    });

    it('validates the action and the body: 400 before anything is sent', async () => {
      assert.equal((await post(`/api/containers/${webId}/actions/explode`, 'admin')).status, 400);
      assert.equal(
        (await post(`/api/containers/${webId}/actions/kill`, 'admin', { signal: 'rm -rf' })).status,
        400,
      );
      assert.equal(
        (await post(`/api/containers/${webId}/actions/remove`, 'admin', { force: 'yes' })).status,
        400,
      );
      assert.equal(hub.deps.agents.commands.pendingCount, 0);
    });

    it('an unknown container is 404', async () => {
      const res = await post('/api/containers/0123456789abcdef/actions/start', 'editor');
      assert.equal(res.status, 404);
    });

    it('the agent timing out is 504 timeout', async () => {
      const container = ContainerSchema.parse(await (await get(`/api/containers/${webId}`, 'admin')).json());
      const user = { id: '00000000-0000-4000-8000-000000000001', username: 'ed', role: 'editor' as const };
      const result = await runContainerAction(
        hub.deps,
        { user, ip: null, container, action: 'stop', body: {} },
        200,
      );
      assert.equal(result.ok ? undefined : result.error.code, 'timeout');
      const unanswered = await nextCmd(socket);
      assert.deepEqual(unanswered.args, {
        engineId: ENGINE.id,
        containerId: 'web-engine-id',
        action: 'stop',
      });
      for (;;) if ((await socket.next()).type === 'cancel') break; // the hub cancelled it
      const [last] = await audit();
      assert.deepEqual([last?.action, last?.outcome], ['container.stop', 'timeout']);
    });

    it('a scan: 501 "Trivy is not installed on this host" when the agent has none, then a stored scan', async () => {
      let res = post(`/api/containers/${webId}/scan`, 'editor');
      await answerNext({
        ok: false,
        error: { code: 'unsupported', message: 'Trivy is not installed on this host' },
      });
      const missing = await res;
      assert.equal(missing.status, 501);
      assert.equal(
        ((await missing.json()) as { error: { message: string } }).error.message,
        'Trivy is not installed on this host',
      );
      const before = (await (await get(`/api/containers/${webId}/scan`, 'viewer')).json()) as {
        scanner: string;
      };
      assert.equal(before.scanner, 'missing');

      assert.equal((await post(`/api/containers/${webId}/scan`, 'viewer')).status, 403);
      res = post(`/api/containers/${webId}/scan`, 'editor');
      const scan = {
        image: 'localhost/busybox:latest',
        scannedAt: Date.now(),
        counts: { CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 },
        vulnerabilities: [
          {
            id: 'CVE-2022-48174',
            package: 'busybox',
            installedVersion: '1.36.1-r0',
            fixedVersion: '1.36.1-r1',
            severity: 'CRITICAL',
            title: 'busybox: stack overflow',
            target: 'alpine',
          },
        ],
        truncated: false,
      };
      const cmd = await answerNext({ ok: true, result: scan });
      assert.deepEqual([cmd.kind, cmd.args], ['image.scan', { image: 'localhost/busybox:latest' }]);
      assert.equal((await res).status, 200);
      const stored = (await (await get(`/api/containers/${webId}/scan`, 'viewer')).json()) as {
        scanner: string;
        scan: unknown;
      };
      assert.equal(stored.scanner, 'available');
      assert.deepEqual(stored.scan, scan);
      const list = (await (await get('/api/images/scans', 'viewer')).json()) as {
        items: { image: string; counts: unknown }[];
      };
      assert.deepEqual(list.items.find((i) => i.image === scan.image)?.counts, scan.counts);
    });

    it('a scheduled scan arriving in a batch is stored, and an older one does not replace it', async () => {
      const mk = (scannedAt: number, critical: number) => ({
        kind: 'image_scan',
        ts: scannedAt,
        scan: {
          image: 'docker.io/library/redis:7',
          scannedAt,
          counts: { CRITICAL: critical, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 },
          vulnerabilities: [],
          truncated: false,
        },
      });
      const now = Date.now();
      socket.ws.send(JSON.stringify({ type: 'batch', seq: 2, items: [mk(now, 2)] }));
      socket.ws.send(JSON.stringify({ type: 'batch', seq: 3, items: [mk(now - 60_000, 9)] }));
      const find = async () =>
        (
          (await (await get('/api/images/scans', 'viewer')).json()) as {
            items: { image: string; counts: { CRITICAL: number } }[];
          }
        ).items.find((i) => i.image === 'docker.io/library/redis:7');
      let found = await find();
      for (let i = 0; i < 100 && !found; i++) {
        await new Promise((r) => setTimeout(r, 20));
        found = await find();
      }
      await new Promise((r) => setTimeout(r, 200)); // the older batch too
      assert.equal((await find())?.counts.CRITICAL, 2);
    });

    it('the audit log is for admins only, newest first, and pages with before', async () => {
      assert.equal((await get('/api/audit', 'editor')).status, 403);
      assert.equal((await get('/api/audit', 'viewer')).status, 403);
      assert.equal((await get('/api/audit?limit=0', 'admin')).status, 400);
      const page = AuditListSchema.parse(await (await get('/api/audit?limit=2', 'admin')).json());
      assert.equal(page.items.length, 2);
      assert.ok((page.items[0]?.at ?? 0) >= (page.items[1]?.at ?? 0));
      assert.ok(page.nextBefore);
      const older = AuditListSchema.parse(
        await (await get(`/api/audit?limit=50&before=${page.nextBefore}`, 'admin')).json(),
      );
      assert.ok(older.items.every((e) => e.at < (page.nextBefore ?? 0)));
      assert.ok(older.items.length >= 3);
    });

    it('an offline agent is 503 agent_offline', async () => {
      socket.ws.close();
      await socket.closed;
      for (let i = 0; i < 100 && hub.deps.agents.connected > 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      const res = await post(`/api/containers/${webId}/actions/start`, 'editor');
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'agent_offline');
    });
  });
}
