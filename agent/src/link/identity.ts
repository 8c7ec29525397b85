/**
 * The agent's identity in `<state>/identity.json` (mode 0600, directory 0700): its Ed25519 key
 * pair, made on first start, and once enrolled its id, the hub's id, the pinned hub public key
 * and the hub URL. Written atomically so a crash never leaves half a key.
 * @module
 */
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { Ed25519PublicJwkSchema } from '@unity/shared';
import * as z from 'zod/mini';
import { AgentError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { chmod, mkdir, readFile } from '../util/fs-async.js';

export const PrivateJwkSchema = z.extend(Ed25519PublicJwkSchema, {
  d: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)),
});

const EnrollmentSchema = z.object({
  agentId: z.uuid(),
  hubId: z.uuid(),
  hubPublicKey: Ed25519PublicJwkSchema,
  hubUrl: z.string(),
  enrolledAt: z.string(),
});

export const IdentityFileSchema = z.object({
  version: z.literal(1),
  privateKey: PrivateJwkSchema,
  enrollment: z.optional(EnrollmentSchema),
});

export type PrivateJwk = z.infer<typeof PrivateJwkSchema>;
export type Enrollment = z.infer<typeof EnrollmentSchema>;
export type IdentityFile = z.infer<typeof IdentityFileSchema>;

export const identityPath = (stateDir: string): string => join(stateDir, 'identity.json');

/** The public half of the agent key, as sent at enrollment. */
export const publicJwk = ({ kty, crv, x }: PrivateJwk) => ({ kty, crv, x });

/** A fresh Ed25519 key pair as a private JWK (the public key is its `x`). */
export function generateAgentKey(): PrivateJwk {
  const { privateKey } = generateKeyPairSync('ed25519');
  return PrivateJwkSchema.parse(privateKey.export({ format: 'jwk' }));
}

/** Creates the state dir (0700) if needed; tightens it if it was looser. */
export async function ensureStateDir(stateDir: string): Promise<void> {
  try {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await chmod(stateDir, 0o700);
  } catch (error) {
    throw new AgentError('identity', `cannot use state dir ${stateDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Reads the identity file, or undefined when there is none yet; a corrupt file is an error. */
export async function readIdentity(stateDir: string): Promise<IdentityFile | undefined> {
  let text: string;
  try {
    text = await readFile(identityPath(stateDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AgentError('identity', `cannot read ${identityPath(stateDir)}`, { cause: error });
  }
  const parsed = IdentityFileSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new AgentError(
      'identity',
      `${identityPath(stateDir)} is not a valid identity file; move it away to re-enroll`,
    );
  }
  return parsed.data;
}

export async function writeIdentity(stateDir: string, identity: IdentityFile): Promise<void> {
  await writeFileAtomic(identityPath(stateDir), `${JSON.stringify(identity, null, 2)}\n`, 0o600);
}

/** The stored identity, or a new one with a fresh key (saved before it is used). */
export async function loadOrCreateIdentity(stateDir: string): Promise<IdentityFile> {
  await ensureStateDir(stateDir);
  const existing = await readIdentity(stateDir);
  if (existing) return existing;
  const identity: IdentityFile = { version: 1, privateKey: generateAgentKey() };
  await writeIdentity(stateDir, identity);
  return identity;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
