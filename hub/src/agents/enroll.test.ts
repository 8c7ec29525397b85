import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENROLL_PATH, EnrollmentTokenSchema, EnrollResponseSchema } from '@unity/shared';
import { count } from 'drizzle-orm';
import { exportJWK, generateKeyPair } from 'jose';
import { agents } from '../db/schema.js';
import { hostFacts } from '../testing/fixtures.js';
import { login, startTestHub, type TestHub } from '../testing/hub.js';
import { createEnrollmentToken, registerBootstrapToken } from './enrollment-tokens.js';

async function enrollBody(token: string) {
  const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = await exportJWK(publicKey);
  return { token, publicKey: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, host: hostFacts };
}

describe('enrollment', () => {
  let hub: TestHub;
  const post = async (body: unknown) => {
    const res = await fetch(`${hub.url}${ENROLL_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const agentCount = async () => (await hub.deps.db.select({ n: count() }).from(agents))[0]?.n ?? 0;
  const token = (ttlSec: number, maxUses: number, now?: number) =>
    createEnrollmentToken(hub.deps.db, { ttlSec, maxUses, createdBy: null }, hub.deps.config.publicUrl, now);

  before(async () => {
    hub = await startTestHub();
  });
  after(() => hub.close());

  it('enrolls with a good token and answers the agent id and the hub key', async () => {
    const { token: t } = await token(600, 1);
    const res = await post(await enrollBody(t));
    assert.equal(res.status, 201);
    const body = EnrollResponseSchema.parse(res.body);
    assert.equal(body.hubId, hub.deps.identity.hubId);
    assert.deepEqual(body.hubPublicKey, hub.deps.identity.publicJwk);
  });

  it('refuses a used-up token with 401 and creates no agent', async () => {
    const { token: t } = await token(600, 1);
    assert.equal((await post(await enrollBody(t))).status, 201);
    const before = await agentCount();
    const res = await post(await enrollBody(t));
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, {
      error: { code: 'unauthorized', message: 'enrollment token is expired or used up' },
    });
    assert.equal(await agentCount(), before);
  });

  it('refuses an expired token with 401', async () => {
    const { token: t } = await token(60, 5, Date.now() - 3600_000);
    const res = await post(await enrollBody(t));
    assert.equal(res.status, 401);
    assert.match(String((res.body.error as { message: string }).message), /expired or used up/);
  });

  it('refuses an unknown token with 401', async () => {
    const res = await post(await enrollBody('x'.repeat(43)));
    assert.equal(res.status, 401);
    assert.equal((res.body.error as { code: string }).code, 'unauthorized');
  });

  it('lets only as many agents enroll as the token has uses, even when they race', async () => {
    const { token: t } = await token(600, 3);
    const bodies = await Promise.all(Array.from({ length: 8 }, () => enrollBody(t)));
    const statuses = (await Promise.all(bodies.map(post))).map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 201, 201, 401, 401, 401, 401, 401]);
  });

  it('answers 400 naming the field for a bad body', async () => {
    const body = await enrollBody('y'.repeat(43));
    const res = await post({ ...body, publicKey: { ...body.publicKey, crv: 'P-256' } });
    assert.equal(res.status, 400);
    assert.match(String((res.body.error as { message: string }).message), /publicKey\.crv/);
  });

  it('registers the bootstrap token once: a used one stays used after a restart', async () => {
    const boot = 'b'.repeat(40);
    assert.equal(await registerBootstrapToken(hub.deps.db, boot), true);
    assert.equal((await post(await enrollBody(boot))).status, 201);
    assert.equal(await registerBootstrapToken(hub.deps.db, boot), false);
    assert.equal((await post(await enrollBody(boot))).status, 401);
  });

  it('creates enrollment tokens for an admin with the install command', async () => {
    const cookie = await login(hub);
    const res = await fetch(`${hub.url}/api/enrollment-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ ttlSec: 600, maxUses: 2 }),
    });
    assert.equal(res.status, 201);
    const created = EnrollmentTokenSchema.parse(await res.json());
    // Never a leading dash, which the agent's command line would take for an option.
    assert.match(created.token, /^uet_[A-Za-z0-9_-]{43}$/);
    assert.equal(
      created.installCommand,
      `curl -fsSL http://hub.test:8080/install.sh | sudo bash -s -- --hub http://hub.test:8080 --token ${created.token}`,
    );
    assert.equal((await post(await enrollBody(created.token))).status, 201);
  });
});
