/**
 * Text widths for badges without a font engine: per-character advance widths of Verdana at
 * 11px (the font shields.io measures with), rounded to a tenth of a pixel. Close enough that
 * the boxes fit the text; `textLength` in the SVG makes the renderer squeeze or stretch the
 * glyphs to exactly the width computed here, so a fallback font never overflows its box.
 * @module
 */

// biome-ignore format: a table reads better in rows.
const WIDTHS: Readonly<Record<string, number>> = {
  ' ': 3.9, '!': 4.7, '"': 5.5, '#': 9.2, $: 7, '%': 11.9, '&': 8, "'": 3, '(': 4.9, ')': 4.9,
  '*': 7, '+': 9.2, ',': 4, '-': 5, '.': 4, '/': 4.9, ':': 4.9, ';': 4.9, '<': 9.2, '=': 9.2,
  '>': 9.2, '?': 6, '@': 11, '[': 4.9, '\\': 4.9, ']': 4.9, '^': 9.2, _: 7, '`': 7, '{': 7,
  '|': 4.9, '}': 7, '~': 9.2,
  A: 7.5, B: 7.5, C: 7.7, D: 8.5, E: 7, F: 6.3, G: 8.5, H: 8.3, I: 4.6, J: 5, K: 7.6, L: 6.1,
  M: 9.3, N: 8.2, O: 8.7, P: 6.6, Q: 8.7, R: 7.6, S: 7.5, T: 6.8, U: 8, V: 7.5, W: 10.9, X: 7.5,
  Y: 6.8, Z: 7.5,
  a: 6.7, b: 6.8, c: 5.7, d: 6.8, e: 6.6, f: 3.8, g: 6.8, h: 7, i: 3, j: 3.8, k: 6.5, l: 3,
  m: 10.7, n: 7, o: 6.7, p: 6.8, q: 6.8, r: 4.7, s: 5.7, t: 4.3, u: 7, v: 6.5, w: 9, x: 6.5,
  y: 6.5, z: 5.8,
};

/** Digits share one width in Verdana (tabular figures). */
const DIGIT = 7;
/** Other Latin letters, accents included, are about as wide as the average lowercase one. */
const OTHER_NARROW = 7;
/** CJK and other wide scripts take about a full em. */
const WIDE = 11;

function charWidth(ch: string): number {
  const known = WIDTHS[ch];
  if (known !== undefined) return known;
  if (ch >= '0' && ch <= '9') return DIGIT;
  const code = ch.codePointAt(0) ?? 0;
  // Combining marks sit on the previous letter.
  if (code >= 0x300 && code <= 0x36f) return 0;
  return code >= 0x1100 ? WIDE : OTHER_NARROW;
}

/** The width in px of `text` in Verdana 11px, per code point (not per UTF-16 unit). */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return Math.round(width * 10) / 10;
}
