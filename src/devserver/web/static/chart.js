// chart.js: the water meter chart drawn in SVG by hand: cumulated volume (m³) and the flow derived from it (L/h) over
// time.

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
  if (a !== 0 && (a < 0.001 || a >= 1e7)) return n.toExponential(2);
  const digits = a >= 100 ? 0 : a >= 1 ? 2 : 4;
  return String(Math.round(n * 10 ** digits) / 10 ** digits);
}

/** Shortest span a flow figure is taken over (ms): meters count whole pulses, shorter spans only show their jitter. */
const MIN_SPAN = 5000;

/**
 * Flow at each sample, L/h (volume in m³, times in ms): the volume change since the latest sample MIN_SPAN or more
 * before.
 */
export function flows(samples) {
  const out = [];
  let j = 0;
  for (let i = 1; i < samples.length; i++) {
    while (j + 1 < i && samples[i].t - samples[j + 1].t >= MIN_SPAN) j++;
    const dt = samples[i].t - samples[j].t;
    if (dt >= MIN_SPAN) out.push({ t: samples[i].t, v: ((samples[i].v - samples[j].v) * 1000 * 3600_000) / dt });
  }
  return out;
}

function panel(title, unit, points, t0, t1, color, cls, fromZero = false) {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: `chart ${cls}`, role: 'img', 'aria-label': title });
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  svg.append(el('rect', { x: PAD.l, y: PAD.t, width: iw, height: ih, class: 'frame' }));
  if (points.length === 0) {
    svg.append(
      el(
        'text',
        { x: PAD.l + iw / 2, y: PAD.t + ih / 2, 'text-anchor': 'middle', class: 'empty' },
        'waiting for values',
      ),
    );
    svg.append(el('text', { x: 4, y: PAD.t + 10, class: 'label' }, `${title} ${unit}`));
    return svg;
  }
  let lo = Math.min(...points.map((p) => p.v), ...(fromZero ? [0] : []));
  let hi = Math.max(...points.map((p) => p.v));
  if (hi === lo) {
    hi += Math.abs(hi) * 0.01 || 1;
    lo -= Math.abs(lo) * 0.01 || 0;
  }
  const span = Math.max(t1 - t0, 1);
  const x = (t) => PAD.l + ((t - t0) / span) * iw;
  const y = (v) => PAD.t + ih - ((v - lo) / (hi - lo)) * ih;
  svg.append(
    el('polyline', {
      points: points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' '),
      class: 'line',
      stroke: color,
    }),
  );
  for (const p of points.slice(-40))
    svg.append(el('circle', { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 2, fill: color }));
  svg.append(el('text', { x: PAD.l - 4, y: PAD.t + 8, 'text-anchor': 'end', class: 'tick' }, fmt(hi)));
  svg.append(el('text', { x: PAD.l - 4, y: PAD.t + ih, 'text-anchor': 'end', class: 'tick' }, fmt(lo)));
  svg.append(el('text', { x: 4, y: PAD.t + ih / 2 + 4, class: 'label' }, unit));
  svg.append(el('text', { x: PAD.l, y: H - 4, class: 'tick' }, clock(t0)));
  svg.append(el('text', { x: W - PAD.r, y: H - 4, 'text-anchor': 'end', class: 'tick' }, clock(t1)));
  svg.append(
    el(
      'text',
      { x: PAD.l + iw / 2, y: H - 4, 'text-anchor': 'middle', class: 'title' },
      `${title}: ${fmt(points[points.length - 1].v)} ${unit}`,
    ),
  );
  return svg;
}

/** Redraws the chart into `box` from samples [{ t (ms), v (m³) }], oldest first. */
export function renderChart(box, samples) {
  const t0 = samples.length ? samples[0].t : Date.now();
  const t1 = samples.length ? samples[samples.length - 1].t : t0;
  const f = flows(samples);
  box.replaceChildren(
    panel('volume', 'm³', samples, t0, t1, '#1f6fb2', 'volume'),
    panel('flow', 'L/h', f, t0, t1, '#c0561b', 'flow', true),
  );
  box.dataset.samples = String(samples.length);
}
