/**
 * A hand-driven agent for protocol tests: enrolls with jose-made Ed25519 keys, signs connect
 * tokens, opens the WebSocket with `ws` and sends whatever frames a test wants, valid or not.
 * It follows docs/protocol.md, independently of the agent's own code.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { CONNECT_PATH, ENROLL_PATH, type EnrollResponse, type HostFacts, hubAudience } from '@unity/shared';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import WebSocket from 'ws';

export type KeyPair = { publicKey: CryptoKey; privateKey: CryptoKey };

export const newKeyPair = (): Promise<KeyPair> =>
  generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true }) as Promise<KeyPair>;

export function hostFacts(hostname: string): HostFacts {
  return { hostname, os: 'Test Linux', kernel: '6.0.0-test', arch: 'x64', cpus: 2, memoryBytes: 2 ** 31 };
}

/** `POST /api/agents/enroll`; returns the status and parsed body (enrollment or error). */
export async function enroll(
  hubUrl: string,
  token: string,
  keys: KeyPair,
  hostname: string,
): Promise<{ status: number; body: unknown }> {
  const jwk = await exportJWK(keys.publicKey);
  const res = await fetch(`${hubUrl}${ENROLL_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token,
      publicKey: { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
      host: hostFacts(hostname),
    }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body };
}

/** A connect token as the protocol describes it, signed with `key`. */
export function connectToken(key: CryptoKey, agentId: string, hubId: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(agentId)
    .setSubject(agentId)
    .setAudience(hubAudience(hubId))
    .setIssuedAt()
    .setExpirationTime('60s')
    .setJti(randomUUID())
    .sign(key);
}

export type UpgradeRefused = { kind: 'refused'; status: number; body: string };
export type Upgraded = { kind: 'open'; socket: RawSocket };

/** Opens the agent WebSocket; resolves with the HTTP refusal instead when the hub declines. */
export function connect(hubUrl: string, bearer: string | undefined): Promise<UpgradeRefused | Upgraded> {
  const url = `${hubUrl.replace(/^http/, 'ws')}${CONNECT_PATH}`;
  const ws = new WebSocket(url, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const socket = new RawSocket(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ kind: 'open', socket }));
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      res.on('end', () => {
        resolve({ kind: 'refused', status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    ws.once('error', (error) => reject(error));
  });
}

/** A WebSocket that queues incoming frames so a test can await them in order. */
export class RawSocket {
  private readonly queue: unknown[] = [];
  private waiter: (() => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString('utf8'));
      } catch {
        frame = data.toString('utf8');
      }
      this.queue.push(frame);
      this.waiter?.();
    });
    ws.on('error', () => {
      // surfaced through `closed`
    });
    this.closed = once(ws, 'close').then(([code, reason]) => ({
      code: code as number,
      reason: String(reason),
    }));
  }

  send(text: string): void {
    this.ws.send(text);
  }

  sendJson(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The next frame of `type` (others are skipped), or throws after `timeoutMs`. */
  async next(type: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex(
        (f) => typeof f === 'object' && f !== null && (f as { type?: unknown }).type === type,
      );
      if (i >= 0) return this.queue.splice(i, 1)[0] as Record<string, unknown>;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no "${type}" frame within ${timeoutMs} ms; got ${JSON.stringify(this.queue)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Waits for the close, with a deadline. */
  async waitClosed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    const timer = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`socket not closed within ${timeoutMs} ms`)), timeoutMs).unref(),
    );
    return Promise.race([this.closed, timer]);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** A schema-valid host sample, for a control batch that must be stored. */
export function hostMetricsItem(ts = Date.now()) {
  return {
    kind: 'host_metrics' as const,
    ts,
    cpu: { total: 12.5, perCore: [10, 15] },
    load: [0.1, 0.2, 0.3] as [number, number, number],
    memory: {
      totalBytes: 2 ** 31,
      usedBytes: 2 ** 30,
      availableBytes: 2 ** 30,
      swapTotalBytes: 0,
      swapUsedBytes: 0,
    },
    disks: [],
    diskIo: { readBytesPerSec: 0, writeBytesPerSec: 0 },
    net: [],
    uptimeSec: 1000,
  };
}

export function helloFrame(hostname: string, lastSeq = 0) {
  return {
    type: 'hello' as const,
    protocol: 1,
    agentVersion: '0.0.0-test',
    capabilities: ['host' as const],
    host: hostFacts(hostname),
    lastSeq,
  };
}

export type Enrolled = EnrollResponse & { keys: KeyPair };
