/**
 * One speed test against the hub: an unmeasured request to open the connection, `pings` timed
 * round trips (latency = mean, jitter = mean difference of consecutive ones), then download and
 * upload, each over `durationMs` with `streams` parallel requests and the first `warmupMs`
 * discarded. The hub's own handling time (its Server-Timing) is taken off each round trip, so
 * checking the token is not counted as network latency.
 * @module
 */
import {
  SPEEDTEST_DOWNLOAD_PATH,
  SPEEDTEST_PING_PATH,
  SPEEDTEST_UPLOAD_PATH,
  type SpeedTestArgs,
  type SpeedTestMeasurement,
  type SpeedTestProgress,
} from '@unity/shared';
import { type HubRequester, hubRequester } from './hub-http.js';
import { jitter, mean, ThroughputMeter } from './maths.js';

export type SpeedTestOptions = {
  hubUrl: string;
  /** A fresh `Bearer <connect token>` per request: the hub accepts each token once. */
  authorization: () => Promise<string>;
  args: SpeedTestArgs;
  signal: AbortSignal;
  onProgress?: (progress: SpeedTestProgress) => void;
  now?: () => number;
  /** Stand-in requester (tests); by default node:http(s) with keep-alive. */
  requester?: HubRequester;
};

const round = (n: number, digits: number) => Number(n.toFixed(digits));

export async function runSpeedTest(o: SpeedTestOptions): Promise<SpeedTestMeasurement> {
  const now = o.now ?? (() => performance.now());
  const http = o.requester ?? hubRequester(o.hubUrl, o.args.streams + 1);
  const { pings, durationMs } = o.args;
  // Progress as a share of the expected time: pings count as one second.
  const total = 1000 + 2 * durationMs;
  const report = (phase: SpeedTestProgress['phase'], doneMs: number) =>
    o.onProgress?.({ phase, percent: Math.min(100, round((100 * doneMs) / total, 1)) });
  try {
    report('latency', 0);
    await http.ping(SPEEDTEST_PING_PATH, await o.authorization(), o.signal);
    const rtts: number[] = [];
    for (let i = 0; i < pings; i++) {
      const authorization = await o.authorization();
      const started = now();
      const { serverMs } = await http.ping(SPEEDTEST_PING_PATH, authorization, o.signal);
      rtts.push(Math.max(0, now() - started - serverMs));
    }
    report('download', 1000);
    const down = await direction(o, http, now, 'download', (p) => report('download', 1000 + p));
    report('upload', 1000 + durationMs);
    const up = await direction(o, http, now, 'upload', (p) => report('upload', 1000 + durationMs + p));
    return {
      downloadMbps: round(down.mbps, 2),
      uploadMbps: round(up.mbps, 2),
      latencyMs: round(mean(rtts), 3),
      jitterMs: round(jitter(rtts), 3),
      downloadBytes: down.measuredBytes,
      uploadBytes: up.measuredBytes,
      rttsMs: rtts.map((r) => round(r, 3)),
    };
  } finally {
    if (!o.requester) http.close();
  }
}

/**
 * One direction: `streams` loops of requests until the time is up, then every request still
 * open is aborted. A request that fails before the end fails the test (the hub refused, the
 * connection broke); one aborted by the end is the plan.
 */
async function direction(
  o: SpeedTestOptions,
  http: HubRequester,
  now: () => number,
  which: 'download' | 'upload',
  progress: (elapsedMs: number) => void,
): Promise<ThroughputMeter> {
  const { durationMs, warmupMs, streams, requestBytes } = o.args;
  const started = now();
  const meter = new ThroughputMeter(started, warmupMs, now);
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, o.signal]);
  const timer = setTimeout(() => {
    meter.finish();
    stop.abort();
  }, durationMs);
  const ticker = setInterval(() => progress(now() - started), 1000);
  const add = (n: number) => meter.add(n);
  const loop = async () => {
    while (!signal.aborted) {
      const authorization = await o.authorization();
      if (signal.aborted) return;
      try {
        if (which === 'download')
          await http.download(`${SPEEDTEST_DOWNLOAD_PATH}?bytes=${requestBytes}`, authorization, add, signal);
        else await http.upload(SPEEDTEST_UPLOAD_PATH, authorization, requestBytes, add, signal);
      } catch (error) {
        if (stop.signal.aborted && !o.signal.aborted) return;
        throw error;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: streams }, loop));
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
    meter.finish();
    stop.abort();
  }
  if (o.signal.aborted) throw new Error('the speed test was cancelled');
  return meter;
}
