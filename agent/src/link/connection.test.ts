import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { WebSocketServer } from 'ws';
import { Connection } from './connection.js';

/** A hub stand-in: counts the agent's pings; `autoPong: false` makes it a hub that stopped answering. */
async function server(options: { autoPong: boolean; talkEveryMs?: number }) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: options.autoPong });
  await new Promise((resolve) => wss.once('listening', resolve));
  const seen = { pings: 0, connections: 0, closed: 0 };
  wss.on('connection', (ws) => {
    seen.connections++;
    ws.on('ping', () => seen.pings++);
    ws.on('close', () => seen.closed++);
    if (options.talkEveryMs) {
      const timer = setInterval(() => ws.send('{"type":"ack","seq":1}'), options.talkEveryMs);
      ws.on('close', () => clearInterval(timer));
    }
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  return { wss, url, seen };
}

function connect(url: string) {
  const connection = new Connection({
    url,
    log: pino({ level: 'silent' }),
    pingIntervalMs: 100,
    deadAfterMs: 350,
    baseDelayMs: 60_000, // one connection per test: no reconnect within it
    hooks: { prepare: async () => ({}), onOpen: () => {}, onMessage: () => {}, onClose: () => {} },
  });
  connection.start();
  after(() => connection.stop());
  return connection;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Connection watchdog', () => {
  it('drops a connection whose hub stopped answering pings', async () => {
    const hub = await server({ autoPong: false });
    after(() => hub.wss.close());
    connect(hub.url);
    await sleep(700);
    assert.equal(hub.seen.connections, 1);
    assert.ok(hub.seen.pings >= 1, 'pinged the silent hub');
    assert.equal(hub.seen.closed, 1, 'and gave up on it');
  });

  it('keeps a quiet hub that answers pings', async () => {
    const hub = await server({ autoPong: true });
    after(() => hub.wss.close());
    connect(hub.url);
    await sleep(700);
    assert.ok(hub.seen.pings >= 2, `pinged it (${hub.seen.pings})`);
    assert.equal(hub.seen.closed, 0);
  });

  it('does not ping a hub it hears from anyway', async () => {
    const hub = await server({ autoPong: false, talkEveryMs: 40 });
    after(() => hub.wss.close());
    connect(hub.url);
    await sleep(700);
    assert.equal(hub.seen.pings, 0);
    assert.equal(hub.seen.closed, 0, 'and a hub that talks is alive, pong or not');
  });
});
