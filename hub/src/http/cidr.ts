/**
 * Lists of addresses and CIDR ranges (`10.0.0.0/8, 192.168.1.7, fd00::/8`) over node's
 * BlockList. IPv4-mapped IPv6 addresses (`::ffff:10.1.2.3`, what a dual-stack socket reports
 * for an IPv4 peer) are matched as the IPv4 address they carry.
 * @module
 */
import { BlockList, isIP } from 'node:net';
import { err, ok, type Result } from '@unity/shared';

export type CidrList = {
  /** The entries as written, for messages and the settings page. */
  readonly entries: readonly string[];
  contains(ip: string | null | undefined): boolean;
};

/** `::ffff:1.2.3.4` → `1.2.3.4`; anything else unchanged. */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m?.[1] ?? ip;
}

export function parseCidrList(text: string | undefined): Result<CidrList, string> {
  const entries = (text ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefixText] = entry.split('/');
    const family = isIP(address);
    if (family === 0) return err(`${entry} is not an IP address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefixText === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const prefix = Number(prefixText);
    if (!/^\d+$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) {
      return err(`${entry} has a bad prefix length (0-${family === 4 ? 32 : 128})`);
    }
    list.addSubnet(address, prefix, type);
  }
  return ok({
    entries,
    contains(ip) {
      if (!ip || entries.length === 0) return false;
      const address = normalizeIp(ip);
      const family = isIP(address);
      if (family === 0) return false;
      return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  });
}

/** An empty list (nothing matches). */
export const EMPTY_CIDRS: CidrList = { entries: [], contains: () => false };
