import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PAGE_TTL_MS, PageCache, type RenderedPage, renderedPage, STALE_MS } from './page-cache.js';

/** A render that counts its calls and can be held open. */
function renderer() {
  let calls = 0;
  let release: () => void = () => {};
  let held = false;
  const render = async (): Promise<RenderedPage | undefined> => {
    calls++;
    const n = calls;
    if (held) await new Promise<void>((r) => (release = r));
    return renderedPage(`<p>render ${n}</p>`, `{"n":${n}}`);
  };
  return {
    render,
    calls: () => calls,
    hold: () => (held = true),
    release: () => {
      held = false;
      release();
    },
  };
}

describe('the rendered-page cache', () => {
  it('renders once for concurrent viewers and again after the TTL, serving the old page meanwhile', async () => {
    let now = 0;
    const cache = new PageCache(() => now);
    const r = renderer();
    const pages = await Promise.all(Array.from({ length: 50 }, () => cache.get('a', r.render)));
    assert.equal(r.calls(), 1);
    assert.ok(pages.every((p) => p?.html === '<p>render 1</p>'));

    now = PAGE_TTL_MS + 1;
    r.hold();
    const stale = await cache.get('a', r.render);
    assert.equal(stale?.html, '<p>render 1</p>', 'served at once while the new render runs');
    assert.equal((await cache.get('a', r.render))?.html, '<p>render 1</p>');
    assert.equal(r.calls(), 2, 'one background render, not one per viewer');
    r.release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await cache.get('a', r.render))?.html, '<p>render 2</p>');
  });

  it('waits for a new render once the old one is too stale, or after clear()', async () => {
    let now = 0;
    const cache = new PageCache(() => now);
    const r = renderer();
    await cache.get('a', r.render);
    now = PAGE_TTL_MS + STALE_MS + 1;
    assert.equal((await cache.get('a', r.render))?.html, '<p>render 2</p>');
    cache.clear();
    assert.equal((await cache.get('a', r.render))?.html, '<p>render 3</p>');
  });

  it('keeps no entry for a slug with no page', async () => {
    const cache = new PageCache(() => 0);
    let calls = 0;
    const none = async () => {
      calls++;
      return undefined;
    };
    assert.equal(await cache.get('x', none), undefined);
    assert.equal(await cache.get('x', none), undefined);
    assert.equal(calls, 2);
  });
});
