/**
 * TOTP (RFC 6238) over HOTP (RFC 4226) with node:crypto: HMAC-SHA-1, 6 digits, 30 s steps, the
 * parameters every authenticator app defaults to (Google Authenticator ignores others). A code
 * is accepted for the current step and one step either side (RFC 6238 §5.2: allow for clock
 * drift and typing time); the caller refuses a step at or before the last one used, so a code
 * seen over someone's shoulder cannot be replayed.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one. */
export const TOTP_WINDOW = 1;
/** RFC 4226 §4 R6 asks for at least 128 bits and recommends 160: the length of an SHA-1 key. */
export const TOTP_SECRET_BYTES = 20;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding: what otpauth:// URIs carry. */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32, ignoring case, spaces and padding; undefined on any other character. */
export function base32Decode(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const index = ALPHABET.indexOf(ch);
    if (index < 0) return undefined;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export const newTotpSecret = (): string => base32Encode(randomBytes(TOTP_SECRET_BYTES));

/** The time step of `nowMs` (RFC 6238 §4.2: T = floor((now - T0) / X), T0 = 0). */
export const totpStep = (nowMs: number): number => Math.floor(nowMs / 1000 / TOTP_PERIOD_S);

/** HOTP(K, C) with dynamic truncation (RFC 4226 §5.3), `digits` long with leading zeros. */
export function hotp(key: Buffer, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const totpAt = (key: Buffer, nowMs: number, digits = TOTP_DIGITS): string =>
  hotp(key, totpStep(nowMs), digits);

/**
 * The step a code belongs to, searched within ±TOTP_WINDOW of `nowMs`, or undefined when it
 * matches none. Compared in constant time so response times do not leak matching digits.
 */
export function matchTotp(secretBase32: string, code: string, nowMs: number): number | undefined {
  const key = base32Decode(secretBase32);
  if (!key || !/^\d{6}$/.test(code)) return undefined;
  const current = totpStep(nowMs);
  let found: number | undefined;
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    if (timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(code))) found ??= step;
  }
  return found;
}

/**
 * The Key Uri Format authenticator apps read from the QR code: the label is
 * `Unity:<account>`, with the issuer repeated as a parameter as the format recommends.
 */
export function otpauthUri(account: string, secretBase32: string, issuer = 'Unity'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({
    secret: secretBase32,
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_S),
  });
  return `otpauth://totp/${label}?${params.toString()}`;
}
