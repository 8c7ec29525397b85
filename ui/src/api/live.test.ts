import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { k8sTopics, LiveClient } from './live.js';

/** A stand-in for the browser WebSocket: the test drives open, message and close. */
class FakeSocket extends EventTarget {
  closed = false;
  open() {
    this.dispatchEvent(new Event('open'));
  }
  message(data: unknown) {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(data) }));
  }
  drop() {
    this.dispatchEvent(new Event('close'));
  }
  close() {
    this.closed = true;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(opts: { throttleMs?: number; pollMs?: number } = {}) {
  const sockets: FakeSocket[] = [];
  const client = new LiveClient({
    url: () => 'ws://test/api/live',
    throttleMs: opts.throttleMs ?? 50,
    pollMs: opts.pollMs ?? 10_000,
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s as unknown as WebSocket;
    },
  });
  return { client, sockets };
}

describe('LiveClient', () => {
  it('connects on the first subscription and routes notices to host and fleet topics', async () => {
    const { client, sockets } = setup();
    const calls: string[] = [];
    client.subscribe('hosts', () => calls.push('hosts'));
    client.subscribe('host:a', () => calls.push('host:a'));
    client.subscribe('host:b', () => calls.push('host:b'));
    assert.equal(sockets.length, 1);
    sockets[0]?.open();
    assert.equal(client.status, 'open');
    sockets[0]?.message({ type: 'host_updated', hostId: 'a', at: 1 });
    assert.deepEqual(calls.sort(), ['host:a', 'hosts']);
    client.stop();
  });

  it('routes k8s_changed only to the topics of the resources and namespaces that changed', () => {
    const { client, sockets } = setup();
    const calls: string[] = [];
    const topics = [
      ...k8sTopics('prod', ['pods', 'events'], 'shop'),
      ...k8sTopics('prod', ['pods'], 'db'),
      ...k8sTopics('prod', ['workloads']),
      ...k8sTopics('lab', ['pods'], 'shop'),
      ...k8sTopics('*', ['nodes']),
    ];
    for (const t of topics) client.subscribe(t, () => calls.push(t));
    sockets[0]?.open();
    const notice = { type: 'k8s_changed', hostId: 'h', cluster: 'prod', at: 1 };
    sockets[0]?.message({ ...notice, resources: ['pods'], namespaces: ['shop'] });
    assert.deepEqual(calls, ['k8s:prod/pods/shop']);
    calls.length = 0;
    sockets[0]?.message({ ...notice, cluster: 'lab', resources: ['deployments', 'nodes'], namespaces: null });
    assert.deepEqual(calls, ['k8s:*/nodes']);
    calls.length = 0;
    // A relist: any namespace of prod's events, and every workload list.
    sockets[0]?.message({ ...notice, at: 2, resources: ['events', 'statefulsets'], namespaces: null });
    assert.deepEqual(calls.sort(), ['k8s:prod/events/shop', 'k8s:prod/statefulsets']);
    client.stop();
  });

  it('throttles each topic to one leading and one trailing call per window', async () => {
    const { client, sockets } = setup({ throttleMs: 50 });
    let n = 0;
    client.subscribe('host:a', () => n++);
    sockets[0]?.open();
    for (let i = 0; i < 10; i++) sockets[0]?.message({ type: 'presence', hostId: 'a', online: true, at: i });
    assert.equal(n, 1);
    await sleep(80);
    assert.equal(n, 2);
    client.stop();
  });

  it('ignores malformed and unknown messages', () => {
    const { client, sockets } = setup();
    let n = 0;
    client.subscribe('hosts', () => n++);
    sockets[0]?.open();
    sockets[0]?.dispatchEvent(new MessageEvent('message', { data: 'not json' }));
    sockets[0]?.message({ type: 'something_new', hostId: 'a' });
    assert.equal(n, 0);
    client.stop();
  });

  it('polls while the socket is down and stops after it reconnects', async () => {
    const { client, sockets } = setup({ throttleMs: 0, pollMs: 20 });
    let n = 0;
    client.subscribe('hosts', () => n++);
    // Stopped whatever happens: a polling timer left running keeps the test process alive.
    try {
      sockets[0]?.open();
      sockets[0]?.drop();
      assert.equal(client.status, 'down');
      // Two polls 20 ms apart; waited for with a deadline, since a loaded machine delays timers.
      const deadline = Date.now() + 2000;
      while (n < 2 && Date.now() < deadline) await sleep(10);
      assert.ok(n >= 2, `expected polling refreshes, got ${n}`);
    } finally {
      client.stop();
    }
    assert.equal(client.status, 'idle');
    const after = n;
    await sleep(50);
    assert.equal(n, after);
  });

  it('stops reconnecting and closes the socket on stop()', () => {
    const { client, sockets } = setup();
    const unsubscribe = client.subscribe('hosts', () => {});
    sockets[0]?.open();
    client.stop();
    assert.equal(sockets[0]?.closed, true);
    unsubscribe();
  });
});
