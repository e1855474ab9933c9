// chart.js: the water meter chart drawn in SVG by hand: cumulated volume (m³) and the flow derived from it (L/h) over time.

const NS = 'http://www.w3.org/2000/svg';
const W = 380;
const H = 96;
const PAD = { l: 58, r: 8, t: 8, b: 18 };

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function clock(ms) {
  return new Date(ms).toTimeString().slice(0, 8);
}

function fmt(n) {
  const a = Math.abs(n);
  if (a !== 0 && (a < 0.01 || a >= 1e6)) return n.toExponential(2);
  return String(Math.round(n * 1000) / 1000);
}

/** Flow between consecutive samples, L/h (volume in m³, times in ms); drawn at the later sample. */
export function flows(samples) {
  const out = [];
  for (let i = 1; i < samples.length; i++) {
    const dt = samples[i].t - samples[i - 1].t;
    if (dt > 0) out.push({ t: samples[i].t, v: ((samples[i].v - samples[i - 1].v) * 1000 * 3600_000) / dt });
  }
  return out;
}

function panel(title, unit, points, t0, t1, color, cls) {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: `chart ${cls}`, role: 'img', 'aria-label': title });
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  svg.append(el('rect', { x: PAD.l, y: PAD.t, width: iw, height: ih, class: 'frame' }));
  if (points.length === 0) {
    svg.append(el('text', { x: PAD.l + iw / 2, y: PAD.t + ih / 2, 'text-anchor': 'middle', class: 'empty' }, 'waiting for values'));
    svg.append(el('text', { x: 4, y: PAD.t + 10, class: 'label' }, `${title} ${unit}`));
    return svg;
  }
  let lo = Math.min(...points.map((p) => p.v));
  let hi = Math.max(...points.map((p) => p.v));
  if (hi === lo) { hi += Math.abs(hi) * 0.01 || 1; lo -= Math.abs(lo) * 0.01 || 0; }
  const span = Math.max(t1 - t0, 1);
  const x = (t) => PAD.l + ((t - t0) / span) * iw;
  const y = (v) => PAD.t + ih - ((v - lo) / (hi - lo)) * ih;
  svg.append(el('polyline', { points: points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' '), class: 'line', stroke: color }));
  for (const p of points.slice(-40)) svg.append(el('circle', { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 2, fill: color }));
  svg.append(el('text', { x: PAD.l - 4, y: PAD.t + 8, 'text-anchor': 'end', class: 'tick' }, fmt(hi)));
  svg.append(el('text', { x: PAD.l - 4, y: PAD.t + ih, 'text-anchor': 'end', class: 'tick' }, fmt(lo)));
  svg.append(el('text', { x: 4, y: PAD.t + ih / 2 + 4, class: 'label' }, unit));
  svg.append(el('text', { x: PAD.l, y: H - 4, class: 'tick' }, clock(t0)));
  svg.append(el('text', { x: W - PAD.r, y: H - 4, 'text-anchor': 'end', class: 'tick' }, clock(t1)));
  svg.append(el('text', { x: PAD.l + iw / 2, y: H - 4, 'text-anchor': 'middle', class: 'title' }, `${title}: ${fmt(points[points.length - 1].v)} ${unit}`));
  return svg;
}

/** Redraws the chart into `box` from samples [{ t (ms), v (m³) }], oldest first. */
export function renderChart(box, samples) {
  const t0 = samples.length ? samples[0].t : Date.now();
  const t1 = samples.length ? samples[samples.length - 1].t : t0;
  const f = flows(samples);
  box.replaceChildren(
    panel('volume', 'm³', samples, t0, t1, '#1f6fb2', 'volume'),
    panel('flow', 'L/h', f, t0, t1, '#c0561b', 'flow'),
  );
  box.dataset.samples = String(samples.length);
}
