/**
 * Alert fingerprints: the first 16 hex of sha256 over the rule id and the sorted labels, so the
 * same rule and object give the same fingerprint across evaluations and hub restarts.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Labels } from './types.js';

/** Stable hash of the rule id and labels (label order does not matter). */
export function fingerprint(ruleId: string, labels: Labels): string {
  const hash = createHash('sha256').update(ruleId);
  for (const key of Object.keys(labels).sort()) hash.update(`\0${key}\0${labels[key]}`);
  return hash.digest('hex').slice(0, 16);
}
