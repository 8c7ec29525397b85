/**
 * The vulnerability scan of a container's image: counts by severity and the CVE list of the
 * latest Trivy scan, a "Scan now" button for editors and admins, and "Trivy is not installed on
 * this host" when the agent has no Trivy.
 * @module
 */
import { type ContainerScanResponse, type Me, SEVERITIES, type Severity } from '@unity/shared';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { api } from '../api/client.js';
import { formatRelative } from '../format.js';
import { base, controls, surfaces } from './styles.js';

/** Rows shown before "Show all": a long list would push the page far down. */
const FIRST_ROWS = 50;

export class UnityImageScan extends LitElement {
  static override properties = {
    containerId: { attribute: 'container-id' },
    data: { state: true },
    me: { state: true },
    scanning: { state: true },
    error: { state: true },
    missing: { state: true },
    showAll: { state: true },
  };
  declare containerId: string;
  declare data: ContainerScanResponse | null;
  declare me: Me | null;
  declare scanning: boolean;
  declare error: string;
  /** The agent said it has no Trivy. */
  declare missing: boolean;
  declare showAll: boolean;

  constructor() {
    super();
    this.containerId = '';
    this.data = null;
    this.me = null;
    this.scanning = false;
    this.error = '';
    this.missing = false;
    this.showAll = false;
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      .head {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: var(--u-space-3);
        flex-wrap: wrap;
      }
      .counts {
        display: flex;
        gap: var(--u-space-3);
        flex-wrap: wrap;
        margin: var(--u-space-3) 0;
        padding: 0;
        list-style: none;
      }
      .counts li {
        padding: var(--u-space-1) var(--u-space-3);
        border-radius: var(--u-radius-sm);
        background: var(--u-neutral-bg);
      }
      .sev-CRITICAL,
      .sev-HIGH {
        color: var(--u-bad);
        font-weight: 600;
      }
      .sev-MEDIUM {
        color: var(--u-warn);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void api.me().then((me) => {
      this.me = me.ok ? me.value : null;
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('containerId') && this.containerId) {
      this.data = null;
      this.missing = false;
      this.error = '';
      void this.load();
    }
  }

  async load(): Promise<void> {
    const id = this.containerId;
    const res = await api.containerScan(id);
    if (id !== this.containerId) return;
    if (res.ok) {
      this.data = res.value;
      this.missing = res.value.scanner === 'missing';
    }
  }

  async #scan(): Promise<void> {
    this.scanning = true;
    this.error = '';
    const res = await api.scanContainer(this.containerId);
    this.scanning = false;
    if (res.ok) {
      this.data = res.value;
      this.missing = false;
    } else if (res.error.code === 'unsupported') this.missing = true;
    else this.error = res.error.message;
  }

  override render() {
    const canScan = this.me?.permissions?.includes('containers:act') ?? false;
    const scan = this.data?.scan ?? null;
    return html`<section aria-labelledby="scan-title" data-testid="image-scan">
      <div class="head">
        <h2 id="scan-title">Vulnerabilities</h2>
        ${
          canScan && !this.missing
            ? html`<button type="button" class="secondary" ?disabled=${this.scanning} @click=${() => this.#scan()}>
              ${this.scanning ? 'Scanning…' : 'Scan now'}
            </button>`
            : null
        }
      </div>
      ${this.missing ? html`<p class="muted" data-testid="trivy-missing">Trivy is not installed on this host.</p>` : null}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${scan ? this.#summary(scan) : this.missing ? null : html`<p class="muted">This image has not been scanned yet.</p>`}
    </section>`;
  }

  #summary(scan: NonNullable<ContainerScanResponse['scan']>) {
    const rows = this.showAll ? scan.vulnerabilities : scan.vulnerabilities.slice(0, FIRST_ROWS);
    const total = SEVERITIES.reduce((n, s) => n + scan.counts[s], 0);
    return html`<p class="muted">
        Scanned ${formatRelative(scan.scannedAt)} · <span class="mono">${scan.image}</span>
      </p>
      <ul class="counts" data-testid="scan-counts">
        ${SEVERITIES.map((s: Severity) => html`<li class="sev-${s}">${s.toLowerCase()}: <strong>${scan.counts[s]}</strong></li>`)}
      </ul>
      ${
        total === 0
          ? html`<p>No known vulnerabilities.</p>`
          : html`<div class="table-wrap">
            <table data-testid="cves">
              <thead>
                <tr>
                  <th scope="col">ID</th><th scope="col">Severity</th><th scope="col">Package</th>
                  <th scope="col">Installed</th><th scope="col">Fixed in</th><th scope="col">Title</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  (v) => html`<tr>
                    <td class="mono">${v.id}</td>
                    <td class="sev-${v.severity}">${v.severity.toLowerCase()}</td>
                    <td class="mono">${v.package}</td>
                    <td class="mono">${v.installedVersion}</td>
                    <td class="mono">${v.fixedVersion ?? '—'}</td>
                    <td>${v.title ?? ''}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>
          ${
            scan.vulnerabilities.length > rows.length
              ? html`<button type="button" class="secondary" @click=${() => (this.showAll = true)}>
                Show all ${scan.vulnerabilities.length}
              </button>`
              : null
          }
          ${scan.truncated ? html`<p class="muted">The list is cut at ${scan.vulnerabilities.length}; the counts are complete.</p>` : null}`
      }`;
  }
}

customElements.define('unity-image-scan', UnityImageScan);

declare global {
  interface HTMLElementTagNameMap {
    'unity-image-scan': UnityImageScan;
  }
}
