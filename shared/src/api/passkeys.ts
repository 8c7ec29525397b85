/**
 * Passkeys (WebAuthn) and e-mailed one-time codes (issue 9): the shapes of the passkey
 * management, passwordless sign-in and second-factor endpoints. The ceremony options the hub
 * hands out are WebAuthn's own JSON (passed through to the browser untouched); the responses the
 * browser sends back are checked here for shape only, the hub's WebAuthn library checks the rest.
 * @module
 */
import { z } from 'zod';

const B64Url = z
  .string()
  .min(1)
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'base64url only');

const Transports = z.array(z.string().max(32)).max(8).optional();

/** A `PublicKeyCredential` from `navigator.credentials.create()`, as JSON (WebAuthn L3 toJSON). */
export const RegistrationResponseSchema = z.object({
  id: B64Url,
  rawId: B64Url,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: B64Url,
    attestationObject: B64Url,
    transports: Transports,
    authenticatorData: B64Url.optional(),
    publicKey: B64Url.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

/** A `PublicKeyCredential` from `navigator.credentials.get()`, as JSON. */
export const AuthenticationResponseSchema = z.object({
  id: B64Url,
  rawId: B64Url,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: B64Url,
    authenticatorData: B64Url,
    signature: B64Url,
    userHandle: B64Url.optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

const PasskeyName = z.string().trim().min(1, 'give the passkey a name').max(64);

/** `POST /api/me/passkeys`: the new credential and the name it is listed under. */
export const AddPasskeySchema = z.object({ name: PasskeyName, response: RegistrationResponseSchema });
/** `PATCH /api/me/passkeys/:id` */
export const RenamePasskeySchema = z.object({ name: PasskeyName });

/** `GET /api/me/passkeys`: never the public key or the credential id (nothing to do with them). */
export const PasskeySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  /** Synced between devices by its provider (iCloud Keychain, Google Password Manager…). */
  backedUp: z.boolean(),
});
export const PasskeyListSchema = z.object({ items: z.array(PasskeySchema) });

/** Ceremony options for `@simplewebauthn/browser` (`optionsJSON`). */
export const PasskeyOptionsSchema = z.object({ options: z.record(z.string(), z.unknown()) });

/** `POST /api/auth/passkey`: passwordless sign-in. */
export const PasskeySignInSchema = z.object({
  response: AuthenticationResponseSchema,
  remember: z.boolean().optional(),
});
/** `POST /api/auth/second-factor/passkey`: a passkey as the second step after the password. */
export const PasskeyChallengeSchema = z.object({
  response: AuthenticationResponseSchema,
  rememberDevice: z.boolean().optional(),
});

/** `GET /api/me/email-verification`: whether codes can be mailed, and to a verified address. */
export const EmailVerificationStatusSchema = z.object({
  /** The hub has an SMTP server (UNITY_SMTP_HOST). */
  smtp: z.boolean(),
  email: z.string(),
  verified: z.boolean(),
});
export const EmailCodeSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'six digits'),
});
/** Answer to a code being mailed: when another may be asked for. */
export const EmailCodeSentSchema = z.object({ sentTo: z.string(), resendAfterSec: z.number().int() });

export type RegistrationResponse = z.infer<typeof RegistrationResponseSchema>;
export type AuthenticationResponse = z.infer<typeof AuthenticationResponseSchema>;
export type AddPasskey = z.infer<typeof AddPasskeySchema>;
export type Passkey = z.infer<typeof PasskeySchema>;
export type PasskeyList = z.infer<typeof PasskeyListSchema>;
export type PasskeyOptions = z.infer<typeof PasskeyOptionsSchema>;
export type PasskeySignIn = z.infer<typeof PasskeySignInSchema>;
export type PasskeyChallenge = z.infer<typeof PasskeyChallengeSchema>;
export type EmailVerificationStatus = z.infer<typeof EmailVerificationStatusSchema>;
export type EmailCodeSent = z.infer<typeof EmailCodeSentSchema>;
