// diagram.ts: statechart diagrams from `machine.toJSON()`: Mermaid stateDiagram-v2, Graphviz DOT, and SVG via graphviz wasm (offline).
/** The parts of XState's `machine.toJSON()` (a StateNode definition) that a diagram needs. */
export interface StateNodeJson {
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  initial?: { target?: string[] };
  states?: Record<string, StateNodeJson>;
  transitions?: TransitionJson[];
  always?: TransitionJson[];
}

export interface TransitionJson {
  target?: string[];
  eventType: string;
  delay?: number | string;
  guard?: { type?: string } | string;
}

interface Edge {
  from: StateNodeJson;
  to: StateNodeJson;
  label: string;
}

interface LiveNode {
  id: string;
  states?: Record<string, LiveNode>;
  always?: { target?: ({ id: string } | string)[]; guard?: unknown }[];
}

function guardName(g: unknown): string | undefined {
  if (typeof g === 'string') return g;
  if (typeof g === 'function') return g.name || 'guard';
  if (g && typeof g === 'object' && typeof (g as { type?: unknown }).type === 'string') return (g as { type: string }).type;
  return undefined;
}

/** `toJSON()` leaves out eventless (`always`) transitions: copy them from the live state nodes. */
function addAlways(json: StateNodeJson, live: LiveNode | undefined): void {
  if (!live) return;
  if (live.always?.length) {
    json.always = live.always.map((t) => {
      const g = guardName(t.guard);
      return {
        eventType: '',
        target: (t.target ?? []).map((x) => (typeof x === 'string' ? x : `#${x.id}`)),
        ...(g ? { guard: g } : {}),
      };
    });
  }
  for (const [k, child] of Object.entries(json.states ?? {})) addAlways(child, live.states?.[k]);
}

/** Accepts a machine (anything with toJSON()) or its JSON. */
export function machineJson(m: { toJSON(): unknown } | StateNodeJson): StateNodeJson {
  if (typeof (m as { toJSON?: unknown }).toJSON !== 'function') return m as StateNodeJson;
  const json = (m as { toJSON(): unknown }).toJSON() as StateNodeJson;
  addAlways(json, (m as { root?: LiveNode }).root);
  return json;
}

function children(n: StateNodeJson): StateNodeJson[] {
  return Object.values(n.states ?? {});
}

function allNodes(root: StateNodeJson): StateNodeJson[] {
  const out: StateNodeJson[] = [];
  const walk = (n: StateNodeJson): void => {
    out.push(n);
    children(n).forEach(walk);
  };
  walk(root);
  return out;
}

/** 'done' / 'error' of an invoked actor; XState's generated IDs ('0.client.online.x') say nothing, so they are left out. */
function invokeLabel(kind: string, id: string): string {
  return /^\d+\./.test(id) ? kind : `${kind} ${id}`;
}

function eventLabel(t: TransitionJson): string {
  let label: string;
  if (t.delay !== undefined) label = typeof t.delay === 'number' ? `after ${t.delay}ms` : `after ${t.delay}`;
  else if (t.eventType === '' || t.eventType === undefined) label = 'always';
  else if (t.eventType.startsWith('xstate.done.actor.')) label = invokeLabel('done', t.eventType.slice('xstate.done.actor.'.length));
  else if (t.eventType.startsWith('xstate.error.actor.')) label = invokeLabel('error', t.eventType.slice('xstate.error.actor.'.length));
  else if (t.eventType.startsWith('xstate.done.state.')) label = 'done';
  else label = t.eventType;
  const g = typeof t.guard === 'string' ? t.guard : t.guard?.type;
  return g ? `${label} [${g}]` : label;
}

/** Every transition of the chart with its resolved source and target nodes (targetless ones loop back). */
function edges(root: StateNodeJson): Edge[] {
  const byId = new Map(allNodes(root).map((n) => [n.id, n]));
  const out: Edge[] = [];
  for (const n of byId.values()) {
    const ts = [...(n.transitions ?? []), ...(n.always ?? []).map((t) => ({ ...t, eventType: '' }))];
    for (const t of ts) {
      const targets = t.target?.length ? t.target : [`#${n.id}`];
      for (const tg of targets) {
        const to = byId.get(targetId(tg));
        if (to) out.push({ from: n, to, label: eventLabel(t) });
      }
    }
  }
  return out;
}

/** A transition target as its state ID: toJSON() gives '#id' strings, or StateNode objects in some places. */
function targetId(tg: unknown): string {
  return (typeof tg === 'string' ? tg : String((tg as { id?: string }).id ?? '')).replace(/^#/, '');
}

function initialOf(n: StateNodeJson): StateNodeJson | undefined {
  const tg = n.initial?.target?.[0];
  if (!tg) return undefined;
  const id = targetId(tg);
  return allNodes(n).find((c) => c.id === id);
}

/** Short unique identifiers: the state key where it is unique, else its path. */
function idMap(root: StateNodeJson): Map<StateNodeJson, string> {
  const nodes = allNodes(root);
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.key, (counts.get(n.key) ?? 0) + 1);
  const ids = new Map<StateNodeJson, string>();
  for (const n of nodes) {
    const raw = counts.get(n.key) === 1 ? n.key : n.id.split('.').slice(1).join('_') || n.key;
    ids.set(n, raw.replace(/[^A-Za-z0-9_]/g, '_'));
  }
  return ids;
}

function mermaidLabel(s: string): string {
  return s.replace(/[:;#]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Mermaid `stateDiagram-v2` text: nested states as composite states, initial `[*] -->`, finals `--> [*]`, labelled transitions. */
export function toMermaid(machine: { toJSON(): unknown } | StateNodeJson): string {
  const root = machineJson(machine);
  const ids = idMap(root);
  const es = edges(root);
  const lines = ['stateDiagram-v2'];
  const emit = (n: StateNodeJson, depth: number): void => {
    const pad = '  '.repeat(depth);
    const init = initialOf(n);
    if (init && n.type !== 'parallel') lines.push(`${pad}[*] --> ${ids.get(init)}`);
    const kids = children(n);
    kids.forEach((c, i) => {
      const id = ids.get(c)!;
      if (id !== c.key) lines.push(`${pad}${id} : ${mermaidLabel(c.key)}`);
      if (children(c).length) {
        lines.push(`${pad}state ${id} {`);
        emit(c, depth + 1);
        lines.push(`${pad}}`);
      }
      if (c.type === 'final') lines.push(`${pad}${id} --> [*]`);
      if (n.type === 'parallel' && i < kids.length - 1) lines.push(`${pad}--`);
    });
    for (const e of es) {
      // an edge is drawn at the level of its source state's parent
      if (e.from === root || !kids.includes(e.from)) continue;
      lines.push(`${pad}${ids.get(e.from)} --> ${e.to === root ? ids.get(e.from) : ids.get(e.to)} : ${mermaidLabel(e.label)}`);
    }
  };
  emit(root, 1);
  return lines.join('\n') + '\n';
}

function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Graphviz DOT: compound states as clusters (with an initial dot), atomic states as rounded boxes, finals doubled. */
export function toDot(machine: { toJSON(): unknown } | StateNodeJson): string {
  const root = machineJson(machine);
  const ids = idMap(root);
  const lines = [
    `digraph ${q(root.id)} {`,
    '  compound=true; rankdir=LR; fontname="Helvetica";',
    '  node [shape=box, style=rounded, fontname="Helvetica"]; edge [fontname="Helvetica", fontsize=10];',
  ];
  /** The node an edge attaches to for a state: itself, or a compound state's initial point. */
  const anchor = (n: StateNodeJson): string => (children(n).length ? `__init_${ids.get(n)}` : ids.get(n)!);
  const emit = (n: StateNodeJson, depth: number): void => {
    const pad = '  '.repeat(depth);
    const init = initialOf(n);
    const point = `__init_${ids.get(n)}`;
    lines.push(`${pad}${q(point)} [shape=point, width=0.12, label=""];`);
    if (init) lines.push(`${pad}${q(point)} -> ${q(anchor(init))}${children(init).length ? ` [lhead=${q('cluster_' + ids.get(init))}]` : ''};`);
    for (const c of children(n)) {
      const id = ids.get(c)!;
      if (children(c).length) {
        lines.push(`${pad}subgraph ${q('cluster_' + id)} {`);
        lines.push(`${pad}  label=${q(c.key + (c.type === 'parallel' ? ' (parallel)' : ''))}; style=rounded;`);
        emit(c, depth + 1);
        lines.push(`${pad}}`);
      } else {
        lines.push(`${pad}${q(id)} [label=${q(c.key)}${c.type === 'final' ? ', peripheries=2' : ''}];`);
      }
    }
  };
  emit(root, 1);
  for (const e of edges(root)) {
    if (e.from === root) continue;
    const from = e.from;
    const to = e.to === root ? e.from : e.to;
    const attrs = [`label=${q(e.label)}`];
    if (children(from).length) attrs.push(`ltail=${q('cluster_' + ids.get(from))}`);
    if (children(to).length && to !== from) attrs.push(`lhead=${q('cluster_' + ids.get(to))}`);
    lines.push(`  ${q(anchor(from))} -> ${q(anchor(to))} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Renders DOT to SVG with @hpcc-js/wasm-graphviz (WebAssembly bundled in the package: no network). */
export async function dotToSvg(dot: string): Promise<string> {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const gv = await Graphviz.load();
  return gv.dot(dot, 'svg');
}

export type DiagramFormat = 'mermaid' | 'dot' | 'svg';

export async function renderDiagram(machine: { toJSON(): unknown } | StateNodeJson, format: DiagramFormat): Promise<string> {
  if (format === 'mermaid') return toMermaid(machine);
  const dot = toDot(machine);
  return format === 'dot' ? dot : dotToSvg(dot);
}
