/**
 * Style fragments shared by the pages (buttons, form fields, cards, tables), composed into each
 * component's own `static styles`. They read only the design tokens.
 * @module
 */
import { css } from 'lit';

export const base = css`
  :host {
    display: block;
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  a {
    color: var(--u-accent);
  }
  :focus-visible {
    outline: 2px solid var(--u-focus);
    outline-offset: 2px;
  }
  h1 {
    font-size: var(--u-text-xl);
    margin: 0;
    line-height: 1.2;
  }
  h2 {
    font-size: var(--u-text-lg);
    margin: 0 0 var(--u-space-3);
  }
  .muted {
    color: var(--u-text-muted);
  }
  .mono {
    font-family: var(--u-font-mono);
    font-size: 0.92em;
  }
  .error {
    color: var(--u-bad);
    background: var(--u-bad-bg);
    border-radius: var(--u-radius-sm);
    padding: var(--u-space-2) var(--u-space-3);
    margin: 0;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

export const controls = css`
  button,
  .button {
    font: inherit;
    font-weight: 600;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--u-space-2);
    min-height: 2.5rem;
    padding: 0 var(--u-space-4);
    border-radius: var(--u-radius-sm);
    border: 1px solid transparent;
    background: var(--u-accent);
    color: var(--u-accent-text);
    cursor: pointer;
    text-decoration: none;
  }
  button.secondary,
  .button.secondary {
    background: var(--u-surface);
    color: var(--u-text);
    border-color: var(--u-border);
  }
  button:disabled {
    opacity: 0.6;
    cursor: progress;
  }
  label {
    display: grid;
    gap: var(--u-space-1);
    font-weight: 600;
    font-size: var(--u-text-sm);
  }
  input {
    font: inherit;
    font-weight: 400;
    min-height: 2.5rem;
    padding: 0 var(--u-space-3);
    border-radius: var(--u-radius-sm);
    border: 1px solid var(--u-border);
    background: var(--u-surface);
    color: var(--u-text);
    width: 100%;
  }
  input:focus-visible {
    outline: 2px solid var(--u-focus);
    outline-offset: 0;
    border-color: var(--u-focus);
  }
  input[aria-invalid='true'] {
    border-color: var(--u-bad);
  }
  .hint {
    font-weight: 400;
    color: var(--u-text-muted);
  }
  .hint.bad {
    color: var(--u-bad);
  }
`;

export const surfaces = css`
  .card {
    background: var(--u-surface);
    border: 1px solid var(--u-border);
    border-radius: var(--u-radius);
    box-shadow: var(--u-shadow);
    padding: var(--u-space-4);
  }
  .page-head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--u-space-3);
    margin-bottom: var(--u-space-5);
  }
  .crumbs {
    font-size: var(--u-text-sm);
    margin-bottom: var(--u-space-2);
  }
  /* A section's heading with its controls (the range picker) on the same line. */
  .section-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    flex-wrap: wrap;
    gap: var(--u-space-3);
    margin-bottom: var(--u-space-3);
  }
  .section-head h2 {
    margin: 0;
  }
  .facts {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
    gap: var(--u-space-3) var(--u-space-4);
    margin: 0 0 var(--u-space-5);
  }
  .facts div {
    min-width: 0;
  }
  .facts dt {
    font-size: var(--u-text-sm);
    color: var(--u-text-muted);
  }
  .facts dd {
    margin: 0;
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .table-wrap {
    overflow-x: auto;
    background: var(--u-surface);
    border: 1px solid var(--u-border);
    border-radius: var(--u-radius);
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: var(--u-text-sm);
  }
  th,
  td {
    text-align: left;
    padding: var(--u-space-2) var(--u-space-3);
    border-bottom: 1px solid var(--u-border);
    white-space: nowrap;
  }
  th {
    color: var(--u-text-muted);
    font-weight: 600;
    background: var(--u-surface-2);
  }
  tr:last-child td {
    border-bottom: 0;
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .charts {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr));
    gap: var(--u-space-4);
    margin-bottom: var(--u-space-5);
  }
  .charts h3 {
    margin: 0 0 var(--u-space-2);
    font-size: var(--u-text-md);
  }
  section {
    margin-bottom: var(--u-space-5);
  }
`;
