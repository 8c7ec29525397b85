/**
 * Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it
 * over the target, then fsync the directory so the rename itself survives a power cut.
 *
 * Only the two fsyncs go to the thread pool. Opening, writing (a few KB into the page cache),
 * closing and renaming are done synchronously: each is microseconds in the kernel, while a
 * thread-pool round trip costs the agent a process wake-up and a promise turn, and the outbox
 * writes a file every tick (issue 3's CPU figure: 8 round trips per batch became 2). The fsyncs
 * wait on the disk, which may take long, so they never block the event loop.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fsync);

/** Writes `data` to `path` atomically with the given file mode (default 0600). */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeAll(fd, typeof data === 'string' ? Buffer.from(data) : data);
    await fsyncAsync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  await syncDir(dir);
}

/** writeSync may write less than asked (a full disk, a signal): loop until all is written. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
}

/** fsync a directory; some filesystems refuse it, which is not worth failing a write for. */
export async function syncDir(dir: string): Promise<void> {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return; // best effort: the rename is already done
  }
  try {
    await fsyncAsync(fd);
  } catch {
    // as above
  } finally {
    closeSync(fd);
  }
}
