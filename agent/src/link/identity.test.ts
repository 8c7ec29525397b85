import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONNECT_TOKEN_TTL_SEC, type Ed25519PublicJwk, hubAudience } from '@unity/shared';
import { decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from 'jose';
import { AgentError } from '../errors.js';
import {
  identityPath,
  loadOrCreateIdentity,
  type PrivateJwk,
  PrivateJwkSchema,
  publicJwk,
  readIdentity,
  writeIdentity,
} from './identity.js';
import { signConnectToken, verifyHubProof } from './token.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'unity-identity-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const hubKey = (): PrivateJwk =>
  PrivateJwkSchema.parse(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }));

describe('identity', () => {
  it('makes a key on first start, in a 0600 file inside a 0700 dir, and keeps it', async () => {
    const dir = join(root, 'state-a', 'nested');
    const first = await loadOrCreateIdentity(dir);
    assert.equal((await stat(identityPath(dir))).mode & 0o777, 0o600);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal(first.enrollment, undefined);
    const second = await loadOrCreateIdentity(dir);
    assert.deepEqual(second.privateKey, first.privateKey);
    assert.deepEqual(await readdir(dir), ['identity.json'], 'no temp files left behind');
  });

  it('stores the enrollment and pinned hub key', async () => {
    const dir = join(root, 'state-b');
    const identity = await loadOrCreateIdentity(dir);
    const enrollment = {
      agentId: randomUUID(),
      hubId: randomUUID(),
      hubPublicKey: publicJwk(hubKey()),
      hubUrl: 'http://127.0.0.1:1',
      enrolledAt: new Date().toISOString(),
    };
    await writeIdentity(dir, { ...identity, enrollment });
    assert.deepEqual((await readIdentity(dir))?.enrollment, enrollment);
    assert.equal((await stat(identityPath(dir))).mode & 0o777, 0o600);
  });

  it('refuses a corrupt identity file instead of silently re-keying', async () => {
    const dir = join(root, 'state-c');
    await loadOrCreateIdentity(dir);
    await writeFile(identityPath(dir), '{"version":1}');
    await assert.rejects(readIdentity(dir), (e: unknown) => e instanceof AgentError && e.code === 'identity');
  });
});

describe('connect token', () => {
  it('verifies with the agent public key and carries the agreed claims', async () => {
    const key = (await loadOrCreateIdentity(join(root, 'state-d'))).privateKey;
    const agentId = randomUUID();
    const hubId = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const { token, jti } = await signConnectToken({ privateKey: key, agentId, hubId, nowSec: now });
    assert.equal(decodeProtectedHeader(token).alg, 'EdDSA');
    const { payload } = await jwtVerify(token, await importJWK(publicJwk(key), 'EdDSA'), {
      audience: hubAudience(hubId),
      issuer: agentId,
      subject: agentId,
      algorithms: ['EdDSA'],
    });
    assert.equal(payload.jti, jti);
    assert.equal(payload.iat, now);
    assert.equal(payload.exp, now + CONNECT_TOKEN_TTL_SEC);
    const other = await signConnectToken({ privateKey: key, agentId, hubId });
    assert.notEqual(other.jti, jti, 'a fresh jti per connection');
  });

  it('does not verify with another key', async () => {
    const key = hubKey();
    const { token } = await signConnectToken({ privateKey: key, agentId: randomUUID(), hubId: randomUUID() });
    await assert.rejects(jwtVerify(token, await importJWK(publicJwk(hubKey()), 'EdDSA')));
  });
});

describe('hub proof', () => {
  const hub = hubKey();
  const agentId = randomUUID();
  const proof = async (claims: { aud?: string; nonce?: string }, key: PrivateJwk = hub) =>
    new SignJWT({ nonce: claims.nonce ?? 'n-1' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setAudience(claims.aud ?? agentId)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(await importJWK(key, 'EdDSA'));
  const pinned: Ed25519PublicJwk = publicJwk(hub);

  it('accepts a proof from the pinned key for this agent and nonce', async () => {
    const r = await verifyHubProof(await proof({}), { hubPublicKey: pinned, agentId, nonce: 'n-1' });
    assert.deepEqual(r, { ok: true, value: undefined });
  });

  it('refuses another key, another audience, another nonce', async () => {
    const opts = { hubPublicKey: pinned, agentId, nonce: 'n-1' };
    const wrongKey = await verifyHubProof(await proof({}, hubKey()), opts);
    assert.equal(wrongKey.ok, false);
    assert.equal((await verifyHubProof(await proof({ aud: 'someone-else' }), opts)).ok, false);
    const replay = await verifyHubProof(await proof({ nonce: 'n-0' }), opts);
    assert.equal(replay.ok, false);
    if (!replay.ok) assert.match(replay.error, /nonce/);
    assert.equal((await verifyHubProof('not.a.jwt', opts)).ok, false);
  });
});
