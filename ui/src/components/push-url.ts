/**
 * A push probe's ping URL, shown once (the hub keeps only its hash), with a copy button and
 * the curl lines a cron job needs.
 * @module
 */
import { html } from 'lit';
import { onceSecret } from './identity-shared.js';

export function pushUrlPanel(url: string, copied: boolean, onCopy: () => void) {
  return html`<div data-testid="push-url">
    ${onceSecret('Ping URL', url, copied, onCopy)}
    <p class="muted">At the end of the job (the exit code as the ping), or around it to measure its duration:</p>
    <pre class="mono" data-testid="push-curl">curl -fsS -m 10 --retry 3 ${url}/$?
curl -fsS -m 10 ${url}/start && job.sh && curl -fsS -m 10 ${url} || curl -fsS -m 10 ${url}/fail</pre>
  </div>`;
}
