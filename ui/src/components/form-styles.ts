/**
 * Styles of the settings forms (channels, contact points, alert rules): a card with a grid of
 * labelled fields, selects and text areas that look like the inputs, and a row of buttons.
 * @module
 */
import { css } from 'lit';

export const formStyles = css`
  .form {
    display: grid;
    gap: var(--u-space-4);
    margin-bottom: var(--u-space-5);
  }
  .form h2 {
    margin: 0;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 240px), 1fr));
    gap: var(--u-space-3) var(--u-space-4);
    align-items: start;
  }
  fieldset {
    border: 1px solid var(--u-border);
    border-radius: var(--u-radius-sm);
    padding: var(--u-space-3);
    margin: 0;
    display: grid;
    gap: var(--u-space-3);
  }
  legend {
    font-weight: 600;
    padding: 0 var(--u-space-1);
  }
  select,
  textarea {
    font: inherit;
    font-weight: 400;
    min-height: 2.5rem;
    padding: var(--u-space-1) var(--u-space-3);
    border-radius: var(--u-radius-sm);
    border: 1px solid var(--u-border);
    background: var(--u-surface);
    color: var(--u-text);
    width: 100%;
  }
  textarea.mono {
    font-family: var(--u-font-mono);
  }
  label.check {
    display: flex;
    align-items: center;
    gap: var(--u-space-2);
    align-self: end;
    min-height: 2.5rem;
  }
  label.check input {
    width: auto;
    min-height: 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: var(--u-space-2);
    align-items: center;
  }
  button.small {
    min-height: 2rem;
    padding: 0 var(--u-space-3);
    font-size: var(--u-text-sm);
  }
  button.danger-text {
    color: var(--u-bad);
  }
  .ok-text {
    color: var(--u-ok);
  }
  .bad-text {
    color: var(--u-bad);
  }
  td.wrap {
    white-space: normal;
    overflow-wrap: anywhere;
  }
`;
