/**
 * MySQL/MariaDB probe without a client library: the server greeting (protocol 10), a
 * HandshakeResponse41 with mysql_native_password, then `SELECT 1`. Enough for a health check;
 * servers that insist on another auth plugin for the account are reported as such.
 * https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html
 * @module
 */
import { createHash } from 'node:crypto';
import { Wire } from './wire.js';

const CLIENT_LONG_PASSWORD = 0x1;
const CLIENT_CONNECT_WITH_DB = 0x8;
const CLIENT_PROTOCOL_41 = 0x200;
const CLIENT_SECURE_CONNECTION = 0x8000;
const CLIENT_PLUGIN_AUTH = 0x80000;

type Packet = { seq: number; body: Buffer };

async function readPacket(wire: Wire): Promise<Packet> {
  const header = await wire.read(4);
  const length = header.readUIntLE(0, 3);
  return { seq: header[3] as number, body: await wire.read(length) };
}

function writePacket(wire: Wire, seq: number, body: Buffer): void {
  const header = Buffer.alloc(4);
  header.writeUIntLE(body.length, 0, 3);
  header[3] = seq & 0xff;
  wire.write(Buffer.concat([header, body]));
}

const sha1 = (...parts: Buffer[]) => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** SHA1(pw) XOR SHA1(salt + SHA1(SHA1(pw))); empty for an empty password. */
function nativePassword(password: string, salt: Buffer): Buffer {
  if (!password) return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password));
  const stage2 = sha1(salt, sha1(stage1));
  return Buffer.from(stage1.map((b, i) => b ^ (stage2[i] as number)));
}

function errorText(body: Buffer): string {
  // 0xff, code (2), '#', state (5), message
  return body.subarray(body[3] === 0x23 ? 9 : 3).toString('utf8');
}

export async function mysqlPing(url: URL, signal: AbortSignal): Promise<string> {
  const wire = await Wire.open(url.hostname || '127.0.0.1', Number(url.port || 3306), signal);
  try {
    const greeting = await readPacket(wire);
    const g = greeting.body;
    if (g[0] === 0xff) throw new Error(errorText(g));
    if (g[0] !== 10) throw new Error(`unsupported protocol version ${g[0]}`);
    const versionEnd = g.indexOf(0, 1);
    const version = g.subarray(1, versionEnd).toString('latin1');
    let at = versionEnd + 1 + 4; // thread id
    const salt1 = g.subarray(at, at + 8);
    at += 8 + 1 + 2 + 1 + 2 + 2; // filler, capabilities low, charset, status, capabilities high
    const saltLength = Math.max(13, (g[at] as number) - 8);
    at += 1 + 10;
    const salt2 = g.subarray(at, at + saltLength - 1);
    const salt = Buffer.concat([salt1, salt2]);
    const user = decodeURIComponent(url.username || 'root');
    const password = decodeURIComponent(url.password);
    const database = decodeURIComponent(url.pathname.replace('/', ''));
    const flags =
      CLIENT_LONG_PASSWORD |
      CLIENT_PROTOCOL_41 |
      CLIENT_SECURE_CONNECTION |
      CLIENT_PLUGIN_AUTH |
      (database ? CLIENT_CONNECT_WITH_DB : 0);
    const auth = nativePassword(password, salt);
    const head = Buffer.alloc(32);
    head.writeUInt32LE(flags, 0);
    head.writeUInt32LE(1 << 24, 4);
    head[8] = 33; // utf8_general_ci
    const response = Buffer.concat([
      head,
      Buffer.from(`${user}\0`),
      Buffer.from([auth.length]),
      auth,
      database ? Buffer.from(`${database}\0`) : Buffer.alloc(0),
      Buffer.from('mysql_native_password\0'),
    ]);
    writePacket(wire, greeting.seq + 1, response);
    let reply = await readPacket(wire);
    if (reply.body[0] === 0xfe) {
      // Auth switch: the server names a plugin and a fresh salt; only native password is spoken.
      const nameEnd = reply.body.indexOf(0, 1);
      const plugin = reply.body.subarray(1, nameEnd).toString('latin1');
      if (plugin !== 'mysql_native_password')
        throw new Error(`the account needs the ${plugin} plugin, which the probe does not speak`);
      const freshSalt = reply.body.subarray(nameEnd + 1, nameEnd + 21);
      writePacket(wire, reply.seq + 1, nativePassword(password, freshSalt));
      reply = await readPacket(wire);
    }
    if (reply.body[0] === 0xff) throw new Error(errorText(reply.body));
    if (reply.body[0] !== 0x00) throw new Error('unexpected answer to the handshake');
    writePacket(wire, 0, Buffer.concat([Buffer.from([0x03]), Buffer.from('SELECT 1')]));
    const result = await readPacket(wire);
    if (result.body[0] === 0xff) throw new Error(errorText(result.body));
    writePacket(wire, 0, Buffer.from([0x01])); // COM_QUIT
    return version;
  } finally {
    wire.close();
  }
}
