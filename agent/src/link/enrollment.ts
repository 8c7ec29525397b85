/**
 * Makes sure the agent is enrolled before it connects: reuses the stored enrollment, or enrolls
 * with the token (retrying while the hub is unreachable, giving up at once on a refusal).
 * @module
 */
import { backoffDelay, type HostFacts } from '@unity/shared';
import type { Logger } from 'pino';
import { AgentError } from '../errors.js';
import { isoTime } from '../util/iso-time.js';
import { enroll } from './enroll.js';
import { type Enrollment, type IdentityFile, publicJwk, writeIdentity } from './identity.js';
import type { PostJson } from './post-json.js';

export type EnsureEnrolledOptions = {
  stateDir: string;
  identity: IdentityFile;
  hubUrl: string | undefined;
  token: string | undefined;
  host: HostFacts;
  log: Logger;
  post?: PostJson;
  /** Aborts the retry loop (agent stopping). */
  signal?: AbortSignal;
};

/** The enrollment to use; enrolls first when there is none or the token names another hub. */
export async function ensureEnrolled(o: EnsureEnrolledOptions): Promise<Enrollment> {
  const current = o.identity.enrollment;
  const hubUrl = o.hubUrl ?? current?.hubUrl;
  if (current && (!o.token || !hubUrl || hubUrl === current.hubUrl)) {
    if (o.token) o.log.info('already enrolled; the enrollment token is no longer needed');
    return hubUrl && hubUrl !== current.hubUrl ? { ...current, hubUrl } : current;
  }
  if (!hubUrl) throw new AgentError('config', '--hub: the hub URL is needed to enroll (or UNITY_HUB_URL)');
  if (!o.token) {
    throw new AgentError(
      'config',
      '--token: an enrollment token is needed for the first start (or UNITY_ENROLL_TOKEN)',
    );
  }
  if (current) o.log.warn({ from: current.hubUrl, to: hubUrl }, 'enrolling with another hub');
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await enroll({
        hubUrl,
        token: o.token,
        publicKey: publicJwk(o.identity.privateKey),
        host: o.host,
        ...(o.post ? { post: o.post } : {}),
      });
      const enrollment: Enrollment = { ...answer, hubUrl, enrolledAt: isoTime(Date.now()) };
      await writeIdentity(o.stateDir, { ...o.identity, enrollment });
      o.log.info({ agentId: answer.agentId, hubId: answer.hubId }, 'enrolled');
      return enrollment;
    } catch (error) {
      if (!(error instanceof AgentError) || error.code !== 'enroll_failed') throw error;
      if (o.signal?.aborted) throw error;
      const delay = backoffDelay(attempt, { baseMs: 500, maxMs: 30_000 });
      o.log.warn({ problem: error.message, retryInMs: delay }, 'enrollment failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
