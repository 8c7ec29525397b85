/**
 * Test certificates made with the real `openssl`: a local CA and leaves signed by it with
 * chosen validity dates and names (`openssl ca` takes explicit start and end dates, so an
 * expired or soon-expiring certificate is made directly, without a fake clock).
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type TestCa = {
  dir: string;
  cert: string;
  issue(leaf: LeafSpec): Promise<{ key: string; cert: string }>;
};
export type LeafSpec = { name: string; commonName: string; san: string; notBefore: Date; notAfter: Date };

/** openssl ca's date format: YYYYMMDDHHMMSSZ. */
const asn1 = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

export async function makeCa(): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'unity-probe-ca-'));
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '1000\n');
  await writeFile(
    join(dir, 'ca.cnf'),
    `[ca]\ndefault_ca = local\n[local]\ndir = ${dir}\ndatabase = ${dir}/index.txt\nserial = ${dir}/serial\nnew_certs_dir = ${dir}\ncertificate = ${dir}/ca.pem\nprivate_key = ${dir}/ca.key\ndefault_md = sha256\npolicy = any\ncopy_extensions = copy\nunique_subject = no\n[any]\ncommonName = supplied\n`,
  );
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(dir, 'ca.key'),
    '-out',
    join(dir, 'ca.pem'),
    '-days',
    '30',
    '-subj',
    '/CN=Unity Test CA',
  ]);
  const cert = await readFile(join(dir, 'ca.pem'), 'utf8');
  return {
    dir,
    cert,
    async issue(leaf) {
      const key = join(dir, `${leaf.name}.key`);
      const csr = join(dir, `${leaf.name}.csr`);
      const out = join(dir, `${leaf.name}.pem`);
      await run('openssl', [
        'req',
        '-new',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        csr,
        '-subj',
        `/CN=${leaf.commonName}`,
        '-addext',
        `subjectAltName=${leaf.san}`,
      ]);
      await run('openssl', [
        'ca',
        '-batch',
        '-config',
        join(dir, 'ca.cnf'),
        '-in',
        csr,
        '-out',
        out,
        '-notext',
        '-startdate',
        asn1(leaf.notBefore),
        '-enddate',
        asn1(leaf.notAfter),
      ]);
      return { key: await readFile(key, 'utf8'), cert: await readFile(out, 'utf8') };
    },
  };
}
