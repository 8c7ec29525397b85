import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONNECT_TOKEN_TTL_SEC, type Ed25519PublicJwk, hubAudience } from '@unity/shared';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from 'jose';
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

  it('holds the time claims to the clock, with five minutes of skew either way', async () => {
    const signed = await proof({});
    const { exp, iat } = decodeJwt(signed) as { exp: number; iat: number };
    const check = (token: string, nowSec?: number) =>
      verifyHubProof(token, { hubPublicKey: pinned, agentId, nonce: 'n-1', ...(nowSec ? { nowSec } : {}) });
    assert.equal(
      (await check(signed, exp + 299)).ok,
      true,
      'a hub clock up to 5 minutes behind is tolerated',
    );
    const late = await check(signed, exp + 301);
    assert.equal(late.ok, false);
    if (!late.ok) assert.match(late.error, /expired/);
    const key = await importJWK(hub, 'EdDSA');
    const early = await new SignJWT({ nonce: 'n-1' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setAudience(agentId)
      .setNotBefore(iat + 600)
      .setExpirationTime(iat + 900)
      .sign(key);
    const notYet = await check(early, iat);
    assert.equal(notYet.ok, false);
    if (!notYet.ok) assert.match(notYet.error, /not yet valid/);
    const forever = await new SignJWT({ nonce: 'n-1' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setAudience(agentId)
      .sign(key);
    const noExp = await check(forever);
    assert.equal(noExp.ok, false, 'a proof without an expiry is refused');
  });

  it('refuses a proof whose header or payload was changed, another algorithm, a crit header', async () => {
    const opts = { hubPublicKey: pinned, agentId, nonce: 'n-1' };
    const [header, payload, signature] = (await proof({})).split('.') as [string, string, string];
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = [
      `${header}.${b64({ ...claims, nonce: 'n-2' })}.${signature}`,
      `${b64({ alg: 'none' })}.${payload}.`,
      `${b64({ alg: 'none' })}.${payload}.${signature}`,
      `${b64({ alg: 'EdDSA', crit: ['exp'] })}.${payload}.${signature}`,
      await new SignJWT({ nonce: 'n-1' })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience(agentId)
        .setExpirationTime('1m')
        .sign(Buffer.from(pinned.x, 'base64url')),
    ];
    for (const token of forged) assert.equal((await verifyHubProof(token, opts)).ok, false, token);
    // Signed properly by the pinned key, but asks for an extension the agent does not know.
    const critInput = `${b64({ alg: 'EdDSA', crit: ['urn:example'], 'urn:example': 1 })}.${payload}`;
    const critSignature = sign(null, Buffer.from(critInput), createPrivateKey({ key: hub, format: 'jwk' }));
    const crit = `${critInput}.${critSignature.toString('base64url')}`;
    const refused = await verifyHubProof(crit, opts);
    assert.equal(refused.ok, false, 'a signed crit header');
    if (!refused.ok) assert.match(refused.error, /critical/);
  });
});
