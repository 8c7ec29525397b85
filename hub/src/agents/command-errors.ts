/**
 * An agent command's failure as the API answers it: the agent's code mapped to the API's, its
 * message kept (it is written for people: "this agent runs with --read-only …").
 * @module
 */
import { type ApiErrorCode, assertNever, type CommandError } from '@unity/shared';
import { HubError } from '../errors.js';

export function apiCodeOf(code: CommandError['code']): ApiErrorCode {
  switch (code) {
    case 'read_only':
      return 'read_only';
    case 'agent_offline':
    case 'agent_disconnected':
      return 'agent_offline';
    case 'timeout':
      return 'timeout';
    case 'not_found':
      return 'not_found';
    case 'conflict':
      return 'conflict';
    case 'unsupported':
      return 'unsupported';
    case 'bad_args':
      return 'bad_request';
    case 'busy':
    case 'failed':
    case 'cancelled':
      return 'agent_error';
    default:
      return assertNever(code);
  }
}

export const commandFailure = (error: CommandError): HubError =>
  new HubError(apiCodeOf(error.code), error.message);
