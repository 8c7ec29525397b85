/**
 * `/api/me/second-factor`: my own second factor. Enrol TOTP (a fresh secret, its otpauth URI and
 * a QR code; on only once a first code confirms it, which also hands out 10 backup codes),
 * regenerate the backup codes, turn 2FA off. Changing it needs a session (not an API key, which
 * must not be able to take the account over), and turning it off or regenerating codes needs the
 * current password or a valid code as well, so an unattended browser is not enough.
 * @module
 */
import {
  type BackupCodes,
  ConfirmTotpSchema,
  type SecondFactorStatus,
  type TotpEnrolment,
} from '@unity/shared';
import { type Context, Hono } from 'hono';
import QRCode from 'qrcode';
import { badRequest, forbidden } from '../../errors.js';
import { jsonBody } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { auditIdentity } from '../audit-identity.js';
import { signedIn } from '../require-permission.js';
import { secondFactorDeps } from './context.js';
import { assertFreshProof } from './proof.js';
import {
  backupCodesRemaining,
  confirmTotp,
  disableSecondFactor,
  regenerateBackupCodes,
  roleRequiresSecondFactor,
  secondFactorRow,
  startTotpEnrolment,
} from './service.js';
import { otpauthUri } from './totp.js';

function bySession(c: Context<HubEnv>) {
  const user = signedIn(c);
  if (c.get('apiKeyId')) throw forbidden('an API key cannot change the second factor; sign in');
  return user;
}

export function enrolmentRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const sf = secondFactorDeps(deps);

  const audit = (c: Context<HubEnv>, action: string, id: string, name: string) =>
    auditIdentity(deps.db, c, { action, objectType: 'user', objectId: id, objectName: name });

  const assertProof = (c: Context<HubEnv>, user: { id: string; username: string }) =>
    assertFreshProof(c, deps, user, 'change the second factor');

  app.get('/', async (c) => {
    const user = signedIn(c);
    const row = await secondFactorRow(deps.db, user.id);
    return c.json({
      enabled: row?.confirmedAt != null,
      pending: row !== undefined && row.confirmedAt == null,
      backupCodesRemaining: await backupCodesRemaining(deps.db, user.id),
      required: await roleRequiresSecondFactor(deps.db, user.id),
    } satisfies SecondFactorStatus);
  });

  app.post('/totp', async (c) => {
    const user = bySession(c);
    const secret = await startTotpEnrolment(sf, user.id);
    const uri = otpauthUri(user.username, secret);
    const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const qrSvgDataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    return c.json({ secret, uri, qrSvgDataUrl } satisfies TotpEnrolment);
  });

  app.post('/totp/confirm', async (c) => {
    const user = bySession(c);
    const { code } = await jsonBody(c, ConfirmTotpSchema);
    const codes = await confirmTotp(sf, user.id, code);
    if (!codes) {
      throw badRequest(
        'invalid body: code: that code does not match; check the time on your device and type the current code',
      );
    }
    await audit(c, 'user.second_factor_enrol', user.id, user.username);
    return c.json({ backupCodes: codes } satisfies BackupCodes);
  });

  app.post('/backup-codes', async (c) => {
    const user = bySession(c);
    if ((await secondFactorRow(deps.db, user.id))?.confirmedAt == null) {
      throw badRequest('turn two-factor authentication on first');
    }
    await assertProof(c, user);
    const codes = await regenerateBackupCodes(deps.db, user.id);
    await audit(c, 'user.backup_codes_regenerate', user.id, user.username);
    return c.json({ backupCodes: codes } satisfies BackupCodes);
  });

  app.post('/disable', async (c) => {
    const user = bySession(c);
    if (!(await secondFactorRow(deps.db, user.id))) throw badRequest('two-factor authentication is not on');
    await assertProof(c, user);
    await disableSecondFactor(deps.db, user.id);
    await audit(c, 'user.second_factor_disable', user.id, user.username);
    return c.body(null, 204);
  });

  return app;
}
