/**
 * The WebAuthn ceremonies, through @simplewebauthn/server: registration of a passkey by a
 * signed-in user, and authentication either as the second step after a password (the user's own
 * credentials allowed, user presence enough) or passwordless (discoverable credentials, user
 * verification required: the passkey alone is then both factors). The relying party is the
 * config's (UNITY_PUBLIC_URL's host and origin unless set). Failures come back as values with a
 * reason for the audit log; the signature counter is checked and advanced in one statement
 * (WebAuthn §6.1.1: a counter that does not grow means a cloned authenticator).
 * @module
 */

import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { AuthenticationResponse, RegistrationResponse } from '@unity/shared';
import { and, eq, lt } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { passkeys } from '../../db/schema.js';
import { type CeremonyPurpose, challengeOf, consumeChallenge, storeChallenge } from './challenges.js';
import { listPasskeys, type PasskeyRow, passkeyByCredential } from './store.js';

export type CeremonyDeps = { db: Db; config: Config; clock: () => number };
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

const RP_NAME = 'Unity';
/** ES256, EdDSA, RS256: what platform authenticators and security keys use. */
const ALGORITHMS = [-7, -8, -257];
const TIMEOUT_MS = 60_000;

const userHandle = (userId: string) => new Uint8Array(Buffer.from(userId.replace(/-/g, ''), 'hex'));
const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 200);

export async function registrationOptions(
  cd: CeremonyDeps,
  user: { id: string; username: string; displayName: string },
) {
  const existing = await listPasskeys(cd.db, user.id);
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: cd.config.webauthn.rpId,
    userName: user.username,
    userID: userHandle(user.id),
    userDisplayName: user.displayName || user.username,
    timeout: TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    // Discoverable, so the same passkey also signs in without a username.
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    supportedAlgorithmIDs: ALGORITHMS,
  });
  await storeChallenge(cd.db, options.challenge, 'register', user.id, cd.clock());
  return options;
}

async function takeChallenge(
  cd: CeremonyDeps,
  clientDataJSON: string,
  purpose: CeremonyPurpose,
  userId: string | null,
): Promise<string | undefined> {
  const challenge = challengeOf(clientDataJSON);
  if (!challenge) return undefined;
  return (await consumeChallenge(cd.db, challenge, purpose, userId, cd.clock())) ? challenge : undefined;
}

export async function verifyRegistration(
  cd: CeremonyDeps,
  userId: string,
  name: string,
  response: RegistrationResponse,
): Promise<Outcome<PasskeyRow>> {
  const challenge = await takeChallenge(cd, response.response.clientDataJSON, 'register', userId);
  if (!challenge) return fail('unknown, expired or already used challenge');
  let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>['registrationInfo'];
  try {
    const verified = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: cd.config.webauthn.origins,
      expectedRPID: cd.config.webauthn.rpId,
      requireUserVerification: false,
      supportedAlgorithmIDs: ALGORITHMS,
    });
    info = verified.registrationInfo;
  } catch (e) {
    return fail(errorText(e));
  }
  if (!info) return fail('the registration could not be verified');
  if (await passkeyByCredential(cd.db, info.credential.id)) return fail('this passkey is already registered');
  const [row] = await cd.db
    .insert(passkeys)
    .values({
      userId,
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: response.response.transports ?? [],
      name,
      backedUp: info.credentialBackedUp,
    })
    .onConflictDoNothing()
    .returning();
  return row ? { ok: true, value: row } : fail('this passkey is already registered');
}

/** Options for `navigator.credentials.get()`: the user's own passkeys, or any (passwordless). */
export async function authenticationOptions(cd: CeremonyDeps, userId: string | null) {
  const allow = userId === null ? [] : await listPasskeys(cd.db, userId);
  const options = await generateAuthenticationOptions({
    rpID: cd.config.webauthn.rpId,
    timeout: TIMEOUT_MS,
    allowCredentials: allow.map((p) => ({ id: p.credentialId, transports: p.transports })),
    userVerification: userId === null ? 'required' : 'preferred',
  });
  await storeChallenge(
    cd.db,
    options.challenge,
    userId === null ? 'passwordless' : 'second_factor',
    userId,
    cd.clock(),
  );
  return options;
}

/**
 * Checks an assertion. With `userId` (second factor) the credential must be that user's; without
 * it (passwordless) the credential names the user, and user verification is required.
 */
export async function verifyAuthentication(
  cd: CeremonyDeps,
  userId: string | null,
  response: AuthenticationResponse,
): Promise<Outcome<PasskeyRow>> {
  const purpose = userId === null ? 'passwordless' : 'second_factor';
  const challenge = await takeChallenge(cd, response.response.clientDataJSON, purpose, userId);
  if (!challenge) return fail('unknown, expired or already used challenge');
  const passkey = await passkeyByCredential(cd.db, response.id);
  if (!passkey || (userId !== null && passkey.userId !== userId)) return fail('unknown passkey');
  const handle = response.response.userHandle;
  if (handle && handle !== Buffer.from(userHandle(passkey.userId)).toString('base64url')) {
    return fail('the passkey names another user');
  }
  let newCounter: number;
  try {
    const verified = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: cd.config.webauthn.origins,
      expectedRPID: cd.config.webauthn.rpId,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
        counter: passkey.counter,
        transports: passkey.transports,
      },
      requireUserVerification: userId === null,
    });
    if (!verified.verified) return fail('the signature does not verify');
    newCounter = verified.authenticationInfo.newCounter;
  } catch (e) {
    const text = errorText(e);
    return fail(
      /counter/i.test(text)
        ? `signature counter did not increase (possible cloned authenticator): ${text}`
        : text,
    );
  }
  // Advanced only if nobody else advanced it meanwhile (two racing assertions: one wins).
  // Authenticators without a counter always send 0, which the library accepts while we hold 0.
  const [updated] = await cd.db
    .update(passkeys)
    .set({ counter: newCounter, lastUsedAt: new Date(cd.clock()) })
    .where(
      and(
        eq(passkeys.id, passkey.id),
        newCounter === 0 ? eq(passkeys.counter, 0) : lt(passkeys.counter, newCounter),
      ),
    )
    .returning();
  return updated
    ? { ok: true, value: updated }
    : fail('signature counter did not increase (possible cloned authenticator)');
}
