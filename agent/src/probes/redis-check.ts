/**
 * Redis probe without a client library: optional AUTH from the URL, then PING, expecting PONG
 * (RESP2, https://redis.io/docs/latest/develop/reference/protocol-spec/).
 * @module
 */
import { Wire } from './wire.js';

/** A RESP command as an array of bulk strings. */
const command = (...parts: string[]) =>
  `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;

export async function redisPing(url: URL, signal: AbortSignal): Promise<string> {
  const wire = await Wire.open(url.hostname || '127.0.0.1', Number(url.port || 6379), signal);
  try {
    const password = decodeURIComponent(url.password);
    const username = decodeURIComponent(url.username);
    if (password) {
      wire.write(username ? command('AUTH', username, password) : command('AUTH', password));
      const auth = await wire.line();
      if (!auth.startsWith('+')) throw new Error(`AUTH refused: ${auth.slice(1)}`);
    }
    const db = url.pathname.replace('/', '');
    if (db) {
      wire.write(command('SELECT', db));
      const selected = await wire.line();
      if (!selected.startsWith('+')) throw new Error(`SELECT ${db}: ${selected.slice(1)}`);
    }
    wire.write(command('PING'));
    const reply = await wire.line();
    if (reply !== '+PONG') throw new Error(`PING answered ${reply.slice(0, 200)}`);
    return reply.slice(1);
  } finally {
    wire.close();
  }
}
