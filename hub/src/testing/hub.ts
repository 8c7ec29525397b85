/**
 * A real hub for tests: listening on 127.0.0.1 (random port) over an in-memory PGlite, with
 * helpers to sign in, enroll an agent with a jose key pair and open its WebSocket.
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  CONNECT_PATH,
  ENROLL_PATH,
  type EnrollResponse,
  type HubFrame,
  hubAudience,
  type NotificationSink,
  PROTOCOL_VERSION,
} from '@unity/shared';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import WebSocket from 'ws';
import type { AgentSocketOptions } from '../agents/agent-socket.js';
import { createEnrollmentToken } from '../agents/enrollment-tokens.js';
import { parseConfig } from '../config.js';
import type { Database } from '../db/client.js';
import { type RunningHub, type StartOptions, startHub } from '../hub.js';
import { type Logger, silentLogger } from '../log.js';
import { freshPglite } from './databases.js';
import { hostFacts } from './fixtures.js';

export const ADMIN = { username: 'admin', password: 'correct horse battery' };

export type TestHub = RunningHub & { printed: string[] };

export async function startTestHub(
  options: {
    env?: Record<string, string>;
    withAdmin?: boolean;
    agentSocket?: AgentSocketOptions;
    /** Notification outbox overrides (clock, timers, fetch, backoff…). */
    notify?: StartOptions['notify'];
    log?: Logger;
    /** Defaults to a fresh in-memory PGlite. */
    database?: Database;
    notificationSink?: NotificationSink;
    /** The hub's clock (TOTP, metrics maintenance, alerts); Date.now by default. */
    clock?: () => number;
  } = {},
): Promise<TestHub> {
  const admin =
    options.withAdmin === false
      ? {}
      : { UNITY_ADMIN_USER: ADMIN.username, UNITY_ADMIN_PASSWORD: ADMIN.password };
  const config = parseConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    UNITY_PUBLIC_URL: 'http://hub.test:8080',
    UNITY_UI_DIR: '/nonexistent-ui',
    // So no test writes a key file into the working directory.
    UNITY_SECRET_KEY: 'test-secret-key-with-at-least-32-chars',
    ...admin,
    ...options.env,
  });
  const printed: string[] = [];
  const hub = await startHub({
    config,
    log: options.log ?? silentLogger(),
    database: options.database ?? (await freshPglite()),
    print: (line) => printed.push(line),
    ...(options.agentSocket ? { agentSocket: options.agentSocket } : {}),
    ...(options.notificationSink ? { notificationSink: options.notificationSink } : {}),
    ...(options.notify ? { notify: options.notify } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { ...hub, printed };
}

/** Signs in; returns the `unity_session=…` pair for a Cookie header. */
export async function login(hub: RunningHub, username = ADMIN.username, password = ADMIN.password) {
  const res = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

export type TestAgent = EnrollResponse & { privateKey: CryptoKey; audience: string };

/** Makes a key pair and enrolls it with a fresh single-use token. */
export async function enrollAgent(hub: RunningHub, hostname = 'test-host'): Promise<TestAgent> {
  const { token } = await createEnrollmentToken(
    hub.deps.db,
    { ttlSec: 600, maxUses: 1, createdBy: null },
    hub.deps.config.publicUrl,
  );
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = await exportJWK(publicKey);
  const res = await fetch(`${hub.url}${ENROLL_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token,
      publicKey: { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
      host: { ...hostFacts, hostname },
    }),
  });
  if (res.status !== 201) throw new Error(`enroll failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as EnrollResponse;
  return { ...body, privateKey, audience: hubAudience(body.hubId) };
}

export function connectToken(
  agent: TestAgent,
  claims: { jti?: string; expiresIn?: string; key?: CryptoKey; iss?: string } = {},
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(claims.iss ?? agent.agentId)
    .setAudience(agent.audience)
    .setJti(claims.jti ?? randomUUID())
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '60s')
    .sign(claims.key ?? agent.privateKey);
}

/** An open agent socket with a queue of received frames and a promise of its close. */
export type AgentSocket = {
  ws: WebSocket;
  next(): Promise<HubFrame>;
  closed: Promise<{ code: number; reason: string }>;
};

/** Opens the agent WebSocket; rejects with `HTTP <status> <body>` when the upgrade is refused. */
export function openAgentSocket(hub: RunningHub, token: string | undefined): Promise<AgentSocket> {
  const url = `${hub.url.replace(/^http/, 'ws')}${CONNECT_PATH}`;
  const ws = new WebSocket(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const frames: HubFrame[] = [];
  const waiters: ((f: HubFrame) => void)[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as HubFrame;
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const next = () =>
    new Promise<HubFrame>((resolve) => {
      const frame = frames.shift();
      if (frame) resolve(frame);
      else waiters.push(resolve);
    });
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ ws, next, closed }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => reject(new Error(`HTTP ${res.statusCode} ${body}`)));
    });
    ws.on('error', (error) => reject(error));
  });
}

export const helloFrame = (lastSeq = 0) => ({
  type: 'hello' as const,
  protocol: PROTOCOL_VERSION,
  agentVersion: '0.1.0-test',
  capabilities: ['host' as const, 'containers' as const],
  host: hostFacts,
  lastSeq,
});

/** Connects with a fresh token, says hello and returns the socket after the config frame. */
export async function connectAgent(hub: RunningHub, agent: TestAgent) {
  const socket = await openAgentSocket(hub, await connectToken(agent));
  socket.ws.send(JSON.stringify(helloFrame()));
  const config = await socket.next();
  if (config.type !== 'config') throw new Error(`expected config, got ${config.type}`);
  return { ...socket, config };
}

/** Polls `check` until it holds or `timeoutMs` passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
