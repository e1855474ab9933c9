// app.js: the page's state and wiring: client list, the selected client's tree and values, operations, the live event
// feed, chart and firmware push.
import { getJson, operate, pullFirmware, pushFirmware, showValue } from './api.js';
import { renderChart } from './chart.js';
import { renderTree } from './tree.js';

const VOLUME = '/3424/0/1';
const CODES = {
  2.01: 'Created',
  2.02: 'Deleted',
  2.04: 'Changed',
  2.05: 'Content',
  '4.00': 'Bad Request',
  4.01: 'Unauthorized',
  4.02: 'Bad Option',
  4.03: 'Forbidden',
  4.04: 'Not Found',
  4.05: 'Method Not Allowed',
  4.06: 'Not Acceptable',
  4.08: 'Request Entity Incomplete',
  4.12: 'Precondition Failed',
  4.13: 'Request Entity Too Large',
  4.15: 'Unsupported Content-Format',
  '5.00': 'Internal Server Error',
  5.01: 'Not Implemented',
  5.03: 'Service Unavailable',
};

const $ = (sel, root = document) => root.querySelector(sel);
const state = { catalog: {}, clients: [], selected: undefined, samples: new Map(), shownLinks: '' };

function codeText(code) {
  return CODES[code] ? `${code} ${CODES[code]}` : code;
}

function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.floor(s / 60)} min ago` : `${Math.floor(s / 3600)} h ago`;
}

function time(ms) {
  return new Date(ms).toTimeString().slice(0, 8);
}

// ---- log pane ----

function log(kind, endpoint, text, at = Date.now()) {
  const li = document.createElement('li');
  li.className = `ev ${kind}`;
  li.dataset.kind = kind;
  const parts = [
    ['t', time(at)],
    ['k', kind],
    ['e', endpoint ?? ''],
    ['x', text],
  ];
  for (const [c, t] of parts) {
    const s = document.createElement('span');
    s.className = c;
    s.textContent = t;
    li.append(s);
  }
  const ol = $('#log');
  ol.prepend(li);
  while (ol.children.length > 300) ol.lastChild.remove();
}

function recordsText(records) {
  return records.map((r) => `${r.path}=${showValue(r.value)}`).join(' ');
}

function resultText(r) {
  if (r.records) return recordsText(r.records);
  if (r.links) return r.links;
  if (r.location) return `location ${r.location}`;
  if (r.decodeError) return `undecodable (cf ${r.contentFormat ?? '-'}): ${r.decodeError}`;
  return r.text ?? (r.hex ? `0x${r.hex}` : '');
}

// ---- messages (errors from the device or the server) ----

let messageTimer;
function message(text, kind) {
  const m = $('#message');
  m.textContent = text;
  m.className = `message ${kind}`;
  m.hidden = false;
  clearTimeout(messageTimer);
  messageTimer = setTimeout(() => {
    m.hidden = true;
  }, 10_000);
}

// ---- values in the tree ----

function setCell(path, text, cls) {
  const row = document.querySelector(`tr.resource[data-path="${path}"]`);
  if (!row) return false;
  const cell = $('.value', row);
  cell.textContent = text;
  cell.className = `value ${cls}`;
  cell.title = `${cls === 'error' ? 'error' : 'value'} at ${time(Date.now())}`;
  row.classList.remove('flash');
  void row.offsetWidth;
  row.classList.add('flash');
  return true;
}

function showRecords(records, cls = 'fresh') {
  const multi = new Map();
  for (const r of records) {
    const segs = r.path.split('/').filter(Boolean);
    if (segs.length === 4) {
      const res = `/${segs.slice(0, 3).join('/')}`;
      if (!multi.has(res)) multi.set(res, []);
      multi.get(res).push(`${segs[3]}: ${showValue(r.value)}`);
    } else setCell(r.path, showValue(r.value), cls);
  }
  for (const [p, items] of multi) setCell(p, items.join(', '), cls);
}

function addSamples(endpoint, records, at) {
  const vol = records.filter((r) => r.path === VOLUME && typeof r.value === 'number');
  if (vol.length === 0) return;
  if (!state.samples.has(endpoint)) state.samples.set(endpoint, []);
  const list = state.samples.get(endpoint);
  for (const r of vol) {
    const t = r.time !== undefined ? r.time * 1000 : at;
    const i = list.findIndex((s) => s.t >= t);
    if (i >= 0 && list[i].t === t) list[i].v = r.value;
    else if (i >= 0) list.splice(i, 0, { t, v: r.value });
    else list.push({ t, v: r.value });
  }
  if (list.length > 500) list.splice(0, list.length - 500);
  if (endpoint === state.selected) renderChart($('#chart'), list);
}

function markObserving(paths) {
  const set = new Set(paths);
  for (const b of document.querySelectorAll('#tree [data-path]')) {
    if (b.matches('tr.resource, div.instance')) b.classList.toggle('observing', set.has(b.dataset.path));
  }
}

// ---- clients ----

function renderClients() {
  const tbody = $('#clients tbody');
  const rows = state.clients.map((c) => {
    const tr = document.createElement('tr');
    tr.dataset.endpoint = c.endpoint;
    tr.className = c.endpoint === state.selected ? 'selected' : '';
    const cells = [c.endpoint, c.address, `${c.lifetime} s`, `${c.binding}${c.queueMode ? ' Q' : ''}`, ago(c.lastSeen)];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i === 4) {
        td.className = 'seen';
        td.dataset.at = String(c.lastSeen);
      }
      tr.append(td);
    });
    tr.addEventListener('click', () => select(c.endpoint));
    return tr;
  });
  tbody.replaceChildren(...rows);
  $('#no-clients').hidden = rows.length > 0;
}

async function refreshClients() {
  try {
    state.clients = await getJson('api/clients');
  } catch (err) {
    message(`client list: ${err.message}`, 'error');
    return;
  }
  if (state.selected === undefined && state.clients.length > 0) {
    const fromHash = decodeURIComponent(location.hash.replace(/^#ep=/, ''));
    select(state.clients.some((c) => c.endpoint === fromHash) ? fromHash : state.clients[0].endpoint);
    return;
  }
  renderClients();
  showClient();
}

function showClient() {
  const c = state.clients.find((x) => x.endpoint === state.selected);
  for (const pane of document.querySelectorAll('#client-pane, .client-only')) pane.hidden = c === undefined;
  if (!c) return;
  $('#client-name').textContent = c.endpoint;
  $('#client-info').textContent =
    `LwM2M ${c.lwm2mVersion} · registered ${time(c.registeredAt)} · last update ${time(c.lastUpdate)}${c.rootPath ? ` · root ${c.rootPath}` : ''}`;
  const links = JSON.stringify(c.links);
  if (links !== state.shownLinks) {
    state.shownLinks = links;
    renderTree($('#tree'), c.links, state.catalog);
  }
  markObserving(c.observing);
  renderChart($('#chart'), state.samples.get(c.endpoint) ?? []);
}

function select(endpoint) {
  state.selected = endpoint;
  state.shownLinks = '';
  history.replaceState(null, '', `#ep=${encodeURIComponent(endpoint)}`);
  renderClients();
  showClient();
}

// ---- operations ----

async function run(op, path, button) {
  const ep = state.selected;
  if (!ep) return;
  const body = { path };
  if (op === 'write') {
    const input = document.querySelector(`input.wvalue[data-path="${path}"]`);
    body.value = input.value;
  }
  if (op === 'delete' && !confirm(`Delete ${path} on ${ep}?`)) return;
  button?.classList.add('busy');
  try {
    const r = await operate(ep, op, body);
    const text = resultText(r);
    if (!r.ok) {
      message(`${op} ${path}: ${codeText(r.code)}${text ? ` — ${text}` : ''}`, 'error');
      log('error', ep, `${op} ${path} → ${codeText(r.code)}${text ? ` ${text}` : ''}`);
      setCell(path, codeText(r.code), 'error');
      return;
    }
    log('op', ep, `${op} ${path} → ${codeText(r.code)}${text ? ` ${text}` : ''}`);
    if (r.records) {
      showRecords(r.records);
      addSamples(ep, r.records, Date.now());
    } else if (op === 'write') setCell(path, `${body.value} (written)`, 'written');
    else if (op === 'execute' || op === 'discover' || op === 'delete')
      setCell(path, `${codeText(r.code)}${text ? ` ${text}` : ''}`, 'fresh');
    if (op === 'observe' || op === 'cancel' || op === 'delete') await refreshClients();
  } catch (err) {
    message(`${op} ${path}: ${err.code}: ${err.message}`, 'error');
    log('error', ep, `${op} ${path}: ${err.code}: ${err.message}`);
    setCell(path, err.code === 'DEVSERVER_TIMEOUT' ? 'timeout' : err.code, 'error');
  } finally {
    button?.classList.remove('busy');
  }
}

// ---- more operations: Write-Attributes, Execute with arguments, Create ----

/** `pmin=5&pmax=30&gt` → { pmin: 5, pmax: 30, gt: null } (a name without a value removes the attribute). */
function attributesOf(text) {
  const out = {};
  for (const part of text.split('&').filter((x) => x.trim() !== '')) {
    const [k, v] = part.split('=', 2).map((x) => x.trim());
    out[k] = v === undefined || v === '' ? null : Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

/** `/3424/1/5=1&/3424/1/6=0` → [{ path, value }] (values as typed; the server converts by the resource's type). */
function recordsOf(text) {
  return text
    .split('&')
    .filter((x) => x.trim() !== '')
    .map((part) => {
      const i = part.indexOf('=');
      return i < 0
        ? { path: part.trim(), value: '' }
        : { path: part.slice(0, i).trim(), value: part.slice(i + 1).trim() };
    });
}

async function more(op) {
  const ep = state.selected;
  const path = $('#more-path').value.trim();
  if (!ep || !path) return message(`${op}: give a path`, 'error');
  const body = { path };
  if (op === 'attributes') body.attributes = attributesOf($('#more-attrs').value);
  if (op === 'execute' && $('#more-args').value.trim() !== '') body.args = $('#more-args').value.trim();
  if (op === 'create') body.records = recordsOf($('#more-values').value);
  try {
    const r = await operate(ep, op, body);
    const text = resultText(r);
    const line = `${op} ${path} → ${codeText(r.code)}${text ? ` ${text}` : ''}`;
    log(r.ok ? 'op' : 'error', ep, line);
    message(line, r.ok ? 'ok' : 'error');
    if (r.ok && op === 'create') await refreshClients();
  } catch (err) {
    message(`${op} ${path}: ${err.code}: ${err.message}`, 'error');
    log('error', ep, `${op} ${path}: ${err.code}: ${err.message}`);
  }
}

// ---- live feed ----

function onEvent(ev) {
  const ep = ev.endpoint;
  switch (ev.type) {
    case 'register':
    case 'update':
    case 'deregister':
    case 'expire':
      log(ev.type, ep, `${ev.address} lt=${ev.lifetime}`, ev.at);
      void refreshClients();
      break;
    case 'notify': {
      const r = ev.result;
      log(
        r.ok ? 'notify' : 'error',
        ep,
        `${ev.paths.join(',')} #${ev.observe ?? '-'} ${r.ok ? '' : codeText(r.code) + ' '}${resultText(r)}`,
        ev.at,
      );
      if (r.records) {
        if (ep === state.selected) showRecords(r.records);
        addSamples(ep, r.records, ev.at);
      }
      break;
    }
    case 'send':
      log('send', ep, ev.decodeError ? `undecodable: ${ev.decodeError}` : recordsText(ev.records), ev.at);
      if (ep === state.selected) showRecords(ev.records);
      addSamples(ep, ev.records, ev.at);
      break;
    case 'observe-end':
      log('observe-end', ep, ev.path, ev.at);
      if (ep === state.selected) void refreshClients();
      break;
    case 'firmware':
      firmwareProgress(ev);
      break;
    default:
      log(ev.type, ep, '', ev.at);
  }
}

function connect() {
  const es = new EventSource('api/events');
  const status = $('#status');
  es.addEventListener('open', () => {
    status.textContent = 'live';
    status.className = 'status on';
    $('#log').replaceChildren(); // the server replays its recent events on every (re)connect
    state.samples.clear();
    void refreshClients();
  });
  es.addEventListener('error', () => {
    status.textContent = 'reconnecting';
    status.className = 'status off';
  });
  for (const type of ['register', 'update', 'deregister', 'expire', 'notify', 'send', 'observe-end', 'firmware']) {
    es.addEventListener(type, (m) => onEvent(JSON.parse(m.data)));
  }
}

// ---- firmware ----

function firmwareProgress(ev) {
  if (ev.endpoint !== state.selected) return;
  const bar = $('#fw-progress');
  bar.max = ev.total;
  bar.value = ev.sent;
  const st = $('#fw-status');
  if (!ev.done) st.textContent = `${ev.sent} / ${ev.total} bytes`;
  else if (ev.error) {
    st.textContent = `failed: ${ev.error}`;
    st.className = 'hint error';
  } else if (ev.pull) {
    st.textContent = `${ev.total} bytes pulled: Downloaded`;
    st.className = 'hint ok';
  } else if (ev.code.startsWith('2.')) {
    st.textContent = `${ev.total} bytes → ${codeText(ev.code)}`;
    st.className = 'hint ok';
  } else {
    st.textContent = `device answered ${codeText(ev.code)} after ${ev.sent} bytes`;
    st.className = 'hint error';
  }
}

async function onFirmware(e) {
  e.preventDefault();
  const file = $('#fw-file').files[0];
  const path = $('#fw-path').value.trim();
  if (!file || !state.selected) {
    message('pick a package file first', 'error');
    return;
  }
  $('#fw-status').className = 'hint';
  $('#fw-status').textContent = `sending ${file.size} bytes…`;
  $('#fw-progress').value = 0;
  try {
    const r = await pushFirmware(state.selected, path, file);
    log(r.ok ? 'op' : 'error', state.selected, `firmware ${path} ${r.bytes} bytes → ${codeText(r.code)}`);
    if (!r.ok) message(`firmware push: device answered ${codeText(r.code)}`, 'error');
  } catch (err) {
    message(`firmware push: ${err.code}: ${err.message}`, 'error');
    log('error', state.selected, `firmware ${path}: ${err.code}: ${err.message}`);
    $('#fw-status').textContent = `failed: ${err.message}`;
    $('#fw-status').className = 'hint error';
  }
}

async function onPull() {
  const file = $('#fw-file').files[0];
  if (!file || !state.selected) {
    message('pick a package file first', 'error');
    return;
  }
  $('#fw-status').className = 'hint';
  $('#fw-status').textContent = `serving ${file.size} bytes…`;
  $('#fw-progress').value = 0;
  try {
    const r = await pullFirmware(state.selected, file, $('#fw-via').value);
    log(r.ok ? 'op' : 'error', state.selected, `firmware pull ${r.uri ?? file.name}: ${r.lines.at(-1) ?? ''}`);
    if (!r.ok) message(`firmware pull: ${r.lines.at(-1) ?? 'failed'}`, 'error');
  } catch (err) {
    message(`firmware pull: ${err.code}: ${err.message}`, 'error');
    log('error', state.selected, `firmware pull: ${err.code}: ${err.message}`);
  }
}

// ---- start ----

async function start() {
  try {
    state.catalog = await getJson('api/model');
  } catch (err) {
    message(`object model: ${err.message}`, 'error');
  }
  $('#tree').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-op]');
    if (b) void run(b.dataset.op, b.dataset.path, b);
  });
  $('#tree').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target.matches('input.wvalue')) void run('write', e.target.dataset.path);
  });
  $('#fw-form').addEventListener('submit', (e) => void onFirmware(e));
  $('#fw-pull').addEventListener('click', () => void onPull());
  $('#log-clear').addEventListener('click', () => $('#log').replaceChildren());
  $('#more-form').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-more]');
    if (b) void more(b.dataset.more);
  });
  setInterval(() => {
    for (const td of document.querySelectorAll('#clients td.seen')) td.textContent = ago(Number(td.dataset.at));
  }, 1000);
  connect();
}

void start();
