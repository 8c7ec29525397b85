/**
 * The directory settings: one row, the bind password sealed with the hub's secret key (the
 * settings row's id as associated data) and never handed back through the API. Read through a
 * per-hub context that keeps the parsed settings in memory for a few seconds (dropped at once
 * when this hub saves new ones), so a sign-in or the sync loop's tick rarely costs a query.
 * @module
 */
import {
  type LdapSettingsUpdate,
  LdapSettingsUpdateSchema,
  type LdapSettingsView,
  LdapSettingsViewSchema,
} from '@unity/shared';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ldapSettings } from '../../db/schema.js';
import { SecretBox } from '../../notify/secrets.js';
import type { HubDeps } from '../../types.js';

export type LdapSettings = Omit<LdapSettingsUpdate, 'bindPassword'> & { bindPassword: string };
type StoredSettings = Omit<LdapSettings, 'bindPassword'>;
export type LastSync = { at: string; users: number; revoked: number; error: string | null };

const ROW = 1;
const SEAL_CONTEXT = 'ldap-settings:1';
const CACHE_MS = 5000;

/** What a hub without saved settings shows in the form: OpenLDAP's usual layout, switched off. */
export const DEFAULT_SETTINGS: StoredSettings = {
  enabled: false,
  url: 'ldap://localhost:389',
  security: 'starttls',
  caCertificate: '',
  verifyCertificate: true,
  bindDn: '',
  userBase: 'ou=people,dc=example,dc=org',
  userFilter: '(&(objectClass=inetOrgPerson)(uid={username}))',
  groupBase: 'ou=groups,dc=example,dc=org',
  groupFilter: '',
  usernameAttribute: 'uid',
  emailAttribute: 'mail',
  displayNameAttribute: 'displayName',
  autoProvision: true,
  mappings: [],
  syncIntervalSeconds: 900,
  timeoutMs: 5000,
};

export type LdapContext = {
  db: Db;
  box: SecretBox;
  /** The settings in force (with the opened bind password), or undefined when never saved. */
  settings(): Promise<LdapSettings | undefined>;
  /** Drops the cached settings (after a save). */
  reload(): void;
};

const contexts = new WeakMap<HubDeps, LdapContext>();

export function ldapContext(deps: HubDeps): LdapContext {
  let ctx = contexts.get(deps);
  if (!ctx) {
    const box = SecretBox.fromConfig(deps.config.notify.secretKey, deps.config.dataDir);
    let cached: Promise<LdapSettings | undefined> | undefined;
    let loadedAt = 0;
    ctx = {
      db: deps.db,
      box,
      settings: () => {
        // Kept a few seconds: another replica's save reaches this one that quickly.
        if (!cached || Date.now() - loadedAt > CACHE_MS) {
          loadedAt = Date.now();
          cached = loadSettings(deps.db, box).catch((error: unknown) => {
            cached = undefined;
            throw error;
          });
        }
        return cached;
      },
      reload: () => {
        cached = undefined;
      },
    };
    contexts.set(deps, ctx);
  }
  return ctx;
}

async function loadSettings(db: Db, box: SecretBox): Promise<LdapSettings | undefined> {
  const [row] = await db.select().from(ldapSettings).where(eq(ldapSettings.id, ROW));
  if (!row) return undefined;
  // Parsed again, so a row written by an older release still meets today's rules (or fails loudly).
  const parsed = LdapSettingsUpdateSchema.parse({ ...DEFAULT_SETTINGS, ...(row.settings as object) });
  const { bindPassword: _omitted, ...stored } = parsed;
  return {
    ...stored,
    bindPassword: row.bindPasswordSealed ? box.open(row.bindPasswordSealed, SEAL_CONTEXT) : '',
  };
}

/** The settings as the API shows them: everything but the bind password. */
export async function settingsView(db: Db): Promise<LdapSettingsView> {
  const [row] = await db.select().from(ldapSettings).where(eq(ldapSettings.id, ROW));
  const stored = row
    ? { ...DEFAULT_SETTINGS, ...(row.settings as Partial<StoredSettings>) }
    : DEFAULT_SETTINGS;
  const lastSync = LdapSettingsViewSchema.shape.lastSync.safeParse(row?.lastSync ?? null);
  return {
    ...stored,
    bindPasswordSet: Boolean(row?.bindPasswordSealed),
    lastSync: lastSync.success ? lastSync.data : null,
  };
}

/** Saves the settings; `bindPassword` undefined keeps the stored one, '' clears it. */
export async function saveSettings(ctx: LdapContext, update: LdapSettingsUpdate): Promise<void> {
  const { bindPassword, ...stored } = update;
  const sealed =
    bindPassword === undefined
      ? undefined
      : bindPassword === ''
        ? null
        : ctx.box.seal(bindPassword, SEAL_CONTEXT);
  await ctx.db
    .insert(ldapSettings)
    .values({ id: ROW, settings: stored, bindPasswordSealed: sealed ?? null, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: ldapSettings.id,
      set: {
        settings: stored,
        updatedAt: new Date(),
        ...(sealed === undefined ? {} : { bindPasswordSealed: sealed }),
      },
    });
  ctx.reload();
}

export async function recordLastSync(db: Db, result: LastSync): Promise<void> {
  await db.update(ldapSettings).set({ lastSync: result }).where(eq(ldapSettings.id, ROW));
}

/** The settings an admin is about to save, with the stored password when none is given (test button). */
export async function withStoredPassword(
  ctx: LdapContext,
  update: LdapSettingsUpdate,
): Promise<LdapSettings> {
  const { bindPassword, ...rest } = update;
  if (bindPassword !== undefined) return { ...rest, bindPassword };
  const current = await ctx.settings();
  return { ...rest, bindPassword: current?.bindPassword ?? '' };
}
