/**
 * Backup codes: 10 per user, each 80 random bits written as 16 base32 characters in groups of
 * four. Stored as a plain SHA-256: with 80 bits of entropy per code an offline search of a
 * leaked table is out of reach (2^80 hashes), so a slow hash (argon2id) would add nothing but
 * ~50 ms per code per sign-in; a slow hash is for low-entropy secrets people choose.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { base32Encode } from './totp.js';

export const BACKUP_CODE_COUNT = 10;

/** A fresh code, lower-case, e.g. `k3vq-7mpa-x2ld-9fwe`. */
export function newBackupCode(): string {
  const raw = base32Encode(randomBytes(10)).toLowerCase();
  return raw.match(/.{4}/g)?.join('-') ?? raw;
}

/** What a person types, without case, spaces or dashes. */
export const normaliseBackupCode = (code: string): string => code.replace(/[\s-]/g, '').toLowerCase();

export const isBackupCodeShape = (code: string): boolean => /^[a-z2-7]{16}$/.test(normaliseBackupCode(code));

export const hashBackupCode = (code: string): string =>
  createHash('sha256').update(normaliseBackupCode(code)).digest('hex');
