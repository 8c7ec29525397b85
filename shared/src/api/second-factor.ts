/**
 * Second factors (issue 9): TOTP enrolment, backup codes, the sign-in challenge and the per-role
 * requirement. Shared by the hub (which validates bodies with these) and the UI's client.
 * @module
 */
import { z } from 'zod';

/** A TOTP code (6 digits) or a backup code (16 base32 characters, dashes and spaces ignored). */
export const SecondFactorCodeSchema = z
  .string()
  .trim()
  .min(6)
  .max(64)
  .regex(/^[0-9A-Za-z\s-]+$/, 'digits, letters, spaces and dashes only');

/** `GET /api/me/second-factor` */
export const SecondFactorStatusSchema = z.object({
  /** TOTP is enrolled and confirmed: sign-in asks for a code. */
  enabled: z.boolean(),
  /** An enrolment was started and awaits its first code. */
  pending: z.boolean(),
  backupCodesRemaining: z.number().int(),
  /** One of the user's roles requires a second factor. */
  required: z.boolean(),
});

/** `POST /api/me/second-factor/totp`: the secret, shown until the enrolment is confirmed. */
export const TotpEnrolmentSchema = z.object({
  /** The base32 secret, for typing into an app by hand. */
  secret: z.string(),
  /** The otpauth:// URI the QR code encodes. */
  uri: z.string(),
  /** The QR code as an SVG data URL (rendered by the hub: the UI runs no inline scripts). */
  qrSvgDataUrl: z.string(),
});

export const ConfirmTotpSchema = z.object({ code: SecondFactorCodeSchema });

/** The 10 single-use backup codes, shown once. */
export const BackupCodesSchema = z.object({ backupCodes: z.array(z.string()) });

/** Disabling 2FA or regenerating backup codes needs the current password or a valid code. */
export const SecondFactorProofSchema = z
  .object({
    password: z.string().min(1).max(1024).optional(),
    code: SecondFactorCodeSchema.optional(),
  })
  .refine((b) => b.password !== undefined || b.code !== undefined, {
    message: 'give your current password or a code',
  });

/** `POST /api/auth/second-factor`: completes a sign-in the password started. */
export const SecondFactorChallengeSchema = z.object({
  code: SecondFactorCodeSchema,
  /** `email`: the code was mailed (POST /api/auth/second-factor/email); else TOTP or a backup code. */
  method: z.enum(['code', 'email']).optional(),
  /** Skip the challenge on this browser for the configured number of days. */
  rememberDevice: z.boolean().optional(),
});

/** What `POST /api/auth/login` answers (202) when the account has a second factor. */
export const SecondFactorRequiredSchema = z.object({
  secondFactorRequired: z.literal(true),
  /** What this account can answer with; `email` only when SMTP is set up and its address verified. */
  methods: z.array(z.enum(['totp', 'backup_code', 'passkey', 'email'])),
});

/** `PUT /api/roles/:id/second-factor` */
export const RoleSecondFactorSchema = z.object({ required: z.boolean() });

export type SecondFactorStatus = z.infer<typeof SecondFactorStatusSchema>;
export type TotpEnrolment = z.infer<typeof TotpEnrolmentSchema>;
export type BackupCodes = z.infer<typeof BackupCodesSchema>;
export type SecondFactorProof = z.infer<typeof SecondFactorProofSchema>;
export type SecondFactorChallenge = z.infer<typeof SecondFactorChallengeSchema>;
export type SecondFactorRequired = z.infer<typeof SecondFactorRequiredSchema>;
