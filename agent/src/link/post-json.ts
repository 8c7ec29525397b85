/**
 * One JSON POST on node:http or node:https, for enrollment. The global `fetch` would do, but
 * it loads Node's bundled undici, which stays resident for the life of the agent: about 16 MiB
 * of RSS for one request made once (measured on Node 24).
 * @module
 */

import { request as httpsRequest } from 'node:https';
import { http } from '../util/node-http.js';

const httpRequest = http.request;

export type PostAnswer = { status: number; body: string };

/** Posts `body` as JSON to `url`; rejects on a network failure or after `timeoutMs`. */
export type PostJson = (url: string, body: string, timeoutMs: number) => Promise<PostAnswer>;

export const postJson: PostJson = (url, body, timeoutMs) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'content-length': Buffer.byteLength(body),
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.end(body);
  });
