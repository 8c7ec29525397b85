/**
 * Second-factor tables (issue 9, migration 0023_second_factor): the TOTP secret of each user
 * (sealed, see auth/second-factor/store.ts), hashed backup codes, pending sign-in challenges and
 * the roles that require a second factor. Foreign keys to users(id) are declared in the
 * migration only (importing schema.ts here would make an import cycle); each cascades.
 * @module
 */
import { bigint, boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => tstz('created_at').notNull().defaultNow();

export const secondFactors = pgTable('second_factors', {
  userId: uuid('user_id').primaryKey(),
  /** AES-256-GCM under the hub's secret key, the user id as associated data. */
  totpSecretSealed: text('totp_secret_sealed').notNull(),
  /** The RFC 6238 time step of the last accepted code: that step and earlier are refused. */
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
  /** Null while the enrolment awaits its first valid code. */
  confirmedAt: tstz('confirmed_at'),
  createdAt: createdAt(),
});

/** Only the sha256 of each backup code (80 random bits) is kept. */
export const backupCodes = pgTable(
  'backup_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    codeHash: text('code_hash').notNull(),
    usedAt: tstz('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('backup_codes_user_idx').on(t.userId)],
);

/** A password accepted, a code awaited: the challenge cookie's sha256, single use, 5 minutes. */
export const secondFactorChallenges = pgTable('second_factor_challenges', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id').notNull(),
  /** "Remember me" asked at the password step, applied to the session made at the end. */
  remember: boolean('remember').notNull().default(false),
  expiresAt: tstz('expires_at').notNull(),
});

/** Roles (built-in names or custom role ids) whose members must enrol a second factor. */
export const roleSecondFactor = pgTable('role_second_factor', {
  roleKey: text('role_key').primaryKey(),
  createdAt: createdAt(),
});
