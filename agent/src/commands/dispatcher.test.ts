import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CmdResultFrame, err, INITIAL_STREAM_CREDIT, ok } from '@unity/shared';
import pino from 'pino';
import * as z from 'zod/mini';
import { CommandDispatcher } from './dispatcher.js';

const log = pino({ level: 'silent' });

/** A dispatcher with an echo, a mutating and a streaming command, and what it sent. */
function setup(readOnly = false) {
  const sent: { type: string; id: string; chunk?: string }[] = [];
  const send = async (text: string) => {
    sent.push(JSON.parse(text));
  };
  const dispatcher = new CommandDispatcher({ readOnly, log, maxRunning: 2 })
    .register('echo', {
      args: z.object({ text: z.string() }),
      mutates: false,
      run: async ({ text }) => ok(text),
    })
    .register('container.stop', {
      args: z.object({}),
      mutates: true,
      run: async () => ok('stopped'),
    })
    .register('count', {
      args: z.object({ to: z.int() }),
      mutates: false,
      run: async ({ to }, ctx) => {
        for (let i = 1; i <= to; i++) await ctx.emit(String(i));
        return ok(to);
      },
    })
    .register('wait', {
      args: z.object({}),
      mutates: false,
      run: (_args, ctx) =>
        new Promise((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve(err({ code: 'failed', message: 'x' }))),
        ),
    });
  const results = () => sent.filter((f) => f.type === 'cmd_result') as unknown as CmdResultFrame[];
  return { dispatcher, send, sent, results };
}

const cmd = (id: string, kind: string, args: Record<string, unknown> = {}) =>
  ({ type: 'cmd', id, kind, args }) as const;

describe('command dispatcher', () => {
  it('answers a known command with its result and an unknown one as unsupported', async () => {
    const { dispatcher, send, results } = setup();
    await dispatcher.run(cmd('1', 'echo', { text: 'hi' }), send);
    await dispatcher.run(cmd('2', 'rm -rf'), send);
    assert.deepEqual(results()[0], { type: 'cmd_result', id: '1', ok: true, result: 'hi' });
    assert.equal(results()[1]?.error?.code, 'unsupported');
  });

  it('refuses bad arguments naming the field, and nothing runs', async () => {
    const { dispatcher, send, results } = setup();
    await dispatcher.run(cmd('1', 'echo', { text: 5 }), send);
    assert.equal(results()[0]?.error?.code, 'bad_args');
    assert.match(results()[0]?.error?.message ?? '', /text/);
  });

  it('refuses mutating commands on a read-only agent but still answers the others', async () => {
    const { dispatcher, send, results } = setup(true);
    await dispatcher.run(cmd('1', 'container.stop'), send);
    await dispatcher.run(cmd('2', 'echo', { text: 'still here' }), send);
    assert.equal(results()[0]?.error?.code, 'read_only');
    assert.equal(results()[1]?.ok, true);
  });

  it('streams only as far as the credit goes, then continues as credit arrives', async () => {
    const { dispatcher, send, sent, results } = setup();
    const total = INITIAL_STREAM_CREDIT + 5;
    const done = dispatcher.run(cmd('s', 'count', { to: total }), send);
    await new Promise((r) => setTimeout(r, 50));
    const chunks = () => sent.filter((f) => f.type === 'stream').map((f) => f.chunk);
    assert.equal(chunks().length, INITIAL_STREAM_CREDIT, 'stops at the initial credit');
    assert.equal(results().length, 0);
    dispatcher.credit({ type: 'credit', id: 's', chunks: 5 });
    await done;
    assert.deepEqual(
      chunks(),
      Array.from({ length: total }, (_, i) => String(i + 1)),
    );
    assert.equal(results()[0]?.ok, true);
  });

  it('cancels on request and when the connection closes, answering cancelled', async () => {
    const { dispatcher, send, results } = setup();
    const one = dispatcher.run(cmd('a', 'wait'), send);
    const two = dispatcher.run(cmd('b', 'wait'), send);
    await dispatcher.run(cmd('c', 'wait'), send);
    assert.equal(results()[0]?.error?.code, 'busy', 'a third concurrent command is refused');
    dispatcher.cancel({ type: 'cancel', id: 'a' });
    await one;
    dispatcher.cancelAll();
    await two;
    assert.deepEqual(
      results().map((r) => [r.id, r.error?.code]),
      [
        ['c', 'busy'],
        ['a', 'cancelled'],
        ['b', 'cancelled'],
      ],
    );
    assert.equal(dispatcher.runningCount, 0);
  });
});
