/**
 * Channel secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256) from
 * `UNITY_SECRET_KEY`, or, when that is unset, from a random key file `secret.key` in the data
 * directory (created on first use, mode 0600). The channel id is the additional authenticated
 * data, so a sealed blob copied onto another channel does not open.
 * @module
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubError } from '../errors.js';

const VERSION = 'v1';

export class SecretBox {
  #key: Buffer | undefined;
  readonly #loadKey: () => Buffer;

  /** `loadKey` runs on first use, so a hub without channels never writes a key file. */
  constructor(loadKey: () => Buffer) {
    this.#loadKey = loadKey;
  }

  static fromPassphrase(passphrase: string): SecretBox {
    return new SecretBox(() => deriveKey(Buffer.from(passphrase, 'utf8')));
  }

  /** Key from the environment when given, else the data directory's key file. */
  static fromConfig(secretKey: string | undefined, dataDir: string): SecretBox {
    if (secretKey) return SecretBox.fromPassphrase(secretKey);
    return new SecretBox(() => deriveKey(readOrCreateKeyFile(dataDir)));
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#keyNow(), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  open(sealed: string, context: string): string {
    const [version, data] = sealed.split(':');
    if (version !== VERSION || !data) throw undecryptable();
    const raw = Buffer.from(data, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#keyNow(), raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw undecryptable(cause);
    }
  }

  /**
   * A keyed hash (HMAC-SHA256 under a subkey for `context`): for short secrets kept only to be
   * compared, such as mailed 6-digit codes, which a plain hash would not hide (10^6 guesses).
   */
  mac(text: string, context: string): string {
    const key = Buffer.from(hkdfSync('sha256', this.#keyNow(), 'unity-mac', context, 32));
    return createHmac('sha256', key).update(text, 'utf8').digest('base64url');
  }

  #keyNow(): Buffer {
    this.#key ??= this.#loadKey();
    return this.#key;
  }
}

const undecryptable = (cause?: unknown) =>
  new HubError(
    'internal',
    "the channel's secrets cannot be decrypted (was UNITY_SECRET_KEY or the data directory's secret.key changed?)",
    { cause },
  );

function deriveKey(material: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', material, 'unity-channel-secrets', VERSION, 32));
}

function readOrCreateKeyFile(dataDir: string): Buffer {
  const file = join(dataDir, 'secret.key');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    // `wx`: if another process made it in between, keep theirs.
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}
