/**
 * One agent's WebSocket after a successful upgrade: `hello` first (protocol check, then the
 * `config` frame with the stored hwm and the hub's proof), then batches, each stored in one
 * transaction (shared with other agents' batches, see ingest/group-commit.ts) and acknowledged
 * after commit. Frames are handled strictly in order; a bad frame
 * ends this connection only, never another agent's.
 * @module
 */
import {
  assertNever,
  type BatchFrame,
  type ErrorCode,
  type HelloFrame,
  type HubFrame,
  PROTOCOL_VERSION,
  parseAgentFrame,
} from '@unity/shared';
import type { RawData, WebSocket } from 'ws';
import { k8sLiveNotices } from '../k8s/live-notices.js';
import type { HubDeps } from '../types.js';
import { findAgent, recordHello } from './agent-store.js';
import type { ConnectClaims } from './connect-auth.js';
import { signHubProof } from './identity.js';

/** Policy violation (RFC 6455 §7.4.1): the peer broke the protocol. */
const CLOSE_POLICY = 1008;
const CLOSE_TOO_BIG = 1009;
const CLOSE_INTERNAL = 1011;

/**
 * Heartbeat, and flow control: above `pauseAbove` frames waiting to be handled the hub stops
 * reading the socket, and reads again below `resumeBelow`. A well-behaved agent keeps at most its
 * send window (32) in flight, so this only holds back one that floods — in the kernel's socket
 * buffers rather than the hub's heap.
 */
export type AgentSocketOptions = {
  pingEveryMs: number;
  silentLimitMs: number;
  pauseAbove?: number;
  resumeBelow?: number;
};
export const DEFAULT_SOCKET_OPTIONS: AgentSocketOptions = { pingEveryMs: 15_000, silentLimitMs: 45_000 };

export function attachAgentSocket(
  deps: HubDeps,
  ws: WebSocket,
  claims: ConnectClaims,
  options: AgentSocketOptions = DEFAULT_SOCKET_OPTIONS,
): void {
  const { agentId } = claims;
  const log = deps.log.child({ module: 'agent-link', agentId });
  let greeted = false;
  let ended = false;
  let lastHeard = Date.now();
  let queue = Promise.resolve();

  const send = (frame: HubFrame) => {
    if (!ended) ws.send(JSON.stringify(frame));
  };
  const fail = (code: ErrorCode, message: string, close = CLOSE_POLICY) => {
    log.warn({ code, reason: message }, 'closing agent connection');
    send({ type: 'error', code, message });
    ended = true;
    ws.close(close, code);
  };

  const onHello = async (hello: HelloFrame) => {
    if (hello.protocol !== PROTOCOL_VERSION) {
      return fail(
        'unsupported_protocol',
        `protocol ${hello.protocol} is not supported; this hub speaks ${PROTOCOL_VERSION}`,
      );
    }
    await recordHello(deps.db, agentId, hello);
    const agent = await findAgent(deps.db, agentId);
    greeted = true;
    send({
      type: 'config',
      hostIntervalMs: deps.config.hostIntervalMs,
      containerIntervalMs: deps.config.containerIntervalMs,
      ackedSeq: agent?.lastSeq ?? 0,
      hubProof: await signHubProof(deps.identity, agentId, claims.jti),
    });
    log.info({ agentVersion: hello.agentVersion, lastSeq: hello.lastSeq }, 'agent connected');
  };

  const onText = async (text: string) => {
    const parsed = parseAgentFrame(text);
    if (!parsed.ok) {
      const close = parsed.error.code === 'frame_too_large' ? CLOSE_TOO_BIG : CLOSE_POLICY;
      return fail(parsed.error.code, parsed.error.message, close);
    }
    const frame = parsed.value;
    switch (frame.type) {
      case 'hello':
        return greeted ? fail('bad_frame', 'hello was already sent') : onHello(frame);
      case 'batch': {
        if (!greeted) return fail('bad_frame', 'hello must be the first frame');
        const started = performance.now();
        const { stored, eventContainers } = await deps.ingest.store(agentId, frame);
        deps.stats.recordBatch(stored, ...sampleCounts(frame), (performance.now() - started) / 1000);
        send({ type: 'ack', seq: frame.seq });
        if (!stored) {
          log.debug({ seq: frame.seq }, 'batch already stored; acknowledged again');
          return;
        }
        deps.bus.publish({ type: 'host_updated', hostId: agentId, at: Date.now() });
        if (eventContainers)
          deps.bus.publish({
            type: 'container_events',
            hostId: agentId,
            containerIds: eventContainers,
            at: Date.now(),
          });
        k8sLiveNotices(deps).noteBatch(agentId, frame.items);
        return;
      }
      case 'cmd_result':
        if (!greeted) return fail('bad_frame', 'hello must be the first frame');
        return deps.agents.commands.onResult(agentId, frame);
      case 'stream':
        if (!greeted) return fail('bad_frame', 'hello must be the first frame');
        return deps.agents.commands.onStream(agentId, frame);
      default:
        return assertNever(frame);
    }
  };

  const { pauseAbove = 64, resumeBelow = 16 } = options;
  let waiting = 0;
  ws.on('message', (data: RawData, isBinary: boolean) => {
    lastHeard = Date.now();
    deps.agents.heard(agentId, ws);
    deps.stats.framesWaiting++;
    if (++waiting > pauseAbove && !ws.isPaused) ws.pause();
    queue = queue.then(async () => {
      try {
        if (ended) return;
        if (isBinary) return fail('bad_frame', 'frames must be text');
        await onText(rawText(data));
      } catch (error) {
        log.error({ err: error }, 'could not handle agent frame');
        fail('internal', 'the hub could not process this frame; retry later', CLOSE_INTERNAL);
      } finally {
        deps.stats.framesWaiting--;
        if (--waiting < resumeBelow && ws.isPaused) ws.resume();
      }
    });
  });
  ws.on('pong', () => {
    lastHeard = Date.now();
    deps.agents.heard(agentId, ws);
  });
  ws.on('ping', () => {
    lastHeard = Date.now();
    deps.agents.heard(agentId, ws);
  });

  const timer = setInterval(() => {
    const silentFor = Date.now() - lastHeard;
    if (silentFor > options.silentLimitMs) {
      log.warn('agent silent too long; terminating its socket');
      ws.terminate();
    } else if (silentFor >= options.pingEveryMs) {
      // An agent sends a batch every sampling interval: a ping is needed only when it has been
      // quiet, and each one wakes the agent for nothing (issue 3's CPU figure).
      ws.ping();
    }
  }, options.pingEveryMs);
  timer.unref();

  ws.on('close', (code: number) => {
    ended = true;
    clearInterval(timer);
    deps.agents.commands.socketClosed(ws);
    deps.agents.unregister(agentId, ws);
    log.info({ code }, 'agent disconnected');
  });
  ws.on('error', (error: Error) => log.warn({ err: error.message }, 'agent socket error'));
  deps.agents.register(agentId, ws);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** Host and container samples in a batch, for the ingest counters. */
function sampleCounts(frame: BatchFrame): [number, number] {
  let host = 0;
  let container = 0;
  for (const item of frame.items) {
    if (item.kind === 'host_metrics') host++;
    else if (item.kind === 'container_stats') container += item.stats.length;
  }
  return [host, container];
}
