/**
 * The agent link's frames: JSON text messages over one WebSocket, validated on both ends.
 * See docs/protocol.md for the sequence and the delivery rules.
 * @module
 */
import * as z from 'zod/mini';
import { BatchItemSchema } from './items.js';

/** Bumped on any change a peer of the previous version would misread. */
export const PROTOCOL_VERSION = 1;

/** Largest frame either end accepts; the hub closes the socket (1009) on anything larger. */
export const MAX_FRAME_BYTES = 1024 * 1024;

export const HostFactsSchema = z.object({
  hostname: z.string().check(z.minLength(1), z.maxLength(255)),
  os: z.string().check(z.maxLength(255)),
  kernel: z.string().check(z.maxLength(255)),
  arch: z.string().check(z.maxLength(32)),
  cpus: z.int().check(z.positive(), z.lte(65536)),
  memoryBytes: z.number().check(z.nonnegative()),
  bootTime: z.optional(z.int().check(z.nonnegative())),
});

export const CapabilitySchema = z.enum(['host', 'containers', 'logs', 'actions', 'probes', 'kubernetes']);

/** Why a command failed; `message` says it for people. */
export const CommandErrorCodeSchema = z.enum([
  'unsupported',
  'bad_args',
  'read_only',
  'busy',
  'not_found',
  /** The object is not in a state that allows it (pausing a stopped container). */
  'conflict',
  'failed',
  'cancelled',
  'timeout',
  'agent_offline',
  'agent_disconnected',
]);

export const CommandErrorSchema = z.object({
  code: CommandErrorCodeSchema,
  message: z.string().check(z.maxLength(4096)),
});

// ---- agent → hub ----

export const HelloFrameSchema = z.object({
  type: z.literal('hello'),
  protocol: z.int().check(z.positive()),
  agentVersion: z.string().check(z.minLength(1), z.maxLength(64)),
  capabilities: z.array(CapabilitySchema).check(z.maxLength(32)),
  host: HostFactsSchema,
  /** Highest seq the agent has produced so far (0 before the first batch). */
  lastSeq: z.int().check(z.nonnegative()),
});

export const BatchFrameSchema = z.object({
  type: z.literal('batch'),
  /** Per-agent, strictly increasing, starting at 1. */
  seq: z.int().check(z.positive()),
  items: z.array(BatchItemSchema).check(z.minLength(1), z.maxLength(1000)),
});

export const CmdResultFrameSchema = z.object({
  type: z.literal('cmd_result'),
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  ok: z.boolean(),
  result: z.optional(z.unknown()),
  error: z.optional(CommandErrorSchema),
});

/**
 * Part of a streaming command's output (log lines, say). The agent sends one only while it holds
 * credit for that command (see `credit`); the final `cmd_result` ends the stream.
 */
export const StreamFrameSchema = z.object({
  type: z.literal('stream'),
  /** The id of the `cmd` this stream answers. */
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  chunk: z.string().check(z.maxLength(512 * 1024)),
  done: z.optional(z.boolean()),
});

export const AgentFrameSchema = z.discriminatedUnion('type', [
  HelloFrameSchema,
  BatchFrameSchema,
  CmdResultFrameSchema,
  StreamFrameSchema,
]);

// ---- hub → agent ----

export const AckFrameSchema = z.object({
  type: z.literal('ack'),
  /** Every batch with seq ≤ this is stored; the agent may drop them from its outbox. */
  seq: z.int().check(z.nonnegative()),
});

export const ConfigFrameSchema = z.object({
  type: z.literal('config'),
  hostIntervalMs: z.int().check(z.gte(1000), z.lte(3_600_000)),
  containerIntervalMs: z.int().check(z.gte(1000), z.lte(3_600_000)),
  /** The hub's stored high-water mark; batches up to it are already stored. */
  ackedSeq: z.int().check(z.nonnegative()),
  /**
   * EdDSA JWT signed with the hub key the agent pinned at enrollment (aud = agent id,
   * nonce = the jti of the agent's connect token): proves the agent reached its own hub.
   */
  hubProof: z.string().check(z.minLength(1), z.maxLength(4096)),
});

export const CmdFrameSchema = z.object({
  type: z.literal('cmd'),
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  kind: z.string().check(z.minLength(1), z.maxLength(64)),
  args: z.record(z.string(), z.unknown()),
});

/** Asks the agent to stop a running command (a closed log follow); it answers with `cmd_result`. */
export const CancelFrameSchema = z.object({
  type: z.literal('cancel'),
  id: z.string().check(z.minLength(1), z.maxLength(64)),
});

/**
 * Flow control of a streaming command: the agent may send `chunks` more `stream` frames for `id`.
 * Every command starts with INITIAL_STREAM_CREDIT; the hub grants one more per chunk its
 * consumer has taken, so a slow reader slows the agent instead of filling the hub's memory.
 */
export const CreditFrameSchema = z.object({
  type: z.literal('credit'),
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  chunks: z.int().check(z.positive(), z.lte(1024)),
});

/** Stream frames a command may send before the hub grants more. */
export const INITIAL_STREAM_CREDIT = 16;

export const ErrorCodeSchema = z.enum([
  'bad_frame',
  'frame_too_large',
  'unsupported_protocol',
  'unauthorized',
  'out_of_order',
  'internal',
]);

export const ErrorFrameSchema = z.object({
  type: z.literal('error'),
  code: ErrorCodeSchema,
  message: z.string().check(z.maxLength(4096)),
});

export const HubFrameSchema = z.discriminatedUnion('type', [
  AckFrameSchema,
  ConfigFrameSchema,
  CmdFrameSchema,
  CancelFrameSchema,
  CreditFrameSchema,
  ErrorFrameSchema,
]);

export type HostFacts = z.infer<typeof HostFactsSchema>;
export type Capability = z.infer<typeof CapabilitySchema>;
export type HelloFrame = z.infer<typeof HelloFrameSchema>;
export type BatchFrame = z.infer<typeof BatchFrameSchema>;
export type CmdResultFrame = z.infer<typeof CmdResultFrameSchema>;
export type StreamFrame = z.infer<typeof StreamFrameSchema>;
export type AgentFrame = z.infer<typeof AgentFrameSchema>;
export type AckFrame = z.infer<typeof AckFrameSchema>;
export type ConfigFrame = z.infer<typeof ConfigFrameSchema>;
export type CmdFrame = z.infer<typeof CmdFrameSchema>;
export type CancelFrame = z.infer<typeof CancelFrameSchema>;
export type CreditFrame = z.infer<typeof CreditFrameSchema>;
export type CommandErrorCode = z.infer<typeof CommandErrorCodeSchema>;
export type CommandError = z.infer<typeof CommandErrorSchema>;
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>;
export type HubFrame = z.infer<typeof HubFrameSchema>;
