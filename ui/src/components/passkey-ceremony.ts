/**
 * The browser half of the passkey ceremonies (@simplewebauthn/browser): ask the hub for
 * options, let the browser and authenticator answer, send the answer back. Results are values;
 * a cancelled prompt is a plain failure message, not an exception.
 * @module
 */
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
} from '@simplewebauthn/browser';
import type { AuthenticationResponse, Me, Passkey, RegistrationResponse } from '@unity/shared';
import type { ApiResult } from '../api/client.js';
import { passkeyApi } from '../api/passkey-client.js';

type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

export const passkeysSupported = (): boolean => browserSupportsWebAuthn();

const problem = (e: unknown): string => {
  const name = (e as { name?: string }).name;
  if (name === 'NotAllowedError' || name === 'AbortError')
    return 'The passkey prompt was closed or timed out.';
  if (name === 'InvalidStateError') return 'This authenticator already holds a passkey for your account.';
  return e instanceof Error ? e.message : String(e);
};

async function run<T>(
  options: () => Promise<ApiResult<{ options: Record<string, unknown> }>>,
  ceremony: (optionsJSON: never) => Promise<unknown>,
  send: (response: never) => Promise<ApiResult<T>>,
): Promise<Outcome<T>> {
  const opts = await options();
  if (!opts.ok) return { ok: false, message: opts.error.message };
  let response: unknown;
  try {
    response = await ceremony(opts.value.options as never);
  } catch (e) {
    return { ok: false, message: problem(e) };
  }
  const res = await send(response as never);
  return res.ok ? { ok: true, value: res.value } : { ok: false, message: res.error.message };
}

/** Adds a passkey to my account under `name`. */
export const registerPasskey = (name: string): Promise<Outcome<Passkey>> =>
  run(
    passkeyApi.registrationOptions,
    (optionsJSON) => startRegistration({ optionsJSON }),
    (response: RegistrationResponse) => passkeyApi.add(name, response),
  );

/** Passwordless sign-in; with `autofill`, the browser's conditional UI (a passkey picked from the username field). */
export const signInWithPasskey = (remember: boolean, autofill = false): Promise<Outcome<Me>> =>
  run(
    passkeyApi.signInOptions,
    // The input is in a shadow root, where the library's check for it cannot look.
    (optionsJSON) =>
      startAuthentication({ optionsJSON, useBrowserAutofill: autofill, verifyBrowserAutofillInput: false }),
    (response: AuthenticationResponse) => passkeyApi.signIn(response, remember),
  );

/** A passkey as the second step after the password. */
export const passkeySecondFactor = (rememberDevice: boolean): Promise<Outcome<Me>> =>
  run(
    passkeyApi.challengeOptions,
    (optionsJSON) => startAuthentication({ optionsJSON }),
    (response: AuthenticationResponse) => passkeyApi.challenge(response, rememberDevice),
  );

export const autofillSupported = (): Promise<boolean> => browserSupportsWebAuthnAutofill();

/** Ends a waiting autofill request (the page moved past the username field, or away). */
export const cancelPasskeyPrompt = (): void => WebAuthnAbortService.cancelCeremony();
