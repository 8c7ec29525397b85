/**
 * Compact EdDSA (Ed25519) JWTs with `node:crypto`: the agent signs one per connection and checks
 * one per connection, and nothing else. The hub uses jose; the agent does not, because jose
 * works through WebCrypto (`crypto.subtle`), and loading it with Node's WebCrypto modules costs
 * the agent about 1.1 MiB of its 60 MB budget (issue 3) for two calls a connection.
 * Verification follows RFC 7515 and RFC 7519 as jose's `jwtVerify` does for these tokens: the
 * algorithm is pinned (never taken from the header), a `crit` header is refused (§4.1.11: an
 * extension the verifier does not understand), time claims must be numbers.
 * @module
 */
import { createPrivateKey, createPublicKey, type JsonWebKey, sign, verify } from 'node:crypto';
import { err, ok, type Result } from '@unity/shared';

export type JwtPayload = Record<string, unknown>;

const HEADER = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' })).toString('base64url');
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Signs `payload` with an Ed25519 private JWK (`kty: OKP`, `crv: Ed25519`, `x`, `d`). */
export function signJwt(payload: JwtPayload, privateJwk: JsonWebKey): string {
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const input = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

/**
 * The payload of `token` if its signature verifies with the Ed25519 public JWK and its time
 * claims hold at `nowSec` give or take `toleranceSec`; `exp` is required. The error says why not.
 */
export function verifyJwt(
  token: string,
  publicJwk: JsonWebKey,
  options: { nowSec: number; toleranceSec: number },
): Result<JwtPayload, string> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return err('not a compact JWS');
  const [header, payload, signature] = parts as [string, string, string];
  const head = decodeJson(header);
  if (!head) return err('the header is not a JSON object');
  if (head.alg !== 'EdDSA') return err(`algorithm ${String(head.alg)} is not EdDSA`);
  if ('crit' in head) return err('critical header extensions are not supported');
  const key = createPublicKey({ key: publicJwk, format: 'jwk' });
  const signed = Buffer.from(`${header}.${payload}`);
  if (!verify(null, signed, key, Buffer.from(signature, 'base64url')))
    return err('signature verification failed');
  const claims = decodeJson(payload);
  if (!claims) return err('the payload is not a JSON object');
  const { nowSec, toleranceSec } = options;
  for (const name of ['exp', 'nbf', 'iat'] as const)
    if (name in claims && typeof claims[name] !== 'number') return err(`"${name}" is not a number`);
  if (typeof claims.exp !== 'number') return err('"exp" is missing');
  if (claims.exp <= nowSec - toleranceSec) return err('the token has expired');
  if (typeof claims.nbf === 'number' && claims.nbf > nowSec + toleranceSec)
    return err('the token is not yet valid');
  return ok(claims);
}

function decodeJson(segment: string): JwtPayload | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JwtPayload)
      : undefined;
  } catch {
    return undefined;
  }
}
