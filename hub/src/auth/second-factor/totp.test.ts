import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import { base32Decode, base32Encode, hotp, matchTotp, newTotpSecret, otpauthUri, totpAt } from './totp.js';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII "12345678901234567890", 8 digits.
const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');
const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC 6238 SHA-1 test vectors', () => {
    for (const [seconds, expected] of RFC_VECTORS) assert.equal(totpAt(RFC_KEY, seconds * 1000, 8), expected);
  });

  it('matches the RFC 4226 HOTP test vectors', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583'];
    for (const [counter, code] of expected.entries()) assert.equal(hotp(RFC_KEY, counter), code);
  });

  it('round-trips base32 and agrees with otpauth on a fresh 160-bit secret', () => {
    const secret = newTotpSecret();
    assert.equal(base32Decode(secret)?.length, 20);
    assert.equal(base32Encode(base32Decode(secret) ?? Buffer.alloc(0)), secret);
    const reference = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    const now = 1_795_000_000_000;
    assert.equal(matchTotp(secret, reference.generate({ timestamp: now }), now), Math.floor(now / 30_000));
  });

  it('accepts one step either side and refuses two', () => {
    const secret = newTotpSecret();
    const reference = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    const now = 1_795_000_015_000;
    const step = Math.floor(now / 30_000);
    for (const offset of [-1, 0, 1]) {
      const code = reference.generate({ timestamp: now + offset * 30_000 });
      assert.equal(matchTotp(secret, code, now), step + offset, `offset ${offset}`);
    }
    for (const offset of [-2, 2]) {
      const code = reference.generate({ timestamp: now + offset * 30_000 });
      // A collision with a neighbouring step's code is possible (1 in a million per step).
      const neighbours = [-1, 0, 1].map((o) => reference.generate({ timestamp: now + o * 30_000 }));
      if (!neighbours.includes(code))
        assert.equal(matchTotp(secret, code, now), undefined, `offset ${offset}`);
    }
    assert.equal(matchTotp(secret, '12345', now), undefined);
    assert.equal(matchTotp(secret, 'abcdef', now), undefined);
  });

  it('builds the otpauth URI authenticator apps read', () => {
    const secret = newTotpSecret();
    const uri = otpauthUri('ada', secret);
    assert.ok(uri.startsWith(`otpauth://totp/Unity:ada?secret=${secret}&issuer=Unity`), uri);
    const parsed = OTPAuth.URI.parse(uri);
    assert.ok(parsed instanceof OTPAuth.TOTP);
    assert.equal(parsed.issuer, 'Unity');
    assert.equal(parsed.label, 'ada');
    assert.equal(parsed.secret.base32, secret);
  });
});
