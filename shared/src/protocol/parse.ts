/**
 * Parsing of raw WebSocket text into validated frames, with an error that says what was wrong
 * (the first few zod issues, with their paths) and never echoes the frame back.
 * @module
 */
import type * as z from 'zod/mini';
import { err, ok, type Result } from '../result.js';
import {
  type AgentFrame,
  AgentFrameSchema,
  type HubFrame,
  HubFrameSchema,
  MAX_FRAME_BYTES,
} from './frames.js';

export type FrameError = { code: 'bad_frame' | 'frame_too_large'; message: string };

/** Summarises zod issues as `path: message; …`, at most `max` of them. */
export function describeIssues(error: z.core.$ZodError, max = 3): string {
  const parts = error.issues
    .slice(0, max)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  const more = error.issues.length > max ? `; and ${error.issues.length - max} more` : '';
  return parts.join('; ') + more;
}

/** UTF-8 size, or an upper bound (3 bytes a UTF-16 unit) when that bound is already small enough. */
function utf8Length(text: string): number {
  if (text.length * 3 <= MAX_FRAME_BYTES) return text.length * 3;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function parseWith<T>(schema: z.ZodMiniType<T>, text: string): Result<T, FrameError> {
  if (utf8Length(text) > MAX_FRAME_BYTES) {
    return err({ code: 'frame_too_large', message: `frame exceeds ${MAX_FRAME_BYTES} bytes` });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err({ code: 'bad_frame', message: 'frame is not valid JSON' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return err({ code: 'bad_frame', message: describeIssues(parsed.error) });
  return ok(parsed.data);
}

export const parseAgentFrame = (text: string): Result<AgentFrame, FrameError> =>
  parseWith(AgentFrameSchema, text);

export const parseHubFrame = (text: string): Result<HubFrame, FrameError> => parseWith(HubFrameSchema, text);
