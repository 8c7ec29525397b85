/**
 * The Apprise bridge: any Apprise URL (100+ services) through the `apprise` CLI (Debian package
 * `apprise`), or through an Apprise API server's stateless `POST /notify/`.
 *
 * The CLI runs without a shell, from an argument array, with a timeout. The URLs go in the
 * child's environment (`APPRISE_URLS`, which the CLI reads when no URL argument is given), not on
 * its command line where any local user could read them in the process list.
 * @module
 */
import { execFile } from 'node:child_process';
import type { Notification, SettingsOf } from '@unity/shared';
import { jsonRequest, sendHttp } from './http.js';
import { titleOf, truncate } from './render.js';
import type { ChannelSender, SendContext, SendResult } from './types.js';

/** Apprise's notification types. */
export function appriseType(n: Notification): 'info' | 'success' | 'warning' | 'failure' {
  if (n.status === 'resolved') return 'success';
  return n.severity === 'critical' ? 'failure' : n.severity === 'warning' ? 'warning' : 'info';
}

/** The CLI's arguments; `--opt=value` so a body starting with `-` is never read as an option. */
export const appriseArgs = (n: Notification) => [
  `--title=${titleOf(n)}`,
  `--body=${n.body}\n\n${n.url}`,
  `--notification-type=${appriseType(n)}`,
];

export const APPRISE_INSTALL_HINT =
  'install the Apprise CLI on the hub: apt-get install apprise (Debian/Ubuntu) or pipx install apprise';

function runCli(urls: string[], n: Notification, ctx: SendContext): Promise<SendResult> {
  return new Promise((resolve) => {
    execFile(
      ctx.appriseCommand,
      appriseArgs(n),
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', APPRISE_URLS: urls.join(' ') },
        timeout: ctx.timeoutMs,
        killSignal: 'SIGKILL',
        signal: ctx.signal,
        maxBuffer: 1024 * 1024,
        windowsHide: true,
      },
      (error, _stdout, stderr) => {
        if (!error) return resolve({ ok: true });
        const e = error as { code?: unknown; killed?: boolean; name?: string };
        if (e.code === 'ENOENT')
          return resolve({
            ok: false,
            permanent: true,
            error: `apprise is not installed: ${APPRISE_INSTALL_HINT}`,
          });
        if (e.killed || e.name === 'AbortError')
          return resolve({ ok: false, permanent: false, error: 'apprise timed out' });
        const last = String(stderr).trim().split('\n').filter(Boolean).slice(-2).join(' | ');
        // Exit 1: a service failed (worth retrying); 2: bad arguments; 3: no usable URL.
        resolve({
          ok: false,
          permanent: e.code === 2 || e.code === 3,
          error: truncate(`apprise exited with ${e.code}${last ? `: ${last}` : ''}`, 300),
        });
      },
    );
  });
}

export const sendApprise: ChannelSender<'apprise'> = (s: SettingsOf<'apprise'>, ctx) => {
  const n = ctx.notification;
  if (!s.apiUrl) return runCli(s.urls, n, ctx);
  return sendHttp(
    jsonRequest(`${s.apiUrl.replace(/\/+$/, '')}/notify/`, {
      urls: s.urls.join(','),
      title: titleOf(n),
      body: `${n.body}\n\n${n.url}`,
      type: appriseType(n),
      format: 'text',
    }),
    ctx,
  );
};

/** Whether the CLI runs here (`apprise --version`), for the channel type list. */
export function appriseAvailable(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, ['--version'], { timeout: 10_000 }, (error) => resolve(!error));
  });
}
