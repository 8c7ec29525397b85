/**
 * Search filters with user input in them. RFC 4515 §3: in an assertion value the characters
 * `*`, `(`, `)`, `\` and NUL must be written as `\2a`, `\28`, `\29`, `\5c`, `\00`; anything
 * else may stand as itself. Every value that reaches a filter goes through `escapeFilterValue`,
 * so a sign-in name like `*)(uid=*` matches nobody instead of everybody.
 * @module
 */

const SPECIAL = /[*()\\\0]/g;

/** The RFC 4515 escaped form of an assertion value. */
export function escapeFilterValue(value: string): string {
  return value.replace(SPECIAL, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The admin's user filter with `{username}` replaced by the escaped sign-in name. */
export function userFilter(template: string, username: string): string {
  return template.replaceAll('{username}', escapeFilterValue(username));
}

/**
 * The groups a user belongs to, searched rather than read from `memberOf` (an overlay many
 * directories lack): groupOfNames by `member` DN, groupOfUniqueNames by `uniqueMember` DN,
 * posixGroup by `memberUid` name, Active Directory's `group` by `member` DN; `extra` (the admin's group filter) narrows it further.
 */
export function groupFilter(dn: string, username: string, extra: string): string {
  const d = escapeFilterValue(dn);
  const u = escapeFilterValue(username);
  const any =
    `(|(&(objectClass=groupOfNames)(member=${d}))` +
    `(&(objectClass=groupOfUniqueNames)(uniqueMember=${d}))` +
    `(&(objectClass=group)(member=${d}))` +
    `(&(objectClass=posixGroup)(memberUid=${u})))`;
  return extra ? `(&${any}${extra})` : any;
}
