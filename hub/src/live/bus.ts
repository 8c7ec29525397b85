/**
 * In-process fan-out of live updates (committed batches, presence) to browser sockets. Across
 * replicas this becomes PostgreSQL LISTEN/NOTIFY; the interface stays.
 * @module
 */
import { EventEmitter } from 'node:events';
import type { LiveMessage } from '@unity/shared';

export class LiveBus {
  readonly #events = new EventEmitter();

  constructor() {
    // One listener per open browser socket; many tabs are normal.
    this.#events.setMaxListeners(0);
  }

  publish(message: LiveMessage): void {
    this.#events.emit('message', message);
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (message: LiveMessage) => void): () => void {
    this.#events.on('message', listener);
    return () => this.#events.off('message', listener);
  }
}
