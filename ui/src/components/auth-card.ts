/**
 * What the sign-in and setup pages share: a centred card layout, the username field and the
 * submit round trip that ends in `signed-in`.
 * @module
 */
import type { Me, SecondFactorRequired } from '@unity/shared';
import { css, html } from 'lit';
import type { ApiFailure, ApiResult } from '../api/client.js';

export const authCard = css`
  :host {
    display: grid;
    place-items: start center;
    padding: var(--u-space-6) var(--u-space-4);
  }
  .card {
    width: min(100%, 380px);
    background: var(--u-surface);
    border: 1px solid var(--u-border);
    border-radius: var(--u-radius);
    box-shadow: var(--u-shadow);
    padding: var(--u-space-5);
  }
  h1 {
    margin-bottom: var(--u-space-2);
  }
  p.lead {
    margin: 0 0 var(--u-space-4);
    color: var(--u-text-muted);
  }
  form {
    display: grid;
    gap: var(--u-space-4);
  }
  button[type='submit'] {
    width: 100%;
  }
`;

/** The same markup on both pages, so browsers and password managers treat it as one login. */
export const usernameField = html`<label>
  Username
  <input name="username" autocomplete="username webauthn" required autocapitalize="none" spellcheck="false" />
</label>`;

/** The state an auth page shows while its request is out. */
type AuthForm = HTMLElement & { busy: boolean; error: string };

/**
 * Sends the page's request with its button disabled. On success fires `signed-in` with the user
 * (the shell navigates on, and the hub has already set the session); when the hub asks for a
 * second factor instead, calls `onSecondFactor` (the sign-in page shows its code step);
 * otherwise shows `problem(failure)`.
 */
export async function submitAuth(
  form: AuthForm,
  send: () => Promise<ApiResult<Me | SecondFactorRequired>>,
  problem: (failure: ApiFailure) => string,
  onSecondFactor?: (required: SecondFactorRequired) => void,
): Promise<void> {
  form.busy = true;
  form.error = '';
  const res = await send();
  form.busy = false;
  if (!res.ok) {
    form.error = problem(res.error);
    return;
  }
  if ('secondFactorRequired' in res.value) {
    if (onSecondFactor) onSecondFactor(res.value);
    else form.error = 'This account uses two-factor authentication: sign in from the sign-in page.';
    return;
  }
  form.dispatchEvent(new CustomEvent<Me>('signed-in', { detail: res.value, bubbles: true, composed: true }));
}
