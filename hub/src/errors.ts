/**
 * The hub's one error type: a stable `code` from the API's string union and an optional cause.
 * Services throw it; only the Hono edge (http/errors.ts) maps codes to HTTP statuses.
 * @module
 */
import type { ApiErrorCode } from '@unity/shared';

export class HubError extends Error {
  override readonly name = 'HubError';
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export const badRequest = (message: string) => new HubError('bad_request', message);
export const unauthorized = (message: string) => new HubError('unauthorized', message);
export const forbidden = (message: string) => new HubError('forbidden', message);
export const notFound = (message: string) => new HubError('not_found', message);
export const conflict = (message: string) => new HubError('conflict', message);
