/**
 * Random bearer secrets and their stored form. Only sha256 digests are stored: the secrets
 * carry 256 bits of entropy, so a fast hash suffices (no password-style stretching needed).
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url (43 characters). */
export const newSecret = (): string => randomBytes(32).toString('base64url');

export const sha256Hex = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
