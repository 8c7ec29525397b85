import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOMParser, onWarningStopParsing } from '@xmldom/xmldom';
import { escapeXml, renderBadge } from './svg.js';
import { textWidth } from './text-width.js';

/** A strict XML parse: any warning or error throws. */
const parse = (svg: string) =>
  new DOMParser({ onError: onWarningStopParsing }).parseFromString(svg, 'image/svg+xml');

const texts = (svg: string) => Array.from(parse(svg).getElementsByTagName('text')).map((t) => t.textContent);

describe('badge SVG', () => {
  it('is well-formed SVG whose title and texts carry label and message', () => {
    const svg = renderBadge({ label: 'uptime 24h', message: '99.95%', color: 'brightgreen' }, 'flat');
    const doc = parse(svg);
    assert.equal(doc.documentElement?.tagName, 'svg');
    assert.equal(doc.documentElement?.getAttribute('xmlns'), 'http://www.w3.org/2000/svg');
    assert.equal(doc.getElementsByTagName('title')[0]?.textContent, 'uptime 24h: 99.95%');
    // flat draws each text twice: a shadow, then the text.
    assert.deepEqual(texts(svg), ['uptime 24h', 'uptime 24h', '99.95%', '99.95%']);
    assert.match(svg, /fill="#4c1"/);
  });

  it('sizes the boxes from the text widths plus 5px padding each side', () => {
    const svg = renderBadge({ label: 'status', message: 'up', color: 'red' }, 'flat');
    const rects = Array.from(parse(svg).getElementsByTagName('rect'));
    const labelBox = Math.round(textWidth('status') + 10);
    const messageBox = Math.round(textWidth('up') + 10);
    assert.equal(rects[1]?.getAttribute('width'), String(labelBox));
    assert.equal(rects[2]?.getAttribute('x'), String(labelBox));
    assert.equal(rects[2]?.getAttribute('width'), String(messageBox));
    assert.equal(parse(svg).documentElement?.getAttribute('width'), String(labelBox + messageBox));
  });

  it('escapes markup and drops characters XML forbids, so hostile text stays text', () => {
    const label = '<script>alert("x")</script> & \'co\'\u0000\u001b';
    const svg = renderBadge({ label, message: ']]> <!--', color: 'lightgrey' }, 'flat-square');
    assert.doesNotMatch(svg, /<script/);
    assert.deepEqual(texts(svg), ['<script>alert("x")</script> & \'co\'', ']]> <!--']);
    assert.equal(escapeXml('a&b<c>"\''), 'a&amp;b&lt;c&gt;&quot;&apos;');
  });

  it('draws flat-square without rounded corners, gradient or shadow text', () => {
    const square = renderBadge({ label: 'a', message: 'b', color: 'blue' }, 'flat-square');
    assert.doesNotMatch(square, /rx="3"|linearGradient|fill-opacity/);
    assert.match(square, /shape-rendering="crispEdges"/);
    assert.match(renderBadge({ label: 'a', message: 'b', color: 'blue' }, 'flat'), /rx="3"/);
  });

  it('measures Verdana-like widths: wide letters wider, digits equal, wide scripts about an em', () => {
    assert.ok(textWidth('WWW') > textWidth('iii'));
    assert.equal(textWidth('0123'), textWidth('9876'));
    assert.equal(textWidth('状态'), 22);
    assert.equal(textWidth(''), 0);
  });
});
