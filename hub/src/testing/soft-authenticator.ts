/**
 * A software WebAuthn authenticator for hub tests: an ES256 key pair from node:crypto, a
 * CBOR-encoded attestationObject with `none` attestation, and authenticatorData with the RP ID's
 * hash, the flags and a signature counter (WebAuthn §6.1), signed as a real authenticator signs
 * (ECDSA over authenticatorData ‖ SHA-256(clientDataJSON), §6.3.3). Each value a test may want
 * wrong (origin, challenge, counter, user verification) can be overridden per call.
 * @module
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;

/** The subset of CBOR (RFC 8949) a COSE key and an attestation object need. */
export function cbor(value: Cbor): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
    if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64url = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

const FLAG = { UP: 0x01, UV: 0x04, AT: 0x40 } as const;

export type Overrides = {
  origin?: string;
  challenge?: string;
  rpId?: string;
  /** The counter to report; the authenticator's own (incremented each use) otherwise. */
  counter?: number;
  userVerified?: boolean;
};

export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  readonly #privateKey: KeyObject;
  readonly #cosePublicKey: Buffer;
  counter = 0;
  userHandle: string | undefined;

  constructor(
    readonly rpId: string,
    readonly origin: string,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    // COSE_Key (RFC 9053 §7.1.1): kty EC2, alg ES256, crv P-256, x, y.
    this.#cosePublicKey = cbor(
      new Map<Cbor, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]),
    );
  }

  #authData(o: Overrides, attested: boolean): Buffer {
    const flags = FLAG.UP | (o.userVerified === false ? 0 : FLAG.UV) | (attested ? FLAG.AT : 0);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(o.counter ?? this.counter);
    const parts: Uint8Array[] = [sha256(o.rpId ?? this.rpId), Buffer.from([flags]), count];
    if (attested) {
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), idLength, this.credentialId, this.#cosePublicKey);
    }
    return Buffer.concat(parts);
  }

  #clientData(type: string, challenge: string, o: Overrides): string {
    return JSON.stringify({
      type,
      challenge: o.challenge ?? challenge,
      origin: o.origin ?? this.origin,
      crossOrigin: false,
    });
  }

  /** The browser's JSON for `navigator.credentials.create()` with these options. */
  register(options: { challenge: string; user: { id: string } }, o: Overrides = {}) {
    this.userHandle = options.user.id;
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', this.#authData(o, true)],
      ]),
    );
    return {
      id: b64url(this.credentialId),
      rawId: b64url(this.credentialId),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(this.#clientData('webauthn.create', options.challenge, o)),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  }

  /** The browser's JSON for `navigator.credentials.get()`; each call counts one use. */
  assert(options: { challenge: string }, o: Overrides = {}) {
    if (o.counter === undefined) this.counter += 1;
    const authenticatorData = this.#authData(o, false);
    const clientDataJSON = this.#clientData('webauthn.get', options.challenge, o);
    const signature = sign(
      'sha256',
      Buffer.concat([authenticatorData, sha256(clientDataJSON)]),
      this.#privateKey,
    );
    return {
      id: b64url(this.credentialId),
      rawId: b64url(this.credentialId),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
    };
  }
}
