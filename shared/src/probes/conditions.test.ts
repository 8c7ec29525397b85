import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ConditionContext, evaluateCondition, parseCondition } from './conditions.js';

const ph = (name: string, path: (string | number)[] = []) => ({ type: 'placeholder', name, path });
const lit = (value: unknown) => ({ type: 'literal', value });

/** Input → AST, exactly. */
const golden: [string, unknown][] = [
  ['[STATUS] == 200', { type: 'compare', op: '==', left: ph('STATUS'), right: lit(200) }],
  ['[RESPONSE_TIME] < 300ms', { type: 'compare', op: '<', left: ph('RESPONSE_TIME'), right: lit(300) }],
  [
    '[CERTIFICATE_EXPIRATION] > 48h',
    { type: 'compare', op: '>', left: ph('CERTIFICATE_EXPIRATION'), right: lit(172_800_000) },
  ],
  ['[BODY].a.b[0] != "x"', { type: 'compare', op: '!=', left: ph('BODY', ['a', 'b', 0]), right: lit('x') }],
  [
    '[STATUS] == 200 && [BODY].status == "UP" || [STATUS] == 204',
    {
      type: 'or',
      left: {
        type: 'and',
        left: { type: 'compare', op: '==', left: ph('STATUS'), right: lit(200) },
        right: { type: 'compare', op: '==', left: ph('BODY', ['status']), right: lit('UP') },
      },
      right: { type: 'compare', op: '==', left: ph('STATUS'), right: lit(204) },
    },
  ],
  [
    '[STATUS] == 200 && ([RESPONSE_TIME] <= 1s || ![CONNECTED])',
    {
      type: 'and',
      left: { type: 'compare', op: '==', left: ph('STATUS'), right: lit(200) },
      right: {
        type: 'or',
        left: { type: 'compare', op: '<=', left: ph('RESPONSE_TIME'), right: lit(1000) },
        right: { type: 'not', operand: { type: 'truthy', operand: ph('CONNECTED') } },
      },
    },
  ],
  [
    "[BODY].ok == true && [BODY]['odd key'] >= -1.5",
    {
      type: 'and',
      left: { type: 'compare', op: '==', left: ph('BODY', ['ok']), right: lit(true) },
      right: { type: 'compare', op: '>=', left: ph('BODY', ['odd key']), right: lit(-1.5) },
    },
  ],
];

/** Input → error message and position. */
const errors: [string, string, number][] = [
  ['', 'the condition is empty', 0],
  ['[STATUS] ==', 'expected a value, found the end of the condition', 11],
  ['[STATUS] == 200 &&', 'expected a value, found the end of the condition', 18],
  ['([STATUS] == 200', "expected ')' to close the '(' at 0, found the end of the condition", 16],
  [
    '[STATUZ] == 200',
    'unknown placeholder [STATUZ]; known: STATUS, RESPONSE_TIME, BODY, HEADERS, CERTIFICATE_EXPIRATION, CONNECTED, IP, DNS_RCODE, BANNER, PACKET_LOSS, SERIES, STATE, HEALTH',
    0,
  ],
  ['[BODY].status == UP', "unexpected word 'UP' (strings need quotes)", 17],
  ['[BODY] == "open', 'unterminated string', 10],
  ['[STATUS] == 200 )', "unexpected ')'", 16],
  ['200 && [STATUS]', "expected a comparison, found '&&'", 4],
  ['[STATUS] # 1', "unexpected character '#'", 9],
];

describe('probe conditions: parser goldens', () => {
  for (const [input, ast] of golden) {
    it(`parses ${input}`, () => {
      const parsed = parseCondition(input);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
      assert.deepEqual(parsed.value, ast);
    });
  }
  for (const [input, message, position] of errors) {
    it(`refuses ${JSON.stringify(input)} at ${position}`, () => {
      assert.deepEqual(parseCondition(input), { ok: false, error: { message, position } });
    });
  }
});

describe('probe conditions: evaluation', () => {
  const run = (src: string, ctx: ConditionContext) => {
    const parsed = parseCondition(src);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return evaluateCondition(parsed.value, ctx);
  };
  const ctx: ConditionContext = {
    STATUS: 200,
    RESPONSE_TIME: 120,
    CERTIFICATE_EXPIRATION: 5 * 86_400_000,
    BODY: JSON.stringify({ status: 'UP', checks: [{ name: 'db', up: true }], count: '7' }),
    CONNECTED: true,
  };
  const cases: [string, boolean][] = [
    ['[STATUS] == 200 && [RESPONSE_TIME] < 300 && [BODY].status == "UP"', true],
    ['[CERTIFICATE_EXPIRATION] > 48h', true],
    ['[CERTIFICATE_EXPIRATION] > 7d', false],
    ['[STATUS] == 500 || [BODY].checks[0].up == true', true],
    ['[STATUS] == 500 || ([BODY].checks[0].name == "cache" && [CONNECTED])', false],
    ['!([STATUS] >= 400)', true],
    ['[BODY].count > 5', true],
    ['[BODY].missing.deeper == null', true],
    ['[BODY].checks[5].up == true', false],
    ['[BANNER] == "x"', false],
    ['[BODY].status < 3', false],
  ];
  for (const [src, expected] of cases) {
    it(`${src} → ${expected}`, () => assert.equal(run(src, ctx), expected));
  }
  it('a body that is not JSON has no fields', () => {
    assert.equal(run('[BODY].a == null', { BODY: '<html>' }), true);
    assert.equal(run('[BODY] == "<html>"', { BODY: '<html>' }), true);
  });
});
