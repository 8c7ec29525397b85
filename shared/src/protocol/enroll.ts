/**
 * Enrollment and per-connection authentication of agents (see docs/protocol.md).
 *
 * 1. The agent makes an Ed25519 key pair once and keeps it in its state dir.
 * 2. `POST /api/agents/enroll` with a one-time enrollment token and the public key (JWK)
 *    returns the agent's id and the hub's public key, which the agent pins.
 * 3. Each WebSocket connection to `/api/agents/connect` carries
 *    `Authorization: Bearer <connect token>`: an EdDSA JWT the agent signs with its key.
 * @module
 */
import * as z from 'zod/mini';
import { HostFactsSchema } from './frames.js';

export const ENROLL_PATH = '/api/agents/enroll';
export const CONNECT_PATH = '/api/agents/connect';

/** A connect token is valid this long; short so a leaked one is worth little. */
export const CONNECT_TOKEN_TTL_SEC = 60;

/** The audience every connect token and hub proof names. */
export const hubAudience = (hubId: string): string => `unity-hub:${hubId}`;

export const Ed25519PublicJwkSchema = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'x must be 32 bytes, base64url')),
});

export const EnrollRequestSchema = z.object({
  token: z.string().check(z.minLength(16), z.maxLength(256)),
  publicKey: Ed25519PublicJwkSchema,
  host: HostFactsSchema,
});

export const EnrollResponseSchema = z.object({
  agentId: z.uuid(),
  hubId: z.uuid(),
  hubPublicKey: Ed25519PublicJwkSchema,
});

export type Ed25519PublicJwk = z.infer<typeof Ed25519PublicJwkSchema>;
export type EnrollRequest = z.infer<typeof EnrollRequestSchema>;
export type EnrollResponse = z.infer<typeof EnrollResponseSchema>;
