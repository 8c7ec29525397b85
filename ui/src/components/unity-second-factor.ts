/**
 * The two-factor section of "My account": turn TOTP on (QR code and the secret to type by hand,
 * confirmed by a first code), see and save the backup codes once, regenerate them, turn 2FA off.
 * The QR code is an SVG the hub renders, shown as an image: no script of ours draws it, and the
 * CSP (no inline scripts) stays as it is.
 * @module
 */
import type { SecondFactorProof, SecondFactorStatus, TotpEnrolment } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { secondFactorApi } from '../api/second-factor-client.js';
import { identityStyles } from './identity-shared.js';
import { base, controls, surfaces } from './styles.js';

export class UnitySecondFactor extends LitElement {
  static override properties = {
    status: { state: true },
    enrolment: { state: true },
    codes: { state: true },
    message: { state: true },
    error: { state: true },
  };
  declare status: SecondFactorStatus | undefined;
  /** A started enrolment awaiting its first code. */
  declare enrolment: TotpEnrolment | undefined;
  /** Backup codes just made: shown this once. */
  declare codes: string[];
  declare message: string;
  declare error: string;

  constructor() {
    super();
    this.status = undefined;
    this.enrolment = undefined;
    this.codes = [];
    this.message = '';
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    identityStyles,
    css`
      .qr {
        width: 200px;
        height: 200px;
        background: #fff;
        border-radius: var(--u-radius);
      }
      code.secret {
        font-size: 1.05em;
        letter-spacing: 0.08em;
        word-break: break-all;
      }
      ol.codes {
        columns: 2;
        font-family: var(--u-font-mono, monospace);
      }
      .row {
        display: flex;
        gap: var(--u-space-2);
        flex-wrap: wrap;
      }
      .warn {
        border-left: 4px solid var(--u-warning, #b45309);
        padding-left: var(--u-space-3);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#refresh();
  }

  async #refresh(): Promise<void> {
    const res = await secondFactorApi.status();
    if (res.ok) this.status = res.value;
    else this.error = res.error.message;
  }

  override render() {
    const s = this.status;
    return html`<section class="card" data-testid="second-factor">
      <h2>Two-factor authentication</h2>
      ${
        s?.required && !s.enabled
          ? html`<p class="warn" role="alert" data-testid="second-factor-required">
            Your role requires two-factor authentication. Set it up here before using anything else.
          </p>`
          : null
      }
      ${this.message ? html`<p role="status" data-testid="second-factor-message">${this.message}</p>` : null}
      ${this.error ? html`<p class="error" role="alert" data-testid="second-factor-error">${this.error}</p>` : null}
      ${this.codes.length ? this.#renderCodes() : null}
      ${!s ? null : s.enabled ? this.#renderEnabled(s) : this.enrolment ? this.#renderEnrolment(this.enrolment) : this.#renderOff()}
    </section>`;
  }

  #renderOff() {
    return html`<p class="muted">
        Off. With it on, signing in asks for a code from an authenticator app (Aegis, 2FAS, Google
        Authenticator, 1Password…) after your password, and your password may be as short as 8 characters.
      </p>
      <button type="button" data-testid="second-factor-start" @click=${this.#start}>Set up two-factor authentication</button>`;
  }

  #renderEnrolment(e: TotpEnrolment) {
    return html`<ol class="stack">
      <li>
        Scan this QR code with your authenticator app:
        <div><img class="qr" src=${e.qrSvgDataUrl} alt="QR code for your authenticator app" /></div>
      </li>
      <li>
        Or type this key into the app by hand (time-based, 6 digits, 30 seconds):
        <div><code class="secret" data-testid="totp-secret">${e.secret.replace(/(.{4})/g, '$1 ').trim()}</code></div>
      </li>
      <li>
        <form class="stack" @submit=${this.#confirm}>
          <label
            >Code shown by the app
            <input name="code" data-testid="totp-confirm-code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required />
          </label>
          <div class="row">
            <button type="submit" data-testid="totp-confirm">Turn on</button>
            <button type="button" @click=${() => (this.enrolment = undefined)}>Cancel</button>
          </div>
        </form>
      </li>
    </ol>`;
  }

  #renderEnabled(s: SecondFactorStatus) {
    return html`<p data-testid="second-factor-on">
        <strong>On</strong>: signing in asks for a code from your authenticator app.
        <span data-testid="backup-remaining">${s.backupCodesRemaining}</span> of 10 backup codes left.
      </p>
      <form class="stack" @submit=${this.#changeWithProof}>
        <p class="muted">To change this, give your current password or a code from the app.</p>
        <label>Current password <input name="password" type="password" autocomplete="current-password" /></label>
        <label>Or a code <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="24" /></label>
        <div class="row">
          <button type="submit" name="action" value="regenerate" data-testid="backup-regenerate">New backup codes</button>
          <button type="submit" name="action" value="disable" class="danger" data-testid="second-factor-disable">
            Turn off two-factor authentication
          </button>
        </div>
      </form>`;
  }

  #renderCodes() {
    return html`<div class="stack" data-testid="backup-codes">
      <p>
        <strong>Save these backup codes now</strong>: they are shown only this once. Each signs you in once
        when your phone is not at hand.
      </p>
      <ol class="codes">
        ${this.codes.map((c) => html`<li><code>${c}</code></li>`)}
      </ol>
      <div class="row">
        <button type="button" @click=${this.#copy}>Copy</button>
        <button type="button" @click=${this.#download}>Download</button>
        <button type="button" @click=${() => (this.codes = [])}>I saved them</button>
      </div>
    </div>`;
  }

  #start = async () => {
    const res = await secondFactorApi.startTotp();
    this.error = res.ok ? '' : res.error.message;
    if (res.ok) this.enrolment = res.value;
  };

  async #confirm(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget as HTMLFormElement).get('code') ?? '').trim();
    const res = await secondFactorApi.confirmTotp(code);
    if (!res.ok) {
      this.error = res.error.message.replace(/^invalid body: code: /, '');
      return;
    }
    this.error = '';
    this.enrolment = undefined;
    this.codes = res.value.backupCodes;
    this.message = 'Two-factor authentication is on.';
    await this.#refresh();
    this.dispatchEvent(new CustomEvent('second-factor-changed', { bubbles: true, composed: true }));
  }

  async #changeWithProof(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const action = (e.submitter as HTMLButtonElement | null)?.value;
    const password = String(data.get('password') ?? '');
    const code = String(data.get('code') ?? '').trim();
    const proof: SecondFactorProof = code ? { code } : { password };
    if (!password && !code) {
      this.error = 'Give your current password or a code.';
      return;
    }
    if (action === 'disable') {
      const res = await secondFactorApi.disable(proof);
      this.error = res.ok ? '' : res.error.message.replace(/^invalid body: /, '');
      if (res.ok) {
        this.message = 'Two-factor authentication is off.';
        this.codes = [];
        this.dispatchEvent(new CustomEvent('second-factor-changed', { bubbles: true, composed: true }));
      }
    } else {
      const res = await secondFactorApi.regenerateBackupCodes(proof);
      this.error = res.ok ? '' : res.error.message.replace(/^invalid body: /, '');
      if (res.ok) {
        this.codes = res.value.backupCodes;
        this.message = 'New backup codes made; the old ones no longer work.';
      }
    }
    form.reset();
    await this.#refresh();
  }

  #copy = async () => {
    await navigator.clipboard?.writeText(this.codes.join('\n'));
    this.message = 'Backup codes copied.';
  };

  #download = () => {
    const blob = new Blob([`Unity backup codes (each works once)\n\n${this.codes.join('\n')}\n`], {
      type: 'text/plain',
    });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'unity-backup-codes.txt';
    a.click();
    URL.revokeObjectURL(a.href);
  };
}

customElements.define('unity-second-factor', UnitySecondFactor);

declare global {
  interface HTMLElementTagNameMap {
    'unity-second-factor': UnitySecondFactor;
  }
}
