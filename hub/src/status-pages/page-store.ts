/**
 * Status pages in the database: the page row with its chosen items, validated by the caller.
 * A slug is unique: a clash (checked first, and caught from the unique index when two writers
 * race) is a `conflict`.
 * @module
 */
import type { StatusPage, StatusPageInput, StatusPagePatch } from '@unity/shared';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { statusPages } from '../db/schema.js';
import { conflict } from '../errors.js';

type Row = typeof statusPages.$inferSelect;

export function toStatusPage(row: Row): StatusPage {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    description: row.description,
    theme: row.theme,
    published: row.published,
    items: row.items,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** PostgreSQL's unique_violation, as thrown by postgres.js or PGlite (possibly wrapped by drizzle). */
function isUniqueViolation(e: unknown): boolean {
  for (let err = e; err && typeof err === 'object'; err = (err as { cause?: unknown }).cause)
    if ((err as { code?: unknown }).code === '23505') return true;
  return false;
}

const slugTaken = (slug: string) => conflict(`the slug ${slug} is taken by another status page`);

async function ensureFreeSlug(db: Db, slug: string, ownId?: string): Promise<void> {
  const [row] = await db.select({ id: statusPages.id }).from(statusPages).where(eq(statusPages.slug, slug));
  if (row && row.id !== ownId) throw slugTaken(slug);
}

export async function listStatusPages(db: Db): Promise<StatusPage[]> {
  const rows = await db.select().from(statusPages).orderBy(asc(statusPages.title), asc(statusPages.id));
  return rows.map(toStatusPage);
}

export async function getStatusPage(db: Db, id: string): Promise<StatusPage | undefined> {
  const [row] = await db.select().from(statusPages).where(eq(statusPages.id, id));
  return row ? toStatusPage(row) : undefined;
}

export async function getStatusPageBySlug(db: Db, slug: string): Promise<StatusPage | undefined> {
  const [row] = await db.select().from(statusPages).where(eq(statusPages.slug, slug));
  return row ? toStatusPage(row) : undefined;
}

export async function createStatusPage(db: Db, input: StatusPageInput): Promise<StatusPage> {
  await ensureFreeSlug(db, input.slug);
  try {
    const [row] = await db.insert(statusPages).values(input).returning();
    return toStatusPage(row as Row);
  } catch (e) {
    if (isUniqueViolation(e)) throw slugTaken(input.slug);
    throw e;
  }
}

export async function updateStatusPage(
  db: Db,
  id: string,
  patch: StatusPagePatch,
): Promise<StatusPage | undefined> {
  if (patch.slug !== undefined) await ensureFreeSlug(db, patch.slug, id);
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  try {
    const [row] = await db
      .update(statusPages)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(statusPages.id, id))
      .returning();
    return row ? toStatusPage(row) : undefined;
  } catch (e) {
    if (isUniqueViolation(e) && patch.slug !== undefined) throw slugTaken(patch.slug);
    throw e;
  }
}

export async function deleteStatusPage(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(statusPages).where(eq(statusPages.id, id)).returning({ id: statusPages.id });
  return rows.length > 0;
}
