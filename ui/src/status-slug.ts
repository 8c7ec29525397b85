/**
 * The address a new status page gets from its title, before the user types their own: what
 * the hub accepts (`SLUG_PATTERN`: 1–64 of a-z, 0-9 and inner dashes).
 * @module
 */

/** Lower-case ASCII words of the title joined by dashes; accents dropped, at most 64 characters. */
export const slugOf = (title: string) =>
  title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
