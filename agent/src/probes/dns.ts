/**
 * DNS probe: one query of one record type, against a chosen server (`ip` or `ip:port`) or the
 * system's, with the answers compared to the expected values and the query time measured.
 * @module
 */
import type { Resolver } from 'node:dns/promises';
import type { DnsProbe } from '@unity/shared';
import { type Observation, since } from './types.js';

/** The answers as plain strings, whatever the record type. */
async function query(resolver: Resolver, probe: DnsProbe): Promise<string[]> {
  const name = probe.query;
  switch (probe.recordType) {
    case 'A':
      return resolver.resolve4(name);
    case 'AAAA':
      return resolver.resolve6(name);
    case 'CNAME':
      return resolver.resolveCname(name);
    case 'NS':
      return resolver.resolveNs(name);
    case 'MX':
      return (await resolver.resolveMx(name)).map((r) => `${r.priority} ${r.exchange}`);
    case 'TXT':
      return (await resolver.resolveTxt(name)).map((parts) => parts.join(''));
    case 'SOA': {
      const soa = await resolver.resolveSoa(name);
      return [`${soa.nsname} ${soa.hostmaster} ${soa.serial}`];
    }
  }
}

export async function checkDns(probe: DnsProbe, signal: AbortSignal): Promise<Observation> {
  // Loaded on first use: a module imported at the top stays resident in every agent, probe or
  // not (docs/architecture.md, "Agent footprint").
  const { Resolver } = await import('node:dns/promises');
  const resolver = new Resolver({ timeout: probe.timeoutSeconds * 1000, tries: 1 });
  if (probe.server) resolver.setServers([probe.server]);
  const abort = () => resolver.cancel();
  signal.addEventListener('abort', abort, { once: true });
  const start = performance.now();
  try {
    const answers = await query(resolver, probe);
    const latencyMs = since(start);
    const missing = probe.expected.filter((e) => !answers.includes(e));
    return {
      ok: missing.length === 0,
      latencyMs,
      ...(missing.length > 0
        ? { error: `expected ${missing.join(', ')} among the answers (${answers.join(', ') || 'none'})` }
        : {}),
      details: { answers },
      context: {
        CONNECTED: true,
        RESPONSE_TIME: latencyMs,
        BODY: JSON.stringify(answers),
        DNS_RCODE: 'NOERROR',
      },
    };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ERROR';
    return {
      ok: false,
      latencyMs: since(start),
      error: `${probe.recordType} ${probe.query}: ${code}`,
      context: { CONNECTED: code !== 'ECONNREFUSED' && code !== 'ETIMEOUT', DNS_RCODE: code },
    };
  } finally {
    signal.removeEventListener('abort', abort);
  }
}
