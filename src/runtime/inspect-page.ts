// inspect-page.ts: the local inspection page (plain HTML/CSS/JS, no external assets, relative URLs only) and the bridge
// page for the hosted Stately inspector.

/**
 * Every root machine's statechart (SVG drawn by the server) with its active states marked (class `active` on the
 * SVG groups `state:<id>`), and an event log; fed by the server-sent events at `events`.
 */
export const LOCAL_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>lwm2m-meter statecharts</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,Helvetica,Arial,sans-serif;color:#222;display:grid;grid-template-columns:1fr 30em;height:100vh}
header{grid-column:1/3;padding:.4em 1em;background:#263238;color:#eceff1;display:flex;gap:1.5em;align-items:center}
header a{color:#80cbc4}
#status.down{color:#ff8a80}
main{overflow:auto;padding:.5em 1em}
aside{overflow:auto;border-left:1px solid #ccc;padding:.5em;background:#fafafa}
details.chart{border:1px solid #ddd;border-radius:6px;margin:.5em 0;padding:.3em .6em;background:#fff}
details.chart summary{cursor:pointer;font-weight:600}
.state{font-family:ui-monospace,monospace;font-weight:400;color:#bf360c;margin-left:.6em}
.svg svg{max-width:100%;height:auto}
g.node.active path,g.node.active polygon,g.node.active ellipse{fill:#ffd54f;stroke:#e65100;stroke-width:2.5}
g.cluster.active>path,g.cluster.active>polygon{fill:#fff8e1;stroke:#e65100;stroke-width:2}
#log{list-style:none;margin:0;padding:0;font:12px/1.35 ui-monospace,monospace}
#log li{border-bottom:1px solid #eee;padding:2px 0;word-break:break-all}
#log .t{color:#888}#log .a{color:#00695c}#log .e{font-weight:600}#log .d{color:#555}
</style></head>
<body>
<header><strong>lwm2m-meter statecharts</strong><span id="status">connecting…</span>
<a href="stately">hosted Stately inspector (needs the internet)</a></header>
<main id="charts"></main>
<aside><h3 style="margin:.2em 0">Events</h3><ol id="log"></ol></aside>
<script>
"use strict";
const charts = new Map();
const bySession = new Map();
const main = document.getElementById('charts');
const log = document.getElementById('log');
const status = document.getElementById('status');

function activeIds(prefix, value, out) {
  if (typeof value === 'string') { out.push(prefix + '.' + value); return out; }
  if (value && typeof value === 'object') for (const k of Object.keys(value)) { out.push(prefix + '.' + k); activeIds(prefix + '.' + k, value[k], out); }
  return out;
}
function valueText(value) {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') return Object.keys(value).map((k) => { const v = valueText(value[k]); return v ? k + '.' + v : k; }).join(', ');
  return '';
}
function mark(c) {
  const ids = c.value === undefined ? [] : activeIds(c.machine, c.value, []);
  c.el.dataset.active = ids.join(' ');
  c.stateEl.textContent = c.value === undefined ? '' : valueText(c.value) + (c.status && c.status !== 'active' ? ' (' + c.status + ')' : '');
  const svg = c.svgEl.querySelector('svg');
  if (!svg) return;
  for (const g of svg.querySelectorAll('.active')) g.classList.remove('active');
  for (const id of ids) {
    const g = svg.querySelector('[id="state:' + id.replace(/["\\\\]/g, '\\\\$&') + '"]');
    if (g) g.classList.add('active');
  }
}
/** The device's own actors first, in the order they stack up; then objects, then plugins. */
const ORDER = ['client', 'socket', 'modem', 'meter', 'firmware'];
function sortKey(actor, machine) {
  const base = actor.split(':')[0];
  const rank = ORDER.includes(base) ? ORDER.indexOf(base) : base === 'object' ? 8 : 9;
  const num = /:(\\d+)$/.exec(actor);
  return String(rank) + ' ' + (num ? num[1].padStart(6, '0') : actor) + ' ' + machine;
}
function section(actor, machine) {
  const key = actor + ' ' + machine;
  let c = charts.get(key);
  if (c) return c;
  const el = document.createElement('details');
  el.className = 'chart';
  el.dataset.actor = actor;
  el.dataset.machine = machine;
  el.dataset.sort = sortKey(actor, machine);
  el.open = !/^object:/.test(actor) || charts.size < 6;
  const sum = document.createElement('summary');
  sum.textContent = actor + (machine && machine !== actor ? ' (' + machine + ')' : '');
  const stateEl = document.createElement('span');
  stateEl.className = 'state';
  sum.appendChild(stateEl);
  const svgEl = document.createElement('div');
  svgEl.className = 'svg';
  el.append(sum, svgEl);
  const after = [...main.children].find((x) => x.dataset.sort.localeCompare(el.dataset.sort) > 0);
  main.insertBefore(el, after || null);
  c = { el, stateEl, svgEl, actor, machine, session: undefined, value: undefined, status: undefined };
  charts.set(key, c);
  return c;
}
const on = {
  actor(d) {
    const c = section(d.actor, d.machine);
    bySession.set(d.session, c);
    if (c.session === d.session) return;
    c.session = d.session;
    fetch('chart?session=' + encodeURIComponent(d.session)).then((r) => (r.ok ? r.text() : '')).then((svg) => {
      if (c.session !== d.session) return;
      c.svgEl.innerHTML = svg || '<p>(no diagram for this machine)</p>';
      mark(c);
    }, () => undefined);
  },
  state(d) {
    const c = bySession.get(d.session);
    if (!c || c.session !== d.session) return;
    c.value = d.value;
    c.status = d.status;
    mark(c);
  },
  event(d) {
    const li = document.createElement('li');
    const t = new Date(d.at);
    const parts = [['t', t.toTimeString().slice(0, 8) + '.' + String(t.getMilliseconds()).padStart(3, '0')], ['a', d.actor], ['e', d.type], ['d', d.detail]];
    for (const [cls, text] of parts) { const s = document.createElement('span'); s.className = cls; s.textContent = text + ' '; li.appendChild(s); }
    log.insertBefore(li, log.firstChild);
    while (log.childElementCount > 300) log.lastChild.remove();
  },
};
function connect() {
  const es = new EventSource('events');
  es.onopen = () => { status.textContent = 'live'; status.className = ''; };
  es.onerror = () => { status.textContent = 'disconnected, retrying…'; status.className = 'down'; };
  es.onmessage = (m) => { const d = JSON.parse(m.data); if (on[d.k]) on[d.k](d); };
}
connect();
</script></body></html>
`;

/** Frames the hosted Stately inspector (stately.ai: needs the internet) and feeds it this server's WebSocket stream. */
export function bridgePage(inspectorUrl: string): string {
  return `<!DOCTYPE html><html><head><title>lwm2m-meter inspector (Stately)</title>
<style>*{margin:0;padding:0}html,body{height:100%}iframe{width:100%;height:100%;border:none}</style></head>
<body><iframe id="inspector" src="${inspectorUrl}"></iframe><script>
const iframe=document.getElementById('inspector');const buffer=[];let connected=false;
window.addEventListener('message',(e)=>{if(e.data&&e.data.type==='@statelyai.connected'){connected=true;buffer.forEach((ev)=>iframe.contentWindow.postMessage(ev,'*'));buffer.length=0;}});
const url=new URL('.',location.href);url.protocol=location.protocol==='https:'?'wss:':'ws:';
const ws=new WebSocket(url.href);
ws.onmessage=(m)=>{const d=JSON.parse(m.data);if(connected)iframe.contentWindow.postMessage(d,'*');else buffer.push(d);};
</script></body></html>`;
}
