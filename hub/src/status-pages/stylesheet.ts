/**
 * The status pages' one stylesheet (served at `/status/-/status.css`): light and dark colours as
 * custom properties, dark when the page's theme says so or, on `auto`, when the viewer's
 * system prefers it.
 * @module
 */

const LIGHT = `--bg: #f6f7f9; --card: #ffffff; --text: #1b1f24; --muted: #5c6670; --line: #dde1e6;
  --up: #1f9d55; --down: #d64545; --warn: #d98e04; --info: #2f6fdb; --none: #c9ced6;
  --u100: #1f9d55; --u99: #58b368; --u97: #a3c940; --u95: #e3c23a; --u90: #eb8c2f; --ulow: #d64545;`;
const DARK = `--bg: #101317; --card: #181c22; --text: #e6e9ed; --muted: #98a2ad; --line: #2a3038;
  --up: #3ccf7a; --down: #ff6b6b; --warn: #f2b233; --info: #6ea0ff; --none: #39414b;
  --u100: #3ccf7a; --u99: #6fcf82; --u97: #b2d65a; --u95: #e8cd55; --u90: #f09d4d; --ulow: #ff6b6b;`;

export const STATUS_CSS = `:root { ${LIGHT} }
html.theme-dark { ${DARK} }
@media (prefers-color-scheme: dark) { html.theme-auto { ${DARK} } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 860px; margin: 0 auto; padding: 32px 16px 48px; }
h1 { font-size: 1.8rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 32px 0 12px; }
h3 { font-size: 1rem; margin: 0; }
.description { color: var(--muted); margin: 0; }
.banner { margin: 24px 0 0; padding: 16px 20px; border-radius: 8px; color: #fff; font-weight: 600; font-size: 1.1rem; }
.b-operational { background: var(--up); }
.b-partial_outage { background: var(--warn); }
.b-major_outage { background: var(--down); }
.b-no_data { background: var(--muted); }
.item, .incident, .maintenance { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 16px; margin: 0 0 10px; }
.item-head { display: flex; justify-content: space-between; align-items: center; gap: 12px; }
.state { font-weight: 600; font-size: 0.9rem; }
.s-up { color: var(--up); } .s-down { color: var(--down); } .s-maintenance { color: var(--info); }
.s-paused, .s-pending { color: var(--muted); }
.bars { display: flex; gap: 2px; list-style: none; margin: 10px 0 4px; padding: 0; height: 32px; }
.bars li { flex: 1 1 0; min-width: 2px; border-radius: 2px; }
.bars li:hover { opacity: 0.7; }
.u-none { background: var(--none); } .u-100 { background: var(--u100); } .u-99 { background: var(--u99); }
.u-97 { background: var(--u97); } .u-95 { background: var(--u95); } .u-90 { background: var(--u90); }
.u-low { background: var(--ulow); }
.bar-foot { display: flex; justify-content: space-between; color: var(--muted); font-size: 0.8rem; }
.note, .empty { color: var(--muted); font-size: 0.85rem; margin: 6px 0 0; }
.tag { display: inline-block; font-size: 0.75rem; font-weight: 600; padding: 1px 8px; border-radius: 10px;
  border: 1px solid var(--line); color: var(--muted); margin-left: 6px; vertical-align: middle; }
.incident { border-left: 4px solid var(--warn); }
.incident.sev-critical { border-left-color: var(--down); }
.incident.resolved { border-left-color: var(--up); }
.updates { list-style: none; margin: 8px 0 0; padding: 0; }
.updates li { padding: 6px 0; border-top: 1px solid var(--line); }
.updates p, .maintenance p { margin: 2px 0 0; white-space: pre-wrap; }
.maintenance { border-left: 4px solid var(--info); }
.window, time { color: var(--muted); font-size: 0.85rem; }
footer { margin-top: 32px; color: var(--muted); font-size: 0.85rem; }
a { color: var(--info); }
`;
