/**
 * The hub's own health counters, kept in memory and read by the `/metrics` exposition: batches
 * and samples stored since start, and how long the last batch took to store.
 * @module
 */
export class HubStats {
  readonly startedAt = Date.now();
  batchesStored = 0;
  batchesDuplicate = 0;
  hostSamples = 0;
  containerSamples = 0;
  storeSecondsSum = 0;
  /** Agent frames received and not yet handled, over all sockets (each socket handles its own in order). */
  framesWaiting = 0;

  /** Counts one batch the writer handled; `stored` false for a replayed seq. */
  recordBatch(stored: boolean, hostSamples: number, containerSamples: number, seconds: number): void {
    this.storeSecondsSum += seconds;
    if (!stored) {
      this.batchesDuplicate++;
      return;
    }
    this.batchesStored++;
    this.hostSamples += hostSamples;
    this.containerSamples += containerSamples;
  }
}
