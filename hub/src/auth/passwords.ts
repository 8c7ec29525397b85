/**
 * Password hashing: argon2id with the OWASP Password Storage Cheat Sheet's first
 * recommendation (m = 19 MiB, t = 2, p = 1). Unknown users are checked against a dummy hash so
 * a failed sign-in takes about as long whether or not the name exists.
 * @module
 */
import { hash, verify } from '@node-rs/argon2';
import { newSecret } from './tokens.js';

/** `Algorithm.Argon2id`; the enum is `const` in the typings, which isolated modules cannot inline. */
const ARGON2ID = 2;

const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

/** The PHC prefix every current hash starts with: same algorithm and parameters as OPTIONS. */
const CURRENT = `$argon2id$v=19$m=${OPTIONS.memoryCost},t=${OPTIONS.timeCost},p=${OPTIONS.parallelism}$`;

/**
 * True when a stored hash uses another algorithm or weaker parameters than OPTIONS; sign-in
 * then re-hashes the password it just verified, so stored hashes follow the policy without
 * anyone resetting a password.
 */
export const needsRehash = (stored: string): boolean => !stored.startsWith(CURRENT);

let dummyHash: Promise<string> | undefined;

/** Computes the dummy hash ahead of the first sign-in, so even that one takes the usual time. */
export function warmPasswordCheck(): void {
  dummyHash ??= hashPassword(newSecret());
}

/** Verifies `password` against `stored`, or burns the same work against a dummy when there is none. */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (stored === undefined) {
    dummyHash ??= hashPassword(newSecret());
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
