/**
 * Renders a Shields-style badge: a grey label box and a coloured message box, 20px high, with
 * the same geometry as shields.io (5px padding each side, text drawn at 10× and scaled down
 * so widths keep one decimal). Pure: the same input gives the same bytes, so the ETag is
 * stable. All text is XML-escaped; nothing from the request reaches the markup unescaped.
 * @module
 */
import type { BadgeStyle } from '@unity/shared';
import { textWidth } from './text-width.js';

/** The shields.io palette, so Unity's badges sit well beside theirs. */
export const BADGE_COLORS = {
  brightgreen: '#4c1',
  green: '#97ca00',
  yellowgreen: '#a4a61d',
  yellow: '#dfb317',
  orange: '#fe7d37',
  red: '#e05d44',
  blue: '#007ec6',
  lightgrey: '#9f9f9f',
} as const;
export type BadgeColor = keyof typeof BADGE_COLORS;

export type Badge = { label: string; message: string; color: BadgeColor };

const LABEL_COLOR = '#555';
const PADDING = 5;
const FONT = 'Verdana,Geneva,DejaVu Sans,sans-serif';

/** Escapes the five XML special characters and drops the control characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** One box's text: a shadow one pixel down (flat only), then the white text. */
function text(content: string, centerX: number, width: number, shadow: boolean): string {
  const x = Math.round(centerX * 10);
  const length = Math.round(width * 10);
  const shadowText = shadow
    ? `<text aria-hidden="true" x="${x}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${length}">${content}</text>`
    : '';
  return `${shadowText}<text x="${x}" y="140" transform="scale(.1)" fill="#fff" textLength="${length}">${content}</text>`;
}

export function renderBadge(badge: Badge, style: BadgeStyle): string {
  const label = escapeXml(badge.label);
  const message = escapeXml(badge.message);
  const labelText = textWidth(badge.label);
  const messageText = textWidth(badge.message);
  const labelBox = Math.round(labelText + 2 * PADDING);
  const messageBox = Math.round(messageText + 2 * PADDING);
  const width = labelBox + messageBox;
  const flat = style === 'flat';
  const title = `${label}: ${message}`;
  const gradient = flat
    ? '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>'
    : '';
  const clip = flat
    ? `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>`
    : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    gradient,
    clip,
    `<g${flat ? ' clip-path="url(#r)"' : ' shape-rendering="crispEdges"'}>`,
    `<rect width="${labelBox}" height="20" fill="${LABEL_COLOR}"/>`,
    `<rect x="${labelBox}" width="${messageBox}" height="20" fill="${BADGE_COLORS[badge.color]}"/>`,
    flat ? `<rect width="${width}" height="20" fill="url(#s)"/>` : '',
    '</g>',
    `<g fill="#fff" text-anchor="middle" font-family="${FONT}" text-rendering="geometricPrecision" font-size="110">`,
    text(label, labelBox / 2, labelText, flat),
    text(message, labelBox + messageBox / 2, messageText, flat),
    '</g>',
    '</svg>',
  ].join('');
}
