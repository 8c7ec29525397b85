/**
 * Alert fingerprints: a 64-bit hash (16 hex) of the rule id and the sorted labels, so the same
 * rule and object give the same fingerprint across evaluations and hub restarts. Like
 * Alertmanager's FNV-64a fingerprints it is not cryptographic: it is computed for every instance
 * on every evaluation, and nothing trusts it beyond telling instances apart.
 * @module
 */
import type { Labels } from './types.js';

/** Two independently mixed 32-bit lanes (cyrb53's construction, both lanes kept). */
function hash64(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** Stable hash of the rule id and labels (label order does not matter). */
export function fingerprint(ruleId: string, labels: Labels): string {
  let text = ruleId;
  for (const key of Object.keys(labels).sort()) text += `\0${key}\0${labels[key]}`;
  return hash64(text);
}
