import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION } from './frames.js';
import { parseAgentFrame, parseHubFrame } from './parse.js';

const hello = {
  type: 'hello',
  protocol: PROTOCOL_VERSION,
  agentVersion: '0.1.0',
  capabilities: ['host', 'containers'],
  host: { hostname: 'h1', os: 'Debian 12', kernel: '6.1', arch: 'x64', cpus: 2, memoryBytes: 1e9 },
  lastSeq: 0,
};

describe('parseAgentFrame', () => {
  it('accepts a valid hello', () => {
    const r = parseAgentFrame(JSON.stringify(hello));
    assert.equal(r.ok, true);
  });

  it('refuses text that is not JSON', () => {
    const r = parseAgentFrame('{not json');
    assert.deepEqual(r, { ok: false, error: { code: 'bad_frame', message: 'frame is not valid JSON' } });
  });

  it('names the offending field of a malformed batch', () => {
    const r = parseAgentFrame(JSON.stringify({ type: 'batch', seq: -1, items: [] }));
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'bad_frame');
    assert.match(r.error.message, /seq/);
    assert.match(r.error.message, /items/);
  });

  it('refuses an unknown batch item kind', () => {
    const r = parseAgentFrame(JSON.stringify({ type: 'batch', seq: 1, items: [{ kind: 'nope', ts: 1 }] }));
    assert.equal(r.ok, false);
  });

  it('refuses a frame over the size limit before parsing it', () => {
    const big = JSON.stringify({ ...hello, agentVersion: 'x'.repeat(MAX_FRAME_BYTES) });
    const r = parseAgentFrame(big);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'frame_too_large');
  });

  it('counts multi-byte characters in the size limit', () => {
    // 400k three-byte characters: under the limit in UTF-16 units, over it in bytes.
    const r = parseAgentFrame(JSON.stringify({ ...hello, agentVersion: '€'.repeat(400_000) }));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'frame_too_large');
  });
});

describe('parseHubFrame', () => {
  it('accepts an ack and refuses an agent frame', () => {
    assert.equal(parseHubFrame('{"type":"ack","seq":3}').ok, true);
    assert.equal(parseHubFrame(JSON.stringify(hello)).ok, false);
  });
});
