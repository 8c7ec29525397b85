/**
 * Talking to the directory with ldapts: connections (plain, StartTLS, LDAPS with an optional CA
 * and a timeout on every step), search-then-bind — bind as the service account, find the user's
 * entry under the user base, then bind as that entry with the user's password — and the group
 * search that decides roles. Infrastructure problems are `LdapError`s with a code the callers
 * turn into clear messages; a wrong password or an unknown user is a plain result.
 * @module
 */
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client, type Entry, InvalidCredentialsError } from 'ldapts';
import { groupFilter, userFilter } from './filter.js';
import type { LdapSettings } from './settings-store.js';

export type LdapErrorCode = 'connect' | 'tls' | 'timeout' | 'service_bind' | 'search';

export class LdapError extends Error {
  override readonly name = 'LdapError';
  readonly code: LdapErrorCode;
  constructor(code: LdapErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export type DirectoryUser = { dn: string; username: string; email: string; displayName: string };

/** Node's codes for a certificate it would not accept (tls.TLSSocket's verifyError). */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_|ALTNAME|ERR_SSL|ERR_TLS|EPROTO/;

/** An ldapts or socket failure as an LdapError saying what to check. */
export function describeFailure(
  error: unknown,
  settings: Pick<LdapSettings, 'url'>,
  step: 'connect' | 'search',
): LdapError {
  if (error instanceof LdapError) return error;
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (TLS_CODES.test(code) || /certificate|TLS|SSL/i.test(message)) {
    return new LdapError(
      'tls',
      `the directory's TLS certificate was not accepted (${code || message}); set the CA certificate that signed it, or check the URL's host name matches the certificate`,
      { cause: error },
    );
  }
  if (/timeout|timed out/i.test(message) || code === 'ETIMEDOUT') {
    return new LdapError('timeout', `the directory at ${settings.url} did not answer in time`, {
      cause: error,
    });
  }
  if (step === 'connect' || /^E[A-Z]+$/.test(code) || /closed|socket/i.test(message)) {
    return new LdapError('connect', `cannot reach the directory at ${settings.url} (${code || message})`, {
      cause: error,
    });
  }
  return new LdapError('search', `the directory refused the search: ${message}`, { cause: error });
}

function tlsOptionsOf(settings: LdapSettings): ConnectionOptions {
  const host = new URL(settings.url).hostname.replace(/^\[|\]$/g, '');
  return {
    host,
    ...(isIP(host) ? {} : { servername: host }),
    rejectUnauthorized: settings.verifyCertificate,
    ...(settings.caCertificate ? { ca: [settings.caCertificate] } : {}),
  };
}

/** A connected client (TLS negotiated when asked); the caller unbinds it. */
async function open(settings: LdapSettings): Promise<Client> {
  const tls = tlsOptionsOf(settings);
  const client = new Client({
    url: settings.url,
    timeout: settings.timeoutMs,
    connectTimeout: settings.timeoutMs,
    ...(settings.security === 'ldaps' ? { tlsOptions: tls } : {}),
  });
  if (settings.security === 'starttls') {
    try {
      await client.startTLS(tls);
    } catch (error) {
      await client.unbind().catch(() => {});
      throw describeFailure(error, settings, 'connect');
    }
  }
  return client;
}

/** Opens a connection bound as the service account (anonymous when no bind DN is set). */
async function serviceClient(settings: LdapSettings): Promise<Client> {
  const client = await open(settings);
  if (!settings.bindDn) return client;
  try {
    await client.bind(settings.bindDn, settings.bindPassword);
    return client;
  } catch (error) {
    await client.unbind().catch(() => {});
    if (error instanceof InvalidCredentialsError) {
      throw new LdapError(
        'service_bind',
        'the directory refused the service account (bind DN or password wrong)',
      );
    }
    throw describeFailure(error, settings, 'connect');
  }
}

/** Runs `work` on a service-bound connection and always closes it. */
export async function withService<T>(
  settings: LdapSettings,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = await serviceClient(settings);
  try {
    return await work(client);
  } catch (error) {
    throw describeFailure(error, settings, 'search');
  } finally {
    await client.unbind().catch(() => {});
  }
}

const first = (entry: Entry, attribute: string): string => {
  // ldapts keys attributes as the server spelled them; match case-insensitively.
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key ? entry[key] : undefined;
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined ? '' : one.toString();
};

/** The one entry the user filter finds for `username`; none (or an ambiguous two) is undefined. */
export async function findUser(
  client: Client,
  settings: LdapSettings,
  username: string,
): Promise<DirectoryUser | undefined> {
  const { searchEntries } = await client.search(settings.userBase, {
    scope: 'sub',
    filter: userFilter(settings.userFilter, username),
    attributes: [settings.usernameAttribute, settings.emailAttribute, settings.displayNameAttribute],
    sizeLimit: 2,
  });
  const [entry, another] = searchEntries;
  if (!entry || another) return undefined;
  return {
    dn: entry.dn,
    username: first(entry, settings.usernameAttribute) || username,
    email: first(entry, settings.emailAttribute),
    displayName: first(entry, settings.displayNameAttribute),
  };
}

/** DNs of the groups (under the group base) that list the user as a member. */
export async function groupsOf(
  client: Client,
  settings: LdapSettings,
  user: DirectoryUser,
): Promise<string[]> {
  const { searchEntries } = await client.search(settings.groupBase, {
    scope: 'sub',
    filter: groupFilter(user.dn, user.username, settings.groupFilter),
    attributes: ['objectClass'],
    sizeLimit: 1000,
  });
  return searchEntries.map((e) => e.dn);
}

/** Binds as `dn` with `password` on a fresh connection: true when the directory accepts it. */
export async function passwordAccepted(
  settings: LdapSettings,
  dn: string,
  password: string,
): Promise<boolean> {
  // RFC 4513 §5.1.2: a simple bind with an empty password is an unauthenticated bind, which
  // many servers answer with success. It must never count as a verified password.
  if (password.length === 0) return false;
  const client = await open(settings);
  try {
    await client.bind(dn, password);
    return true;
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return false;
    throw describeFailure(error, settings, 'connect');
  } finally {
    await client.unbind().catch(() => {});
  }
}

export type Authentication =
  | { kind: 'ok'; user: DirectoryUser; groups: string[] }
  | { kind: 'unknown_user' }
  | { kind: 'wrong_password' };

/** Search-then-bind, then the user's groups (searched as the service account). */
export async function authenticate(
  settings: LdapSettings,
  username: string,
  password: string,
): Promise<Authentication> {
  return withService(settings, async (client) => {
    const user = await findUser(client, settings, username);
    if (!user) return { kind: 'unknown_user' };
    if (!(await passwordAccepted(settings, user.dn, password))) return { kind: 'wrong_password' };
    return { kind: 'ok', user, groups: await groupsOf(client, settings, user) };
  });
}
