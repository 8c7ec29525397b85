/**
 * Message templates: `{{name}}` is replaced by a variable (`{{ host }}`, `{{labels.team}}`),
 * `{{name | fallback text}}` gives a text for a missing or empty variable; anything else is
 * literal. No logic and no escaping: the channels decide how to show plain text. Compiled
 * templates are cached, since the same few run for every instance on every evaluation.
 * @module
 */

export type TemplateVars = Readonly<Record<string, string | undefined>>;

type Part = string | { name: string; fallback: string };
type Compiled = { parts: Part[]; names: string[] };

const VARIABLE = /\{\{\s*([a-zA-Z_][\w.-]*)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;
const cache = new Map<string, Compiled>();
const CACHE_MAX = 2000;

function compile(text: string): Compiled {
  const hit = cache.get(text);
  if (hit) return hit;
  const parts: Part[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of text.matchAll(VARIABLE)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const name = m[1] ?? '';
    parts.push({ name, fallback: m[2] ?? '' });
    names.push(name);
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  const compiled = { parts, names };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(text, compiled);
  return compiled;
}

/** Fills `text`'s variables from `vars`; unknown or empty ones become their fallback (or nothing). */
export function render(text: string, vars: TemplateVars): string {
  const { parts } = compile(text);
  let out = '';
  for (const p of parts) out += typeof p === 'string' ? p : vars[p.name] || p.fallback;
  return out;
}

/** The variables `text` uses, for the rule editor's preview ("unknown variable …"). */
export const templateVariables = (text: string): string[] => compile(text).names;
