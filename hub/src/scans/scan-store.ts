/**
 * The latest vulnerability scan per (host, image): written by on-request scans and by the
 * agents' scheduled ones (`image_scan` items); an older result never replaces a newer one.
 * @module
 */
import { type ImageScan, ImageScanSchema } from '@unity/shared';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { imageScans } from '../db/schema.js';

export async function saveScan(db: Db, hostId: string, scan: ImageScan): Promise<void> {
  await db
    .insert(imageScans)
    .values({ hostId, image: scan.image, scannedAt: new Date(scan.scannedAt), scan })
    .onConflictDoUpdate({
      target: [imageScans.hostId, imageScans.image],
      set: { scannedAt: sql`excluded.scanned_at`, scan: sql`excluded.scan` },
      setWhere: sql`${imageScans.scannedAt} <= excluded.scanned_at`,
    });
}

export async function latestScan(db: Db, hostId: string, image: string): Promise<ImageScan | null> {
  const [row] = await db
    .select({ scan: imageScans.scan })
    .from(imageScans)
    .where(and(eq(imageScans.hostId, hostId), eq(imageScans.image, image)));
  // Stored JSON is re-checked: a row written by an older hub must not break the response.
  const parsed = ImageScanSchema.safeParse(row?.scan);
  return parsed.success ? parsed.data : null;
}

/** Every host's latest scans, newest first, without the vulnerability lists. */
export async function listScans(db: Db) {
  const rows = await db.select().from(imageScans).orderBy(desc(imageScans.scannedAt)).limit(1000);
  return rows.map((r) => ({
    hostId: r.hostId,
    image: r.image,
    scannedAt: r.scannedAt.getTime(),
    counts: r.scan.counts,
    truncated: r.scan.truncated,
  }));
}
