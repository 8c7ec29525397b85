/**
 * The password policy of NIST SP 800-63B §3.1.1.2 and OWASP ASVS 5.0 V6.2: a length floor of
 * 15 characters when the password is the only factor (8 once a second factor is enrolled), at
 * least 64 characters accepted, no composition rules and no forced rotation, and a refusal of
 * passwords found in a list of commonly used or breached ones or built from the user's own name.
 * The blocklist is the zxcvbn-ts common-passwords dictionary (MIT, about 49,000 entries),
 * compared without case since attackers' lists try every casing of the common ones.
 * Optional, off by default: reuse history (`historySize`).
 * @module
 */
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_LENGTH_SINGLE_FACTOR = 15;
export const MIN_LENGTH_WITH_SECOND_FACTOR = 8;
/** ASVS asks for at least 64; argon2 has no input limit, so this only stops absurd bodies. */
export const MAX_LENGTH = 1024;

let blocklist: Set<string> | undefined;

/** The common passwords, lower-cased; built on first use (about 5 ms). */
function commonPasswords(): Set<string> {
  blocklist ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return blocklist;
}

export const blocklistSize = (): number => commonPasswords().size;

export type PolicyContext = {
  username?: string | undefined;
  /** True once the account has a second factor (TOTP, WebAuthn): the floor drops to 8. */
  hasSecondFactor?: boolean;
};

/** Code points, so a password of emoji is counted as a person would count it (NIST: Unicode). */
const lengthOf = (s: string): number => [...s].length;

/** Every reason the password is refused; empty when it is accepted. */
export function passwordProblems(password: string, context: PolicyContext = {}): string[] {
  const problems: string[] = [];
  const min = context.hasSecondFactor ? MIN_LENGTH_WITH_SECOND_FACTOR : MIN_LENGTH_SINGLE_FACTOR;
  const length = lengthOf(password);
  if (length < min) problems.push(`use at least ${min} characters (this has ${length})`);
  if (length > MAX_LENGTH) problems.push(`use at most ${MAX_LENGTH} characters`);
  const lower = password.normalize('NFKC').toLowerCase();
  if (commonPasswords().has(lower)) problems.push('this is a commonly used password; choose another');
  const name = context.username?.toLowerCase();
  if (name && name.length >= 3 && lower.includes(name))
    problems.push('do not use your username in the password');
  if (length > 0 && new Set(password).size === 1) problems.push('do not repeat one character');
  return problems;
}
