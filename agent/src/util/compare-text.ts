/**
 * Orders two strings by their UTF-16 code units, as `Array.prototype.sort` does by default.
 * Not `localeCompare`: its first call starts ICU's collator, about 3 MiB of resident memory
 * that then stays for the life of the process (issue 3's 60 MB figure), and the agent's
 * orderings (inventory lists, a scan's CVE ids) only need to be the same on every run.
 * @module
 */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
