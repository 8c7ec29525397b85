/**
 * The agent's one error type: a stable `code` from a union, a message for people, the cause kept.
 * @module
 */
export const AgentErrorCodes = [
  'config',
  'enroll_rejected',
  'enroll_failed',
  'identity',
  'hub_proof',
  'engine',
  'io',
] as const;

export type AgentErrorCode = (typeof AgentErrorCodes)[number];

export class AgentError extends Error {
  override readonly name = 'AgentError';
  readonly code: AgentErrorCode;

  constructor(code: AgentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The message of anything thrown, for logs; never a stack in user-facing output. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
