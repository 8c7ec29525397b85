/**
 * The mail that carries a one-time code, sent through the hub's own SMTP server (UNITY_SMTP_*)
 * with the notification channels' transport (notify/channels/email.ts).
 * @module
 */
import type { SmtpConfig } from '../../config-sign-in.js';
import { smtpTransport } from '../../notify/channels/email.js';
import type { EmailCodePurpose } from './service.js';

const SEND_TIMEOUT_MS = 15_000;

const SUBJECT: Record<EmailCodePurpose, string> = {
  sign_in: 'Your Unity sign-in code',
  verify_email: 'Confirm your e-mail address for Unity',
};

const WHY: Record<EmailCodePurpose, string> = {
  sign_in:
    'Someone (hopefully you) signed in to Unity with your password and asked for a code by e-mail.\nIf it was not you, change your password now.',
  verify_email: 'Type it on your Unity account page to confirm this address.',
};

export async function mailCode(
  smtp: SmtpConfig,
  options: { to: string; code: string; purpose: EmailCodePurpose; publicUrl: string },
): Promise<void> {
  const transport = smtpTransport(smtp, SEND_TIMEOUT_MS);
  try {
    await transport.sendMail({
      from: smtp.from,
      to: options.to,
      subject: SUBJECT[options.purpose],
      text: `Your code: ${options.code}\n\nIt works once, within 10 minutes.\n${WHY[options.purpose]}\n\n${options.publicUrl}\n`,
    });
  } finally {
    transport.close();
  }
}
