/**
 * Checks a channel template before it is saved. The renderer (alerts/templates/render.ts) is
 * lenient: whatever is not a variable stays literal. A `{{` that opens no variable is almost
 * always a typo (`{{ title }` or `{{summary-}}`), and it would be sent as it is, so saving
 * refuses it and says where.
 * @module
 */

/** The renderer's variable syntax: `{{ name }}` or `{{ name | fallback }}`. */
const VARIABLE = /\{\{\s*([a-zA-Z_][\w.-]*)\s*(?:\|\s*([^}]*?)\s*)?\}\}/y;

/** Why `text` does not parse, or undefined when it does. Positions count from 1. */
export function templateError(text: string): string | undefined {
  let i = text.indexOf('{{');
  while (i >= 0) {
    // `{{{x}}`: the variable opens at the last of the braces.
    while (text[i + 2] === '{') i++;
    VARIABLE.lastIndex = i;
    const m = VARIABLE.exec(text);
    if (!m) {
      const close = text.indexOf('}}', i + 2);
      if (close < 0) return `"{{" at character ${i + 1} is never closed with "}}"`;
      const snippet = text.slice(i, close + 2);
      return `"${snippet.length > 40 ? `${snippet.slice(0, 37)}…` : snippet}" at character ${i + 1} is not a variable: write {{name}} or {{name | fallback}}`;
    }
    i = text.indexOf('{{', i + m[0].length);
  }
  return undefined;
}
