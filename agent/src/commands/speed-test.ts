/**
 * `speedtest.run`: measures latency, jitter, download and upload against the hub (see
 * speedtest/run.ts). One at a time: a second request while one runs answers `busy`, since two
 * tests sharing the link would each measure half of it. Progress goes out as stream chunks.
 * @module
 */
import { type SpeedTestArgs, SpeedTestArgsSchema, type SpeedTestProgress } from '@unity/shared';
import { runSpeedTest, type SpeedTestOptions } from '../speedtest/run.js';
import type { CommandHandler } from './dispatcher.js';

export type SpeedTestCommandOptions = Pick<SpeedTestOptions, 'hubUrl' | 'authorization' | 'requester'>;

export function speedTestCommand(options: SpeedTestCommandOptions): CommandHandler<SpeedTestArgs> {
  let running = false;
  return {
    args: SpeedTestArgsSchema,
    mutates: false,
    async run(args, { signal, emit, log }) {
      if (running)
        return {
          ok: false,
          error: { code: 'busy', message: 'a speed test is already running on this agent' },
        };
      running = true;
      // In order, and never holding up the measurement: a chunk waits for the hub's credit.
      let sent = Promise.resolve();
      const onProgress = (p: SpeedTestProgress) => {
        sent = sent.then(() => emit(JSON.stringify(p))).catch(() => undefined);
      };
      try {
        const value = await runSpeedTest({ ...options, args, signal, onProgress });
        log.info(
          { downloadMbps: value.downloadMbps, uploadMbps: value.uploadMbps, latencyMs: value.latencyMs },
          'speed test done',
        );
        await sent;
        return { ok: true, value };
      } finally {
        running = false;
      }
    },
  };
}
