/**
 * Ping probe: the system `ping` (iputils; ICMP needs privileges the agent should not have,
 * ping has them), parsed for packets sent/received, loss and min/avg/max RTT.
 * @module
 */
import type { PingProbe } from '@unity/shared';
import type { Observation } from './types.js';

export type PingSummary = {
  transmitted: number;
  received: number;
  lossPercent: number;
  min?: number;
  avg?: number;
  max?: number;
};

/** Parses iputils' (and busybox's) summary lines. */
export function parsePing(output: string): PingSummary | undefined {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(output);
  if (!counts) return undefined;
  const transmitted = Number(counts[1]);
  const received = Number(counts[2]);
  const rtt = /= ([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(output);
  return {
    transmitted,
    received,
    lossPercent:
      transmitted === 0 ? 100 : Math.round(((transmitted - received) / transmitted) * 10_000) / 100,
    ...(rtt ? { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]) } : {}),
  };
}

export async function checkPing(
  probe: PingProbe,
  signal: AbortSignal,
  binary = 'ping',
): Promise<Observation> {
  // Loaded on first use: a module imported at the top stays resident in every agent, probe or
  // not (docs/architecture.md, "Agent footprint").
  const { execFile } = await import('node:child_process');
  // -n: no reverse lookups; -w: a deadline so ping itself stops within the probe's timeout.
  const args = [
    '-n',
    '-c',
    String(probe.count),
    '-i',
    '0.2',
    '-w',
    String(probe.timeoutSeconds),
    '--',
    probe.host,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      { signal, timeout: probe.timeoutSeconds * 1000 + 1000 },
      (error, stdout, stderr) => {
        const summary = parsePing(stdout);
        if (!summary) {
          if (error && (error as NodeJS.ErrnoException).code === 'ENOENT')
            return reject(new Error('ping is not installed on this agent'));
          return reject(
            new Error((stderr || stdout || String(error)).trim().split('\n')[0] ?? 'ping failed'),
          );
        }
        const ok = summary.received > 0 && summary.lossPercent <= probe.maxLossPercent;
        resolve({
          ok,
          ...(summary.avg !== undefined ? { latencyMs: summary.avg } : {}),
          ...(ok ? {} : { error: `${summary.lossPercent} % packet loss` }),
          details: { ...summary },
          context: {
            CONNECTED: summary.received > 0,
            PACKET_LOSS: summary.lossPercent,
            RESPONSE_TIME: summary.avg ?? null,
          },
        });
      },
    );
  });
}
