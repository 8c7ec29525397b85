/**
 * Channels in the database. Secret settings are split off and sealed (see secrets.ts); the
 * `settings` column keeps the rest with each secret already masked, so listing channels never
 * needs the key. An update merges: a secret left out or sent back as it was shown keeps its
 * stored value, `null` removes an optional one.
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  type Channel,
  type ChannelCreate,
  type ChannelSettings,
  ChannelSettingsSchema,
  type ChannelTemplates,
  type ChannelUpdate,
  describeIssues,
  maskSecret,
  maskSettings,
  SECRET_FIELDS,
  SECRET_MASK,
} from '@unity/shared';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { channels, contactPointChannels, contactPoints } from '../db/schema.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { isUniqueViolation } from './db-errors.js';
import type { SecretBox } from './secrets.js';
import { checkTemplates } from './templates/validate.js';

type Row = typeof channels.$inferSelect;

/** A channel with its secrets opened, for sending only: never answered or logged. */
export type LoadedChannel = {
  id: string;
  name: string;
  enabled: boolean;
  rateLimitPerMinute: number;
  settings: ChannelSettings;
  templates: ChannelTemplates;
  /** Every secret string of the settings, to scrub from error messages. */
  secretValues: string[];
};

const toChannel = (row: Row): Channel => ({
  id: row.id,
  name: row.name,
  type: row.type as Channel['type'],
  enabled: row.enabled,
  rateLimitPerMinute: row.rateLimitPerMinute,
  templates: row.templates ?? {},
  settings: row.settings as ChannelSettings,
  createdAt: row.createdAt.getTime(),
  updatedAt: row.updatedAt.getTime(),
});

/** The secret fields that are set, and the settings with them masked. */
function split(settings: ChannelSettings): { masked: ChannelSettings; secrets: Record<string, unknown> } {
  const secrets: Record<string, unknown> = {};
  const all = settings as Record<string, unknown>;
  for (const field of Object.keys(SECRET_FIELDS[settings.type])) {
    if (all[field] !== undefined) secrets[field] = all[field];
  }
  return { masked: maskSettings(settings), secrets };
}

function sealed(box: SecretBox, id: string, secrets: Record<string, unknown>): string | null {
  return Object.keys(secrets).length > 0 ? box.seal(JSON.stringify(secrets), id) : null;
}

function openSettings(box: SecretBox, row: Row): ChannelSettings {
  const secrets = row.secrets ? (JSON.parse(box.open(row.secrets, row.id)) as Record<string, unknown>) : {};
  return { ...row.settings, ...secrets } as ChannelSettings;
}

/** Every string inside the secret fields (header values, each Apprise URL…). */
function secretStrings(settings: ChannelSettings): string[] {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string' && v.length >= 4) out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  const all = settings as Record<string, unknown>;
  for (const field of Object.keys(SECRET_FIELDS[settings.type])) visit(all[field]);
  return out;
}

const SettingsBody = z.object({ settings: ChannelSettingsSchema });

/** Validates merged settings; a bad one answers 400 naming `settings.<field>`. */
function parseSettings(raw: unknown): ChannelSettings {
  const parsed = SettingsBody.safeParse({ settings: raw });
  if (!parsed.success) throw badRequest(`invalid body: ${describeIssues(parsed.error)}`);
  return parsed.data.settings;
}

/** The incoming settings with kept secrets filled in from the stored ones (same type only). */
export function mergeSecrets(
  incoming: Record<string, unknown>,
  stored: ChannelSettings,
): Record<string, unknown> {
  const out = { ...incoming };
  if (incoming.type !== stored.type) return out;
  const old = stored as Record<string, unknown>;
  for (const [field, kind] of Object.entries(SECRET_FIELDS[stored.type])) {
    const now = out[field];
    const was = old[field];
    if (now === null) {
      delete out[field];
    } else if (was === undefined) {
      // nothing stored to keep
    } else if (
      now === undefined ||
      now === SECRET_MASK ||
      (kind !== 'headers' && kind !== 'urls' && now === maskSecret(kind, was))
    ) {
      out[field] = was;
    } else if (kind === 'headers' && typeof now === 'object') {
      const wasHeaders = was as Record<string, string>;
      out[field] = Object.fromEntries(
        Object.entries(now as Record<string, unknown>).map(([k, v]) => [
          k,
          v === SECRET_MASK && k in wasHeaders ? wasHeaders[k] : v,
        ]),
      );
    } else if (kind === 'urls' && Array.isArray(now) && Array.isArray(was)) {
      const shown = maskSecret('urls', was) as string[];
      out[field] = now.map((v, i) => (v === shown[i] ? was[i] : v));
    }
  }
  return out;
}

export async function listChannels(db: Db): Promise<Channel[]> {
  return (await db.select().from(channels).orderBy(asc(channels.name))).map(toChannel);
}

export async function getChannel(db: Db, id: string): Promise<Channel | undefined> {
  const [row] = await db.select().from(channels).where(eq(channels.id, id));
  return row && toChannel(row);
}

export async function loadChannel(db: Db, box: SecretBox, id: string): Promise<LoadedChannel | undefined> {
  const [row] = await db.select().from(channels).where(eq(channels.id, id));
  if (!row) return undefined;
  const settings = openSettings(box, row);
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    rateLimitPerMinute: row.rateLimitPerMinute,
    settings,
    templates: row.templates ?? {},
    secretValues: secretStrings(settings),
  };
}

export async function createChannel(
  db: Db,
  box: SecretBox,
  input: Omit<ChannelCreate, 'templates'> & { templates?: ChannelTemplates },
): Promise<Channel> {
  const templates = input.templates ?? {};
  checkTemplates(templates, input.settings);
  const id = randomUUID();
  const { masked, secrets } = split(input.settings);
  try {
    const [row] = await db
      .insert(channels)
      .values({
        id,
        name: input.name,
        type: input.settings.type,
        enabled: input.enabled,
        rateLimitPerMinute: input.rateLimitPerMinute,
        templates,
        settings: masked,
        secrets: sealed(box, id, secrets),
      })
      .returning();
    if (!row) throw new Error('channel insert returned no row');
    return toChannel(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a channel named "${input.name}" already exists`);
    throw error;
  }
}

export async function updateChannel(
  db: Db,
  box: SecretBox,
  id: string,
  input: ChannelUpdate,
): Promise<Channel> {
  const [row] = await db.select().from(channels).where(eq(channels.id, id));
  if (!row) throw notFound('channel not found');
  const settings = parseSettings(mergeSecrets(input.settings, openSettings(box, row)));
  checkTemplates(input.templates, settings);
  const { masked, secrets } = split(settings);
  try {
    const [updated] = await db
      .update(channels)
      .set({
        name: input.name,
        type: settings.type,
        enabled: input.enabled,
        rateLimitPerMinute: input.rateLimitPerMinute,
        templates: input.templates,
        settings: masked,
        secrets: sealed(box, id, secrets),
        updatedAt: new Date(),
      })
      .where(eq(channels.id, id))
      .returning();
    if (!updated) throw notFound('channel not found');
    return toChannel(updated);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a channel named "${input.name}" already exists`);
    throw error;
  }
}

/** Refused while a contact point still names the channel; its delivery log goes with it. */
export async function deleteChannel(db: Db, id: string): Promise<void> {
  const users = await db
    .select({ name: contactPoints.name })
    .from(contactPointChannels)
    .innerJoin(contactPoints, eq(contactPoints.id, contactPointChannels.contactPointId))
    .where(eq(contactPointChannels.channelId, id));
  if (users.length > 0) {
    throw conflict(`the channel is used by contact point(s) ${users.map((u) => `"${u.name}"`).join(', ')}`);
  }
  const deleted = await db.delete(channels).where(eq(channels.id, id)).returning({ id: channels.id });
  if (deleted.length === 0) throw notFound('channel not found');
}
