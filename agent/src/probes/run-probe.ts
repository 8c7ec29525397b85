/**
 * Runs one probe once: the kind's check under the probe's timeout, then its conditions, into a
 * `probe_result` item. A check that throws or times out is a failed run with the reason, never
 * an exception for the scheduler.
 * @module
 */
import { type AgentProbe, evaluateCondition, type ProbeResultItem, parseCondition } from '@unity/shared';
import type { Engine } from '../collectors/engines.js';
import { errorMessage } from '../errors.js';
import { checkContainer } from './container.js';
import { checkDatabase } from './databases.js';
import { checkDns } from './dns.js';
import { checkHttp, type HttpCheckOptions } from './http.js';
import { checkPing } from './ping.js';
import { checkPrometheus } from './prometheus.js';
import { checkTcp } from './tcp.js';
import type { Observation } from './types.js';

export type RunOptions = {
  now?: () => number;
  http?: HttpCheckOptions;
  /** The engines a container check inspects (the agent's live engine set). */
  engines?: () => readonly Engine[];
};

function check(probe: AgentProbe, signal: AbortSignal, options: RunOptions): Promise<Observation> {
  switch (probe.kind) {
    case 'http':
      return checkHttp(probe, signal, options.http);
    case 'tcp':
      return checkTcp(probe, signal);
    case 'ping':
      return checkPing(probe, signal);
    case 'dns':
      return checkDns(probe, signal);
    case 'postgres':
    case 'mysql':
    case 'redis':
      return checkDatabase(probe, signal);
    case 'prometheus':
      return checkPrometheus(probe, signal, options.http);
    case 'container':
      return checkContainer(probe, signal, options.engines ? { engines: options.engines } : undefined);
  }
}

/** The abort reason of a run past its timeout (one shared: only its name is looked at). */
const timeoutError = new DOMException('The probe timed out', 'TimeoutError');

/** Parsed conditions by source: a probe's condition is parsed once, not at every run. */
const parsedConditions = new Map<string, ReturnType<typeof parseCondition>>();

function conditionOf(source: string): ReturnType<typeof parseCondition> {
  let parsed = parsedConditions.get(source);
  if (!parsed) {
    // Bounded: a hub that keeps changing conditions cannot grow this without limit.
    if (parsedConditions.size >= 10_000) parsedConditions.clear();
    parsed = parseCondition(source);
    parsedConditions.set(source, parsed);
  }
  return parsed;
}

export async function runProbe(probe: AgentProbe, options: RunOptions = {}): Promise<ProbeResultItem> {
  const ts = (options.now ?? Date.now)();
  // A timer cleared when the check ends, not AbortSignal.timeout: that one stays armed after a
  // fast run and fires anyway, building an unused TimeoutError (with its stack) per run.
  const controller = new AbortController();
  const signal = controller.signal;
  const timer = setTimeout(() => controller.abort(timeoutError), probe.timeoutSeconds * 1000);
  // Like AbortSignal.timeout's: a run in flight does not hold a stopping agent open.
  timer.unref();
  let observation: Observation;
  try {
    observation = await check(probe, signal, options);
  } catch (error) {
    const message = signal.aborted ? `timed out after ${probe.timeoutSeconds} s` : errorMessage(error);
    observation = { ok: false, error: message, context: { CONNECTED: false } };
  } finally {
    clearTimeout(timer);
  }
  let { ok, error } = observation;
  if (ok && probe.conditions) {
    const parsed = conditionOf(probe.conditions);
    // The hub refuses a bad condition at save time; one that got through fails the run loudly.
    if (!parsed.ok) {
      ok = false;
      error = `bad condition: ${parsed.error.message} at position ${parsed.error.position}`;
    } else if (!evaluateCondition(parsed.value, observation.context)) {
      ok = false;
      error = `condition not met: ${probe.conditions}`;
    }
  }
  const item: ProbeResultItem = { kind: 'probe_result', ts, probeId: probe.id, ok };
  if (observation.latencyMs !== undefined) item.latencyMs = Math.min(observation.latencyMs, 3_600_000);
  if (!ok && error) item.error = error.slice(0, 1024);
  if (observation.status !== undefined) item.status = observation.status;
  if (observation.certExpiresAt !== undefined) item.certExpiresAt = observation.certExpiresAt;
  if (observation.details) item.details = observation.details;
  // A scrape whose conditions failed still says what it saw: the series are stored either way.
  if (observation.samples && observation.samples.length > 0) item.samples = observation.samples;
  return item;
}
