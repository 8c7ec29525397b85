/**
 * The Hono edge's error mapping: HubError codes to HTTP statuses, everything else to a bare 500.
 * The body is always `{ "error": { "code", "message" } }`; stack traces stay in the log.
 * @module
 */
import type { ApiErrorCode } from '@unity/shared';
import { assertNever } from '@unity/shared';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HubError } from '../errors.js';
import type { Logger } from '../log.js';

export function statusOf(code: ApiErrorCode): ContentfulStatusCode {
  switch (code) {
    case 'bad_request':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'rate_limited':
      return 429;
    case 'internal':
      return 500;
    case 'read_only':
      return 409;
    case 'agent_offline':
      return 503;
    case 'timeout':
      return 504;
    case 'unsupported':
      return 501;
    case 'agent_error':
      return 502;
    case 'second_factor_enrolment_required':
      return 403;
    default:
      return assertNever(code);
  }
}

export const errorBody = (code: ApiErrorCode, message: string) => ({ error: { code, message } });

export const errorResponse = (c: Context, code: ApiErrorCode, message: string) =>
  c.json(errorBody(code, message), statusOf(code));

/** `app.onError`: known errors answer with their code; unknown ones are logged and hidden. */
export function onError(log: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof HubError) return errorResponse(c, error.code, error.message);
    if (error instanceof HTTPException && error.status < 500) {
      const code: ApiErrorCode =
        error.status === 401 ? 'unauthorized' : error.status === 404 ? 'not_found' : 'bad_request';
      return c.json(errorBody(code, error.message || 'bad request'), error.status);
    }
    log.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return errorResponse(c, 'internal', 'internal error');
  };
}
