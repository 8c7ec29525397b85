/**
 * A throwaway certificate authority and one server certificate for 127.0.0.1 and localhost,
 * made with the machine's openssl (EC P-256, a few milliseconds): for tests of TLS peers
 * (LDAPS, StartTLS) that must verify a real chain. Nothing is reused between calls.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TestCertificates = {
  /** PEM of the CA certificate: what a client trusts. */
  caCert: string;
  /** PEM of the server certificate (SAN IP:127.0.0.1, DNS:localhost) and its key. */
  serverCert: string;
  serverKey: string;
};

const openssl = (cwd: string, args: string[]) =>
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });

export function makeTestCertificates(commonName = 'unity-test'): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'unity-ca-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(dir, [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Unity test CA',
    ]);
    openssl(dir, [
      'req',
      '-new',
      ...ec,
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      `/CN=${commonName}`,
    ]);
    writeFileSync(
      join(dir, 'ext.cnf'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
    );
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ]);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { caCert: read('ca.pem'), serverCert: read('server.pem'), serverKey: read('server.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
