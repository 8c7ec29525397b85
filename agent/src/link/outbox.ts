/**
 * The durable outbox: every batch is written to `<state>/outbox/<seq>.json` (the frame text,
 * zero-padded seq so names sort) before it is sent, and deleted once the hub acknowledges it.
 * `state.json` beside the batches keeps the next seq (seqs are never reused, even after every
 * batch was acknowledged and the agent restarted) and the ranges dropped on overflow.
 *
 * Cost per batch (issue 3's CPU figure): `state.json` is not rewritten with every batch. It
 * holds a seq reserved ahead (SEQ_RESERVE batches past the last one stored), rewritten only
 * when the seqs reach it, when the gaps change, and exactly on `close`; after a crash the agent
 * continues from the reservation, leaving a hole in the seqs the hub does not mind (it ignores
 * only seqs at or below the last one it stored). The text of a batch stored by this process is
 * also kept in memory until it is acknowledged (up to CACHE_BYTES), so sending it does not
 * read the file back.
 *
 * Write-behind while the hub answers: when the link says it is connected (`setConnected`), a new
 * batch is sent from memory at once and written to disk only if its ack has not come within
 * `writeBehindMs`. The hub acks in milliseconds, so on a healthy link a batch never touches the
 * disk: no write, two fsyncs and an unlink fewer per tick (issue 3's CPU figure; on a Raspberry
 * Pi's SD card, also about 200 MB a day fewer writes). When the link drops, or the agent stops,
 * every batch not yet written is written at once; without a link, batches are written before
 * anything else, as always. What the trade costs: a batch produced within `writeBehindMs` of
 * a crash of the agent (kill -9, power cut) and not yet acknowledged is lost, leaving a hole in
 * the seqs. Anything the hub acknowledged is stored by the hub, so it is never at stake.
 *
 * Bound: at most `maxBatches` files and `maxBytes` bytes. Beyond that the oldest batches are
 * deleted and their range is reported by `gap` items in the next batch (ARCHITECTURE.md: "drops
 * the oldest data and reports the gap explicitly").
 * @module
 */
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type BatchFrame, type BatchItem, BatchItemSchema } from '@unity/shared';
import * as z from 'zod/mini';
import { writeFileAtomic } from '../util/atomic-write.js';
import { mkdir, readdir, readFile, rm, stat } from '../util/fs-async.js';
import { Serial } from '../util/serial.js';
import { type GapRange, gapItems, mergeGaps } from './gaps.js';
import { batchJson } from './item-json.js';

export type OutboxOptions = {
  dir: string;
  maxBatches: number;
  maxBytes: number;
  now?: () => number;
  /** Told about each overflow, for a log line. */
  onDrop?: (dropped: GapRange) => void;
  /** How long a batch stays in memory only while connected (see the module comment); 0: never. */
  writeBehindMs?: number;
  /** Told when writing a held batch failed (it stays in memory and is tried again later). */
  onWriteError?: (error: unknown) => void;
};

/** `text` is set while cached or not yet written; `written` is false only while held in memory. */
type Entry = { seq: number; bytes: number; text?: string; written: boolean };

/** Default of OutboxOptions.writeBehindMs: well past an ack's round trip, even to a busy hub. */
export const WRITE_BEHIND_MS = 5_000;

/** Seqs reserved by one write of `state.json` (see the module comment). */
export const SEQ_RESERVE = 1000;

/** Batch texts held in memory until acknowledged, at most; past it they are read from disk. */
const CACHE_BYTES = 4 * 1024 * 1024;

const StateSchema = z.object({
  /** The next seq when the file was written. */
  nextSeq: z.int().check(z.positive()),
  /** No seq at or above this was used (absent in files of older agents: `nextSeq`). */
  reservedSeq: z.optional(z.int().check(z.positive())),
  gaps: z.array(z.object({ fromSeq: z.int(), toSeq: z.int(), droppedItems: z.int() })),
});

const FILE_RE = /^(\d{20})\.json$/;
export const batchFileName = (seq: number): string => `${String(seq).padStart(20, '0')}.json`;

export class Outbox {
  readonly #options: OutboxOptions;
  readonly #serial = new Serial();
  #entries: Entry[] = [];
  #bytes = 0;
  #nextSeq = 1;
  /** `reservedSeq` on disk: no seq at or above it was used. */
  #savedNextSeq = 0;
  #cachedBytes = 0;
  #gaps: GapRange[] = [];
  #connected = false;
  /** Writes the held batches when they have waited `writeBehindMs` for their ack. */
  #writeTimer: NodeJS.Timeout | undefined;

  private constructor(options: OutboxOptions) {
    this.#options = options;
  }

  /** Opens (creating if needed) the outbox directory and indexes the batches already there. */
  static async open(options: OutboxOptions): Promise<Outbox> {
    const outbox = new Outbox(options);
    await outbox.#load();
    return outbox;
  }

  /** Highest seq produced so far (0 before the first batch): `hello.lastSeq`. */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  /** Seqs of the batches still waiting for an ack, oldest first. */
  pendingSeqs(): number[] {
    return this.#entries.map((e) => e.seq);
  }

  get pendingBytes(): number {
    return this.#bytes;
  }

  /** Ranges dropped and not yet reported in a batch. */
  get pendingGaps(): readonly GapRange[] {
    return this.#gaps;
  }

  /**
   * The link is up and the hub verified (true), or it is not (false): while true, new batches
   * are held in memory for their ack; on false, the held ones are written at once.
   */
  setConnected(connected: boolean): Promise<void> {
    this.#connected = connected;
    return connected ? Promise.resolve() : this.#serial.run(() => this.#writeHeld());
  }

  /** Stores one batch of items (plus any pending gap items) under the next seq and returns it. */
  append(items: readonly BatchItem[]): Promise<BatchFrame> {
    return this.#serial.run(async () => {
      const seq = this.#nextSeq;
      // The reservation is on disk before a seq past it is (with the gaps still listed).
      if (seq >= this.#savedNextSeq) await this.#saveState(seq + SEQ_RESERVE);
      const now = this.#options.now?.() ?? Date.now();
      const frame: BatchFrame = { type: 'batch', seq, items: [...gapItems(this.#gaps, now), ...items] };
      const text = batchJson(seq, frame.items);
      const carried = this.#gaps;
      this.#nextSeq = seq + 1;
      this.#gaps = [];
      const writeBehindMs = this.#options.writeBehindMs ?? WRITE_BEHIND_MS;
      const hold = this.#connected && writeBehindMs > 0;
      if (!hold) {
        try {
          await writeFileAtomic(join(this.#options.dir, batchFileName(seq)), text);
        } catch (error) {
          // The seq is spent; report the items as a gap rather than pretend they were never made.
          this.#gaps = mergeGaps(carried, [{ fromSeq: seq, toSeq: seq, droppedItems: items.length }]);
          throw error;
        }
      }
      const bytes = Buffer.byteLength(text);
      const entry: Entry = { seq, bytes, written: !hold };
      // A held batch keeps its text whatever the cache holds: it is the only copy.
      if (hold || this.#cachedBytes + bytes <= CACHE_BYTES) {
        entry.text = text;
        this.#cachedBytes += bytes;
      }
      if (hold && !this.#writeTimer) {
        this.#writeTimer = setTimeout(() => {
          this.#writeTimer = undefined;
          void this.#serial.run(() => this.#writeHeld());
        }, writeBehindMs);
        this.#writeTimer.unref();
      }
      this.#entries.push(entry);
      this.#bytes += bytes;
      const dropped = await this.#enforceBound();
      // The gaps this batch carried are stored in it; the file must stop listing them too.
      if (carried.length > 0 || dropped) await this.#saveState(this.#savedNextSeq);
      return frame;
    });
  }

  /** The stored frame text of a pending batch, or undefined if it is gone (acked or dropped). */
  async read(seq: number): Promise<string | undefined> {
    const cached = this.#entries.find((e) => e.seq === seq)?.text;
    if (cached !== undefined) return cached;
    try {
      return await readFile(join(this.#options.dir, batchFileName(seq)), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Deletes every batch with seq ≤ `seq` (the hub stored them). */
  ack(seq: number): Promise<void> {
    return this.#serial.run(async () => {
      while (this.#entries[0] && this.#entries[0].seq <= seq) {
        const entry = this.#entries.shift() as Entry;
        this.#bytes -= entry.bytes;
        if (entry.text !== undefined) this.#cachedBytes -= entry.bytes;
        // Synchronous, as the writes (util/atomic-write.ts): an unlink is a short metadata
        // change, cheaper done at once than through the thread pool.
        if (entry.written) unlinkIfThere(join(this.#options.dir, batchFileName(entry.seq)));
      }
      if (this.#entries.every((e) => e.written)) {
        clearTimeout(this.#writeTimer);
        this.#writeTimer = undefined;
      }
    });
  }

  /** Writes every batch held in memory (on the serial queue). */
  async #writeHeld(): Promise<void> {
    clearTimeout(this.#writeTimer);
    this.#writeTimer = undefined;
    for (const entry of this.#entries) {
      if (entry.written || entry.text === undefined) continue;
      try {
        await writeFileAtomic(join(this.#options.dir, batchFileName(entry.seq)), entry.text);
        entry.written = true;
      } catch (error) {
        // Still in memory and still sent from there; tried again on the next write-out.
        this.#options.onWriteError?.(error);
        return;
      }
    }
  }

  /**
   * Makes sure the next seq is above what the hub already stored: the hub ignores a seq it has
   * seen, so reusing one (after the state dir was restored from a backup, say) would lose data.
   */
  advancePast(seq: number): Promise<void> {
    return this.#serial.run(async () => {
      if (seq < this.#nextSeq) return;
      this.#nextSeq = seq + 1;
      await this.#saveState(this.#nextSeq + SEQ_RESERVE);
    });
  }

  /** Writes the held batches and the exact next seq, so a clean restart continues without a hole. */
  close(): Promise<void> {
    this.#connected = false;
    return this.#serial.run(async () => {
      await this.#writeHeld();
      await this.#saveState(this.#nextSeq);
    });
  }

  /** Drops the oldest batches past the bound; true when it dropped any. */
  async #enforceBound(): Promise<boolean> {
    const { maxBatches, maxBytes } = this.#options;
    let dropped = false;
    while (this.#entries.length > 1 && (this.#entries.length > maxBatches || this.#bytes > maxBytes)) {
      dropped = true;
      const oldest = this.#entries.shift() as Entry;
      this.#bytes -= oldest.bytes;
      if (oldest.text !== undefined) this.#cachedBytes -= oldest.bytes;
      const path = join(this.#options.dir, batchFileName(oldest.seq));
      const { dataItems, carried } = describeBatch(
        oldest.text ?? (await readFile(path, 'utf8').catch(() => '')),
      );
      if (oldest.written) unlinkIfThere(path);
      const range = { fromSeq: oldest.seq, toSeq: oldest.seq, droppedItems: dataItems };
      this.#gaps = mergeGaps(this.#gaps, [...carried, range]);
      this.#options.onDrop?.(range);
    }
    return dropped;
  }

  /** Persists the gaps, the next seq and a reservation (at least the next seq). */
  async #saveState(reservedSeq: number): Promise<void> {
    const state = {
      nextSeq: this.#nextSeq,
      reservedSeq: Math.max(reservedSeq, this.#nextSeq),
      gaps: this.#gaps,
    };
    await writeFileAtomic(join(this.#options.dir, 'state.json'), JSON.stringify(state));
    this.#savedNextSeq = state.reservedSeq;
  }

  async #load(): Promise<void> {
    const dir = this.#options.dir;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const state = await readState(join(dir, 'state.json'));
    const names = (await readdir(dir)).filter((n) => FILE_RE.test(n)).sort();
    for (const name of names) {
      const seq = Number(FILE_RE.exec(name)?.[1]);
      const { size } = await stat(join(dir, name));
      this.#entries.push({ seq, bytes: size, written: true });
      this.#bytes += size;
    }
    const highest = this.#entries.at(-1)?.seq ?? 0;
    const reserved = state?.reservedSeq ?? state?.nextSeq ?? 1;
    // Batches are deleted oldest first, so the newest file left is the newest seq used; with
    // none left (or after a crash past the exact value) only the reservation is safe.
    this.#nextSeq = highest > 0 ? Math.max(state?.nextSeq ?? 1, highest + 1) : reserved;
    this.#savedNextSeq = reserved;
    this.#gaps = state?.gaps ?? [];
    // Leftover temp files from a crash mid-write are never valid batches.
    for (const name of await readdir(dir))
      if (name.endsWith('.tmp')) await rm(join(dir, name), { force: true });
  }
}

async function readState(path: string): Promise<z.infer<typeof StateSchema> | undefined> {
  try {
    return StateSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return undefined;
  }
}

/** A missing file is no error: acknowledged or dropped meanwhile. */
function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** How many data items a stored batch held and which gaps it was carrying (now lost with it). */
function describeBatch(text: string): { dataItems: number; carried: GapRange[] } {
  try {
    const frame = JSON.parse(text) as { items?: unknown[] };
    const items = (frame.items ?? []).map((i) => BatchItemSchema.safeParse(i)).filter((r) => r.success);
    const carried: GapRange[] = [];
    let dataItems = 0;
    for (const { data } of items) {
      if (data.kind === 'gap')
        carried.push({ fromSeq: data.fromSeq, toSeq: data.toSeq, droppedItems: data.droppedItems });
      else dataItems++;
    }
    return { dataItems, carried };
  } catch {
    return { dataItems: 0, carried: [] };
  }
}
