/**
 * A real OpenLDAP server for tests: Debian's `slapd` started as the test's own process on free
 * loopback ports, with a slapd.conf and an MDB data directory in a temporary folder (the
 * system's /etc/ldap instance is never touched). The LDIF is loaded offline with `slapadd`
 * before the start, so the whole thing is up in a fraction of a second. With `tls`, a throwaway
 * CA signs a certificate for 127.0.0.1 and slapd also listens on ldaps:// (and offers StartTLS
 * on ldap://). Install: `apt-get install slapd ldap-utils` (scripts/test-env.sh does).
 *
 * @example
 * const ldap = await startSlapd({ ldif: exampleDirectory(), tls: true });
 * // ldap.url, ldap.ldapsUrl, ldap.caCert, ldap.rootDn / ldap.rootPassword
 * await ldap.stop();
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCertificates } from './test-ca.js';

export const SLAPD_SUFFIX = 'dc=example,dc=org';

export type Slapd = {
  /** ldap://127.0.0.1:<port> (StartTLS offered when started with tls). */
  url: string;
  /** ldaps://127.0.0.1:<port>, when started with tls. */
  ldapsUrl: string | undefined;
  /** PEM of the CA that signed slapd's certificate, when started with tls. */
  caCert: string | undefined;
  suffix: string;
  /** The directory manager, to change entries during a test (e.g. with ldapts' Client.modify). */
  rootDn: string;
  rootPassword: string;
  stop(): Promise<void>;
};

const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export async function startSlapd(options: { ldif: string; tls?: boolean; suffix?: string }): Promise<Slapd> {
  const suffix = options.suffix ?? SLAPD_SUFFIX;
  const rootDn = `cn=admin,${suffix}`;
  const rootPassword = 'slapd-test-root';
  const dir = mkdtempSync(join(tmpdir(), 'unity-slapd-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const certs = options.tls ? makeTestCertificates() : undefined;
  const tlsLines: string[] = [];
  if (certs) {
    writeFileSync(join(dir, 'ca.pem'), certs.caCert);
    writeFileSync(join(dir, 'server.pem'), certs.serverCert);
    writeFileSync(join(dir, 'server.key'), certs.serverKey, { mode: 0o600 });
    tlsLines.push(
      `TLSCACertificateFile ${join(dir, 'ca.pem')}`,
      `TLSCertificateFile ${join(dir, 'server.pem')}`,
      `TLSCertificateKeyFile ${join(dir, 'server.key')}`,
    );
  }
  const conf = join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include /etc/ldap/schema/${s}.schema`),
      `pidfile ${join(dir, 'slapd.pid')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      ...tlsLines,
      'database mdb',
      `suffix "${suffix}"`,
      `rootdn "${rootDn}"`,
      `rootpw ${rootPassword}`,
      `directory ${data}`,
      'maxsize 16777216',
      // Users may read the tree once bound (the service account searches); anonymous may only bind.
      'access to attrs=userPassword by self write by anonymous auth by * none',
      'access to * by users read by anonymous auth',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'data.ldif'), options.ldif);
  execFileSync(SLAPADD, ['-q', '-f', conf, '-l', join(dir, 'data.ldif')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });

  const port = await freePort();
  const ldapsPort = certs ? await freePort() : undefined;
  const listen = [`ldap://127.0.0.1:${port}/`, ...(ldapsPort ? [`ldaps://127.0.0.1:${ldapsPort}/`] : [])];
  // -d 0: stay in the foreground (so the child is slapd itself) and log nothing.
  const child: ChildProcess = spawn(SLAPD, ['-f', conf, '-h', listen.join(' '), '-d', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const until = Date.now() + 10_000;
  while (!(await accepts(port)) || (ldapsPort && !(await accepts(ldapsPort)))) {
    if (gone || Date.now() > until) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`slapd did not start: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    url: `ldap://127.0.0.1:${port}`,
    ldapsUrl: ldapsPort ? `ldaps://127.0.0.1:${ldapsPort}` : undefined,
    caCert: certs?.caCert,
    suffix,
    rootDn,
    rootPassword,
    async stop() {
      if (!gone) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One LDIF entry from a DN and its attributes (a value list repeats the attribute). */
export function ldifEntry(dn: string, attributes: Record<string, string | string[]>): string {
  const lines = [`dn: ${dn}`];
  for (const [name, value] of Object.entries(attributes)) {
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The suffix entry and the ou=people / ou=groups containers most test directories start from. */
export function baseEntries(suffix = SLAPD_SUFFIX): string[] {
  const dc = /^dc=([^,]+)/.exec(suffix)?.[1] ?? 'example';
  return [
    ldifEntry(suffix, { objectClass: ['dcObject', 'organization'], o: 'Unity test', dc }),
    ldifEntry(`ou=people,${suffix}`, { objectClass: 'organizationalUnit', ou: 'people' }),
    ldifEntry(`ou=groups,${suffix}`, { objectClass: 'organizationalUnit', ou: 'groups' }),
  ];
}
