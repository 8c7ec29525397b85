/**
 * The agent's side of the protocol over a Connection: `hello` on open, the hub's `config`
 * (checked against the pinned hub key) before anything else, then the outbox replayed in seq
 * order followed by new batches; `ack` deletes from the outbox. See docs/protocol.md.
 * @module
 */
import {
  assertNever,
  type Capability,
  CONNECT_PATH,
  type ConfigFrame,
  type HelloFrame,
  type HostFacts,
  type HubFrame,
  PROTOCOL_VERSION,
  parseHubFrame,
} from '@unity/shared';
import type { Logger } from 'pino';
import type { CommandDispatcher } from '../commands/dispatcher.js';
import { errorMessage } from '../errors.js';
import { Serial } from '../util/serial.js';
import { AGENT_VERSION } from '../version.js';
import { Connection, type ConnectionOptions, type Socket } from './connection.js';
import type { Enrollment, PrivateJwk } from './identity.js';
import type { Outbox } from './outbox.js';
import { signConnectToken, verifyHubProof } from './token.js';

export type LinkOptions = {
  hubUrl: string;
  privateKey: PrivateJwk;
  enrollment: Enrollment;
  outbox: Outbox;
  hostFacts: () => HostFacts;
  capabilities: Capability[];
  log: Logger;
  onConfig?: (config: ConfigFrame) => void;
  /** How long to wait for `config` after `hello`. */
  configTimeoutMs?: number;
  /** Timings of the underlying connection, for tests. */
  connection?: Partial<Omit<ConnectionOptions, 'url' | 'hooks' | 'log'>>;
  /** Batches sent but not yet acknowledged, at most; default SEND_WINDOW. */
  sendWindow?: number;
  /** Runs the hub's commands; without it every command is answered `unsupported`. */
  commands?: CommandDispatcher;
};

/**
 * Flow control: after a long outage the outbox may hold a day of batches, and sending them all
 * at once would only pile them up in the hub's memory while it commits one at a time. With at
 * most this many unacknowledged batches in flight, a slow hub slows the agent down instead.
 */
export const SEND_WINDOW = 32;

type Session = {
  socket: Socket;
  jti: string;
  ready: boolean;
  sentUpTo: number;
  ackedUpTo: number;
  timer?: NodeJS.Timeout;
};

/** An ack exactly as the hub writes it (`JSON.stringify` of `{type, seq}`). */
const ACK_TEXT = /^\{"type":"ack","seq":(\d{1,15})\}$/;

/**
 * The hub's ack, which comes with every batch, read without the schema (issue 3's CPU figure:
 * zod was most of the agent's work per ack). Anything else, or an ack written differently,
 * goes through `parseHubFrame`; undefined means "not this fast path", never "invalid".
 */
export function parseAck(text: string): { ok: true; value: HubFrame } | undefined {
  const seq = ACK_TEXT.exec(text)?.[1];
  return seq === undefined ? undefined : { ok: true, value: { type: 'ack', seq: Number(seq) } };
}

/** `http://hub/x` → `ws://hub/x/api/agents/connect`. */
export const connectUrl = (hubUrl: string): string => `${hubUrl.replace(/^http/, 'ws')}${CONNECT_PATH}`;

export class Link {
  readonly #o: LinkOptions;
  readonly #connection: Connection;
  readonly #serial = new Serial();
  #session: Session | undefined;
  #nextJti = '';
  #pumping = false;
  #pumpAgain = false;

  constructor(options: LinkOptions) {
    this.#o = options;
    this.#connection = new Connection({
      ...options.connection,
      url: connectUrl(options.hubUrl),
      log: options.log,
      hooks: {
        prepare: async () => {
          const { token, jti } = await signConnectToken({
            privateKey: options.privateKey,
            agentId: options.enrollment.agentId,
            hubId: options.enrollment.hubId,
          });
          this.#nextJti = jti;
          return { authorization: `Bearer ${token}` };
        },
        onOpen: (socket) => this.#onOpen(socket),
        onMessage: (text, socket) => {
          void this.#serial.run(() => this.#onMessage(text, socket));
        },
        onClose: () => {
          this.#o.commands?.cancelAll();
          clearTimeout(this.#session?.timer);
          this.#session = undefined;
          // No ack will come for what is held in memory: it goes to disk now.
          this.#o.outbox
            .setConnected(false)
            .catch((e) => this.#o.log.error({ err: errorMessage(e) }, 'could not write the outbox'));
        },
      },
    });
  }

  /** True once the hub's config was verified on the current connection. */
  get ready(): boolean {
    return this.#session?.ready ?? false;
  }

  start(): void {
    this.#connection.start();
  }

  stop(): Promise<void> {
    return this.#connection.stop();
  }

  /** A batch was added to the outbox: send it if connected. */
  notify(): void {
    void this.#pump();
  }

  #onOpen(socket: Socket): void {
    const session: Session = { socket, jti: this.#nextJti, ready: false, sentUpTo: 0, ackedUpTo: 0 };
    this.#session = session;
    session.timer = setTimeout(() => {
      if (!session.ready) {
        this.#o.log.error('the hub sent no config after hello; reconnecting');
        socket.close(1002, 'no config');
      }
    }, this.#o.configTimeoutMs ?? 30_000);
    const hello: HelloFrame = {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      agentVersion: AGENT_VERSION,
      capabilities: this.#o.capabilities,
      host: this.#o.hostFacts(),
      lastSeq: this.#o.outbox.lastSeq,
    };
    socket
      .send(JSON.stringify(hello))
      .catch((e) => this.#o.log.warn({ err: errorMessage(e) }, 'hello not sent'));
  }

  async #onMessage(text: string, socket: Socket): Promise<void> {
    const parsed = parseAck(text) ?? parseHubFrame(text);
    if (!parsed.ok) {
      this.#o.log.warn(
        { code: parsed.error.code, problem: parsed.error.message },
        'ignoring a bad frame from the hub',
      );
      return;
    }
    const session = this.#session;
    if (!session || session.socket !== socket) return;
    await this.#handle(parsed.value, session);
  }

  async #handle(frame: HubFrame, session: Session): Promise<void> {
    switch (frame.type) {
      case 'config':
        return this.#onConfig(frame, session);
      case 'ack':
        await this.#o.outbox.ack(frame.seq);
        session.ackedUpTo = Math.max(session.ackedUpTo, frame.seq);
        void this.#pump(); // the window has room again
        return;
      case 'cmd': {
        const { socket } = session;
        const send = (text: string) => socket.send(text);
        if (!session.ready) return;
        if (this.#o.commands) {
          // Not awaited: a long command (a log follow) must not hold up acks and other frames.
          void this.#o.commands.run(frame, send);
        } else {
          const message = `this agent does not support ${frame.kind.slice(0, 64)}`;
          await send(
            JSON.stringify({
              type: 'cmd_result',
              id: frame.id,
              ok: false,
              error: { code: 'unsupported', message },
            }),
          ).catch(() => undefined);
        }
        return;
      }
      case 'cancel':
        this.#o.commands?.cancel(frame);
        return;
      case 'credit':
        this.#o.commands?.credit(frame);
        return;
      case 'error':
        this.#o.log.error({ code: frame.code, problem: frame.message }, 'the hub reported an error');
        return;
      default:
        assertNever(frame);
    }
  }

  async #onConfig(frame: ConfigFrame, session: Session): Promise<void> {
    const { enrollment } = this.#o;
    const proof = await verifyHubProof(frame.hubProof, {
      hubPublicKey: enrollment.hubPublicKey,
      agentId: enrollment.agentId,
      nonce: session.jti,
    });
    if (!proof.ok) {
      this.#o.log.error({ problem: proof.error }, 'not the hub this agent enrolled with; closing');
      session.socket.close(1008, 'hub proof rejected');
      return;
    }
    clearTimeout(session.timer);
    await this.#o.outbox.ack(frame.ackedSeq);
    await this.#o.outbox.advancePast(frame.ackedSeq);
    session.sentUpTo = frame.ackedSeq;
    session.ackedUpTo = frame.ackedSeq;
    session.ready = true;
    await this.#o.outbox.setConnected(true);
    this.#o.log.info(
      { ackedSeq: frame.ackedSeq, pending: this.#o.outbox.pendingSeqs().length },
      'hub verified; sending batches',
    );
    this.#o.onConfig?.(frame);
    void this.#pump();
  }

  /**
   * Sends the stored batches above what this connection already sent, in seq order, while fewer
   * than the send window are unacknowledged; each ack calls it again.
   */
  async #pump(): Promise<void> {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        for (const seq of this.#o.outbox.pendingSeqs()) {
          const session = this.#session;
          if (!session?.ready || !session.socket.isOpen) return;
          if (seq <= session.sentUpTo) continue;
          // Counted in seqs, so a hole the outbox dropped never blocks the window.
          const window = this.#o.sendWindow ?? SEND_WINDOW;
          if (seq > session.ackedUpTo + window && session.sentUpTo > session.ackedUpTo) break;
          const text = await this.#o.outbox.read(seq);
          if (text === undefined) continue;
          await session.socket.send(text);
          session.sentUpTo = seq;
        }
      } while (this.#pumpAgain);
    } catch (error) {
      this.#o.log.debug({ err: errorMessage(error) }, 'send interrupted; will replay after reconnecting');
    } finally {
      this.#pumping = false;
    }
  }
}
