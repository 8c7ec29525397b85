/**
 * The filter bar above the inventory tables: selects styled like the text inputs, and a plain
 * checkbox (the shared input style would stretch it to a text field's size).
 * @module
 */
import { css } from 'lit';

export const filterBar = css`
  form.filters {
    display: flex;
    flex-wrap: wrap;
    gap: var(--u-space-3);
    align-items: end;
    margin-bottom: var(--u-space-4);
  }
  form.filters select {
    font: inherit;
    font-weight: 400;
    min-height: 2.5rem;
    padding: 0 var(--u-space-2);
    border-radius: var(--u-radius-sm);
    border: 1px solid var(--u-border);
    background: var(--u-surface);
    color: var(--u-text);
  }
  form.filters label.check {
    display: flex;
    align-items: center;
    gap: var(--u-space-2);
    min-height: 2.5rem;
  }
  form.filters input[type='checkbox'] {
    width: auto;
    min-height: 0;
    margin: 0;
  }
`;
