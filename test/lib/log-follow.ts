/**
 * A client of the hub's log follow WebSocket (`/api/containers/:id/logs/follow`), as a browser
 * uses it: it collects every line in arrival order and notes when each message arrived, so
 * tests check order and completeness and the benchmark measures throughput and lag.
 * @module
 */
import { type LogFollowMessage, LogFollowMessageSchema, type LogLine } from '@unity/shared';
import WebSocket from 'ws';

export type FollowRefused = { kind: 'refused'; status: number; body: string };

export class LogFollowClient {
  readonly lines: LogLine[] = [];
  /** Receive time (epoch ms) per line, parallel to `lines`. */
  readonly receivedAt: number[] = [];
  ended: string | undefined;
  closed = false;

  private constructor(
    readonly ws: WebSocket,
    validate: boolean,
  ) {
    ws.on('message', (data) => {
      const now = Date.now();
      const json = JSON.parse(String(data)) as LogFollowMessage;
      // The benchmark skips validation so its own client is not what limits the figure.
      const message = validate ? LogFollowMessageSchema.parse(json) : json;
      if (message.type === 'end') this.ended = message.reason;
      else
        for (const l of message.items) {
          this.lines.push(l);
          this.receivedAt.push(now);
        }
    });
    ws.on('close', () => {
      this.closed = true;
    });
  }

  /** Opens the follow; resolves with the client, or the HTTP refusal of the upgrade. */
  static open(
    hubUrl: string,
    containerId: string,
    query: Record<string, string>,
    cookie: string | undefined,
    validate = true,
  ): Promise<LogFollowClient | FollowRefused> {
    const url = new URL(`/api/containers/${containerId}/logs/follow`, hubUrl.replace(/^http/, 'ws'));
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const ws = new WebSocket(url, { headers: cookie ? { cookie } : {} });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new LogFollowClient(ws, validate)));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        res.on('end', () => resolve({ kind: 'refused', status: res.statusCode ?? 0, body }));
      });
      ws.once('error', reject);
    });
  }

  close(): void {
    this.ws.close();
  }
}
