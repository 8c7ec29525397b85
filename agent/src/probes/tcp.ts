/**
 * TCP probe: connect time, and with `banner` the server's first line (SSH, SMTP, FTP greet
 * first) read and matched against the pattern.
 * @module
 */
import { connect } from 'node:net';
import type { TcpProbe } from '@unity/shared';
import { type Observation, since } from './types.js';

const MAX_BANNER = 4096;

export function checkTcp(probe: TcpProbe, signal: AbortSignal): Promise<Observation> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: probe.host, port: probe.port, signal });
    let connectMs = 0;
    let banner = '';
    const finish = (obs: Observation) => {
      socket.destroy();
      resolve(obs);
    };
    socket.on('error', reject);
    socket.once('connect', () => {
      connectMs = since(start);
      if (!probe.banner)
        return finish({
          ok: true,
          latencyMs: connectMs,
          context: { CONNECTED: true, RESPONSE_TIME: connectMs, IP: socket.remoteAddress ?? null },
        });
    });
    const judge = () => {
      const line = banner.split(/\r?\n/)[0] ?? '';
      const matched = new RegExp(probe.banner as string).test(line);
      finish({
        ok: matched,
        latencyMs: connectMs,
        ...(matched
          ? {}
          : { error: `banner ${JSON.stringify(line.slice(0, 200))} does not match ${probe.banner}` }),
        details: { banner: line.slice(0, 512) },
        context: {
          CONNECTED: true,
          RESPONSE_TIME: connectMs,
          BANNER: line,
          IP: socket.remoteAddress ?? null,
        },
      });
    };
    socket.on('data', (chunk: Buffer) => {
      banner += chunk.toString('utf8');
      if (banner.includes('\n') || banner.length >= MAX_BANNER) judge();
    });
    socket.once('end', () => {
      if (probe.banner) judge();
    });
  });
}
