/**
 * Sign-in cost with argon2id (issue 8's figure): waves of 20 concurrent sign-ins against an
 * in-process hub on loopback (in-memory PGlite), each verifying an argon2id hash with the OWASP
 * parameters (m = 19 MiB, t = 2, p = 1) and creating a session. Reports p50/p95/p99 latency of
 * one sign-in within a wave and the sign-ins per second. A second row times an authenticated
 * request (`GET /api/auth/me`) by session cookie and by API key, the per-request cost of the
 * identity check (session or key lookup plus the access resolution).
 *
 * Full: 10 waves (200 sign-ins), 500 requests each way. Smoke: 2 waves, 50 requests.
 * @module
 */
import { availableParallelism } from 'node:os';
import { ADMIN, login, startTestHub } from '../../hub/src/testing/hub.js';
import { printTable, writeJson } from './report.js';

export type SignInBenchParams = { concurrency: number; waves: number; requests: number };
export const FULL: SignInBenchParams = { concurrency: 20, waves: 10, requests: 500 };
export const SMOKE: SignInBenchParams = { concurrency: 20, waves: 2, requests: 50 };

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? 0;
};
const round = (v: number) => Math.round(v * 10) / 10;

async function timed(run: () => Promise<Response>): Promise<number> {
  const t0 = performance.now();
  const res = await run();
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`unexpected ${res.status}`);
  return performance.now() - t0;
}

export async function signInBench(p: SignInBenchParams, mode: string): Promise<void> {
  const hub = await startTestHub();
  try {
    const body = JSON.stringify(ADMIN);
    const signIn = () =>
      fetch(`${hub.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    await timed(signIn); // warm-up: the dummy hash and the first argon2 allocation
    const latencies: number[] = [];
    const t0 = performance.now();
    for (let w = 0; w < p.waves; w++) {
      latencies.push(...(await Promise.all(Array.from({ length: p.concurrency }, () => timed(signIn)))));
    }
    const seconds = (performance.now() - t0) / 1000;

    const cookie = await login(hub);
    const keyRes = await fetch(`${hub.url}/api/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'bench', permissions: ['hosts:read'] }),
    });
    const { key } = (await keyRes.json()) as { key: string };
    const perRequest = async (headers: Record<string, string>) => {
      const xs: number[] = [];
      for (let i = 0; i < p.requests; i++)
        xs.push(await timed(() => fetch(`${hub.url}/api/auth/me`, { headers })));
      return xs;
    };
    const bySession = await perRequest({ cookie });
    const byKey = await perRequest({ authorization: `Bearer ${key}` });

    const rows = [
      {
        what: `sign-in, ${p.concurrency} concurrent × ${p.waves}`,
        n: latencies.length,
        p50_ms: round(percentile(latencies, 0.5)),
        p95_ms: round(percentile(latencies, 0.95)),
        p99_ms: round(percentile(latencies, 0.99)),
        per_s: round(latencies.length / seconds),
      },
      ...[
        ['GET /api/auth/me by session cookie', bySession],
        ['GET /api/auth/me by API key', byKey],
      ].map(([what, xs]) => ({
        what: what as string,
        n: (xs as number[]).length,
        p50_ms: round(percentile(xs as number[], 0.5)),
        p95_ms: round(percentile(xs as number[], 0.95)),
        p99_ms: round(percentile(xs as number[], 0.99)),
        per_s: null,
      })),
    ];
    printTable(`Sign-in with argon2id (m=19 MiB, t=2, p=1), ${mode}, ${availableParallelism()} cores`, rows);
    writeJson(`sign-in-${mode}`, { params: p, rows });
  } finally {
    await hub.close();
  }
}
