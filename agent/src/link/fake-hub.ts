/**
 * A stand-in hub on 127.0.0.1 for the agent's own tests: the enrollment endpoint, the connect
 * endpoint with real JWT verification (jose), the config frame with a hub proof, and acks after
 * "storing" a batch (a seq already stored is acknowledged and ignored, as the real hub does).
 * Knobs let a test withhold acks, drop connections, forge the proof or answer with a bad token.
 * With a key and certificate it serves https:// (and wss://) instead of http://.
 * @module
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer, Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  type BatchFrame,
  CONNECT_PATH,
  type Ed25519PublicJwk,
  ENROLL_PATH,
  EnrollRequestSchema,
  type HelloFrame,
  hubAudience,
  parseAgentFrame,
} from '@unity/shared';
import { importJWK, jwtVerify, SignJWT } from 'jose';
import { type WebSocket, WebSocketServer } from 'ws';
import { type PrivateJwk, PrivateJwkSchema, publicJwk } from './identity.js';

const newKey = (): PrivateJwk =>
  PrivateJwkSchema.parse(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }));

export type Received = { connection: number; frame: BatchFrame };

export class FakeHub {
  readonly hubId = randomUUID();
  readonly hubKey = newKey();
  readonly tokens = new Map<string, number>();
  readonly agents = new Map<string, Ed25519PublicJwk>();
  readonly hellos: HelloFrame[] = [];
  readonly received: Received[] = [];
  readonly stored = new Map<number, BatchFrame>();
  readonly cmdResults: unknown[] = [];
  readonly seenJti = new Set<string>();
  highWater = 0;
  connections = 0;
  /** Acknowledge stored batches. */
  ack = true;
  /** Sign the proof with a key the agent never pinned. */
  forgeProof = false;
  /** Override the ackedSeq announced in config (e.g. 0: "I forgot"), to test outbox deletion. */
  announcedAckedSeq: number | undefined;
  hostIntervalMs = 1000;
  readonly #sockets = new Set<WebSocket>();
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true });

  private constructor(tls?: { key: string; cert: string }) {
    const onRequest: RequestListener = (req, res) => {
      if (req.method !== 'POST' || req.url !== ENROLL_PATH) return void res.writeHead(404).end();
      void this.#enroll(req).then(([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    };
    this.#server = tls ? createTlsServer(tls, onRequest) : createServer(onRequest);
    this.#server.on('upgrade', (req, socket, head) => {
      void this.#authenticate(req).then((auth) => {
        if (!auth || req.url !== CONNECT_PATH) {
          socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
          return;
        }
        this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, auth.agentId, auth.jti));
      });
    });
  }

  static async start(tls?: { key: string; cert: string }): Promise<FakeHub> {
    const hub = new FakeHub(tls);
    await new Promise<void>((resolve) => hub.#server.listen(0, '127.0.0.1', resolve));
    return hub;
  }

  get url(): string {
    const scheme = this.#server instanceof TlsServer ? 'https' : 'http';
    return `${scheme}://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Adds an enrollment token good for `uses` enrollments. */
  addToken(uses = 1): string {
    const token = `enroll_${randomUUID()}`;
    this.tokens.set(token, uses);
    return token;
  }

  /** Drops every agent connection without a close handshake (a crash, as the agent sees it). */
  dropConnections(): void {
    for (const ws of this.#sockets) ws.terminate();
  }

  /** Sends a frame to every connected agent. */
  broadcast(frame: unknown): void {
    for (const ws of this.#sockets) ws.send(JSON.stringify(frame));
  }

  async close(): Promise<void> {
    this.dropConnections();
    this.#wss.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #enroll(req: IncomingMessage): Promise<[number, unknown]> {
    let text = '';
    for await (const chunk of req) text += chunk;
    const parsed = EnrollRequestSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return [400, { error: { code: 'bad_request', message: 'malformed enrollment' } }];
    const uses = this.tokens.get(parsed.data.token) ?? 0;
    if (uses <= 0) {
      return [
        401,
        { error: { code: 'invalid_token', message: 'enrollment token is invalid, expired or used up' } },
      ];
    }
    this.tokens.set(parsed.data.token, uses - 1);
    const agentId = randomUUID();
    this.agents.set(agentId, parsed.data.publicKey);
    return [200, { agentId, hubId: this.hubId, hubPublicKey: publicJwk(this.hubKey) }];
  }

  async #authenticate(req: IncomingMessage): Promise<{ agentId: string; jti: string } | undefined> {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return undefined;
    for (const [agentId, key] of this.agents) {
      try {
        const { payload } = await jwtVerify(token, await importJWK(key, 'EdDSA'), {
          algorithms: ['EdDSA'],
          audience: hubAudience(this.hubId),
          issuer: agentId,
          subject: agentId,
          maxTokenAge: 120,
        });
        if (!payload.jti || this.seenJti.has(payload.jti)) return undefined;
        this.seenJti.add(payload.jti);
        return { agentId, jti: payload.jti };
      } catch {
        // not this agent's key
      }
    }
    return undefined;
  }

  #accept(ws: WebSocket, agentId: string, jti: string): void {
    const connection = ++this.connections;
    this.#sockets.add(ws);
    ws.on('close', () => this.#sockets.delete(ws));
    ws.on('message', async (data) => {
      const parsed = parseAgentFrame(String(data));
      if (!parsed.ok) return ws.close(1008, parsed.error.message);
      const frame = parsed.value;
      if (frame.type === 'hello') {
        this.hellos.push(frame);
        const key = this.forgeProof ? newKey() : this.hubKey;
        const hubProof = await new SignJWT({ nonce: jti })
          .setProtectedHeader({ alg: 'EdDSA' })
          .setIssuer(hubAudience(this.hubId))
          .setAudience(agentId)
          .setIssuedAt()
          .setExpirationTime('1m')
          .sign(await importJWK(key, 'EdDSA'));
        const ackedSeq = this.announcedAckedSeq ?? this.highWater;
        ws.send(
          JSON.stringify({
            type: 'config',
            hostIntervalMs: this.hostIntervalMs,
            containerIntervalMs: 10_000,
            ackedSeq,
            hubProof,
          }),
        );
      } else if (frame.type === 'batch') {
        this.received.push({ connection, frame });
        if (!this.ack) return;
        if (frame.seq > this.highWater) {
          this.stored.set(frame.seq, frame);
          this.highWater = frame.seq;
        }
        ws.send(JSON.stringify({ type: 'ack', seq: frame.seq }));
      } else if (frame.type === 'cmd_result') {
        this.cmdResults.push(frame);
      }
    });
  }
}
