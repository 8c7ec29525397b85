/**
 * Engine events as the protocol carries them, and the bookkeeping that lets the event stream be
 * resumed without loss or duplicates: after a reconnect the stream is reopened `since` a little
 * before the newest event seen (whole seconds: Podman ignores fractional `since`; a few seconds
 * of slack because Podman does not send events strictly in time order), and events already
 * seen in that window are recognised by their key and dropped.
 * @module
 */
import type { EngineEvent, EngineEventType } from '@unity/shared';
import { EngineEventTypeSchema } from '@unity/shared';

/** An event as Docker's (and Podman's compatible) `/events` stream sends it. */
export type RawEngineEvent = {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, unknown> };
  time?: number;
  timeNano?: number | string;
};

const MAX_ATTRIBUTES = 32;

/** The protocol's event, or undefined for one without a time or an action (nothing to key it by). */
export function toEngineEvent(raw: RawEngineEvent): EngineEvent | undefined {
  const action = (raw.Action ?? raw.status ?? '').slice(0, 128);
  const nano = nanoString(raw);
  if (!action || !nano) return undefined;
  const parsedType = EngineEventTypeSchema.safeParse(raw.Type);
  const type: EngineEventType = parsedType.success ? parsedType.data : 'other';
  const attributes: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(raw.Actor?.Attributes ?? {})) {
    if (n++ >= MAX_ATTRIBUTES) break;
    attributes[k.slice(0, 256)] = String(v).slice(0, 1024);
  }
  return {
    type,
    action,
    actorId: (raw.Actor?.ID ?? raw.id ?? '').slice(0, 256),
    time: Math.max(1, Math.floor(Number(nano.slice(0, -6) || '0'))),
    timeNano: nano,
    attributes,
  };
}

/** `timeNano` as exact decimal digits (JSON numbers past 2^53 lose digits; keep what was sent). */
function nanoString(raw: RawEngineEvent): string | undefined {
  if (typeof raw.timeNano === 'string' && /^\d{1,20}$/.test(raw.timeNano)) return raw.timeNano;
  if (typeof raw.timeNano === 'number' && raw.timeNano > 0)
    return BigInt(Math.round(raw.timeNano)).toString();
  if (typeof raw.time === 'number' && raw.time > 0) return `${Math.round(raw.time)}000000000`;
  return undefined;
}

/** Identity of an event within one engine: the same event replayed gets the same key. */
export const eventKey = (e: EngineEvent): string => `${e.timeNano}|${e.type}|${e.actorId}|${e.action}`;

export type EventCursorOptions = {
  /** How far before the newest event a resumed stream starts, seconds. */
  slackSec?: number;
  /** How long keys are remembered behind the newest event, ms (must exceed the slack). */
  windowMs?: number;
};

/**
 * Which events were seen, and where to resume. Bounded: keys older than the window behind the
 * newest event are forgotten, which is safe because a resumed stream never starts that early.
 */
export class EventCursor {
  readonly #slackSec: number;
  readonly #windowMs: number;
  readonly #seen = new Map<string, number>();
  #newestMs = 0;
  #sincePrune = 0;

  constructor(options: EventCursorOptions = {}) {
    this.#slackSec = options.slackSec ?? 5;
    this.#windowMs = options.windowMs ?? 120_000;
  }

  /** True the first time an event is offered, false for a replay of one already taken. */
  accept(e: EngineEvent): boolean {
    const key = eventKey(e);
    if (this.#seen.has(key)) return false;
    if (this.#newestMs > 0 && e.time < this.#newestMs - this.#windowMs) {
      // Older than anything a resume asks for: only a replay of an event already forgotten.
      return false;
    }
    this.#seen.set(key, e.time);
    if (e.time > this.#newestMs) this.#newestMs = e.time;
    if (++this.#sincePrune >= 256) this.#prune();
    return true;
  }

  /** `since` (epoch seconds) for a stream that resumes where this one left off. */
  resumeSince(fallbackMs: number): number {
    const from = this.#newestMs > 0 ? this.#newestMs : fallbackMs;
    return Math.max(0, Math.floor(from / 1000) - this.#slackSec);
  }

  get size(): number {
    return this.#seen.size;
  }

  #prune(): void {
    this.#sincePrune = 0;
    const oldest = this.#newestMs - this.#windowMs;
    for (const [key, time] of this.#seen) if (time < oldest) this.#seen.delete(key);
  }
}
