/**
 * Enrollment: one `POST /api/agents/enroll` with the token, the agent's public key and its host
 * facts. A refusal (4xx, e.g. a bad, expired or used-up token) is final; anything else (the hub
 * not up yet, a 5xx) is worth retrying.
 * @module
 */
import {
  describeIssues,
  type Ed25519PublicJwk,
  ENROLL_PATH,
  type EnrollResponse,
  EnrollResponseSchema,
  type HostFacts,
} from '@unity/shared';
import { AgentError } from '../errors.js';
import { type PostJson, postJson } from './post-json.js';

export type EnrollOptions = {
  hubUrl: string;
  token: string;
  publicKey: Ed25519PublicJwk;
  host: HostFacts;
  /** The HTTP call (tests hand in their own). */
  post?: PostJson;
  timeoutMs?: number;
};

/** Enrolls; throws AgentError `enroll_rejected` (do not retry) or `enroll_failed` (retry). */
export async function enroll(options: EnrollOptions): Promise<EnrollResponse> {
  const post = options.post ?? postJson;
  const url = `${options.hubUrl}${ENROLL_PATH}`;
  let response: { status: number; body: string };
  try {
    response = await post(
      url,
      JSON.stringify({ token: options.token, publicKey: options.publicKey, host: options.host }),
      options.timeoutMs ?? 15_000,
    );
  } catch (error) {
    throw new AgentError('enroll_failed', `cannot reach ${url}: ${causeMessage(error)}`, { cause: error });
  }
  const body = response.body;
  if (response.status < 200 || response.status >= 300) {
    const message = hubErrorMessage(body) ?? `HTTP ${response.status}`;
    const final = response.status >= 400 && response.status < 500 && response.status !== 429;
    throw new AgentError(
      final ? 'enroll_rejected' : 'enroll_failed',
      `enrollment refused by the hub: ${message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new AgentError('enroll_failed', 'enrollment answer is not JSON');
  }
  const parsed = EnrollResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new AgentError('enroll_failed', `enrollment answer is malformed: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

/** The hub's `{"error":{"code","message"}}`, as `message (code)`. */
function hubErrorMessage(body: string): string | undefined {
  try {
    const e = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
    if (e && typeof e.message === 'string')
      return typeof e.code === 'string' ? `${e.message} (${e.code})` : e.message;
  } catch {
    // not JSON: fall back to the status
  }
  return undefined;
}

function causeMessage(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { cause?: { name?: string } };
  if (e.cause?.name === 'TimeoutError') return 'no answer in time';
  return e.code ?? e.message;
}
