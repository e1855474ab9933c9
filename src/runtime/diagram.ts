// diagram.ts: statechart diagrams from a machine (or its `toJSON()`): Mermaid stateDiagram-v2, Graphviz DOT, and SVG
// via graphviz wasm (offline).
/** The parts of XState's `machine.toJSON()` (a StateNode definition) that a diagram needs. */
export interface StateNodeJson {
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  initial?: { target?: unknown[] };
  states?: Record<string, StateNodeJson>;
  transitions?: TransitionJson[];
  always?: TransitionJson[];
}

export interface TransitionJson {
  /** '#id' strings (JSON) or StateNode objects (a live definition). */
  target?: unknown[];
  eventType: string;
  delay?: number | string;
  /** A named guard ('name' or { type }), or an inline function (its name is printed). */
  guard?: unknown;
}

export interface DiagramOptions {
  /** Draw states down to this nesting depth (1 = top-level states only); deeper ones fold into their ancestor. */
  depth?: number;
}

/**
 * One drawn transition: its owner, its target (the owner itself for a targetless one, drawn as a loop) and its label.
 */
export interface DiagramEdge {
  from: StateNodeJson;
  to: StateNodeJson;
  label: string;
}

interface LiveNode {
  id: string;
  states?: Record<string, LiveNode>;
  always?: { target?: unknown[]; guard?: unknown }[];
}

/**
 * A guard's printed name: the named guard, an inline function's name (or 'guard'), `not(a)` / `and(a, b)` for
 * combinators.
 */
export function guardName(g: unknown): string | undefined {
  if (g === undefined || g === null) return undefined;
  if (typeof g === 'string') return g;
  if (typeof g === 'function') {
    const inner = (g as { guards?: unknown[] }).guards;
    const name = g.name || 'guard';
    return Array.isArray(inner) ? `${name}(${inner.map((x) => guardName(x) ?? 'guard').join(', ')})` : name;
  }
  if (typeof g === 'object' && typeof (g as { type?: unknown }).type === 'string') return (g as { type: string }).type;
  return 'guard';
}

/** `toJSON()` leaves out eventless (`always`) transitions: copy them from the live state nodes. */
function addAlways(json: StateNodeJson, live: LiveNode | undefined): void {
  if (!live) return;
  if (live.always?.length)
    json.always = live.always.map((t) => ({ eventType: '', target: t.target ?? [], guard: t.guard }));
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

/**
 * 'done' / 'error' of an invoked actor; XState's generated IDs ('0.client.online.x') say nothing, so they are left out.
 */
function invokeLabel(kind: string, id: string): string {
  return /^\d+\./.test(id) ? kind : `${kind} ${id}`;
}

/** The event part of a label: the event type, `after <delay>`, `always`, `done`/`error` of an invoked actor. */
export function eventName(t: TransitionJson): string {
  if (t.delay !== undefined) return typeof t.delay === 'number' ? `after ${t.delay}ms` : `after ${t.delay}`;
  if (t.eventType === '' || t.eventType === undefined || t.eventType === null) return 'always';
  if (t.eventType.startsWith('xstate.done.actor.'))
    return invokeLabel('done', t.eventType.slice('xstate.done.actor.'.length));
  if (t.eventType.startsWith('xstate.error.actor.'))
    return invokeLabel('error', t.eventType.slice('xstate.error.actor.'.length));
  if (t.eventType.startsWith('xstate.done.state.')) return 'done';
  return t.eventType;
}

function edgeLabel(t: TransitionJson): string {
  const g = guardName(t.guard);
  return g ? `${eventName(t)} [${g}]` : eventName(t);
}

/** A transition target as its state ID: toJSON() gives '#id' strings, or StateNode objects in some places. */
function targetId(tg: unknown): string {
  return (typeof tg === 'string' ? tg : String((tg as { id?: string }).id ?? '')).replace(/^#/, '');
}

/** Every transition of the chart, once, from the state that owns it (the root's included); targetless ones loop. */
export function chartEdges(root: StateNodeJson): DiagramEdge[] {
  const byId = new Map(allNodes(root).map((n) => [n.id, n]));
  const out: DiagramEdge[] = [];
  for (const n of byId.values()) {
    for (const t of [...(n.transitions ?? []), ...(n.always ?? []).map((a) => ({ ...a, eventType: '' }))]) {
      const label = edgeLabel(t);
      for (const tg of t.target?.length ? t.target : [n]) {
        const to = byId.get(targetId(tg));
        if (to) out.push({ from: n, to, label });
      }
    }
  }
  return out;
}

function depthOf(n: StateNodeJson, root: StateNodeJson): number {
  return n === root ? 0 : n.id.split('.').length - root.id.split('.').length;
}

/**
 * What a diagram draws: the visible states (children cut at the depth) and the edges lifted onto them, deduplicated.
 */
interface View {
  root: StateNodeJson;
  kids(n: StateNodeJson): StateNodeJson[];
  /** A compound state drawn as one box because of the depth. */
  folded(n: StateNodeJson): boolean;
  edges: DiagramEdge[];
  initialOf(n: StateNodeJson): StateNodeJson | undefined;
}

function view(machine: { toJSON(): unknown } | StateNodeJson, opts: DiagramOptions): View {
  const root = machineJson(machine);
  const max = opts.depth && opts.depth > 0 ? opts.depth : Infinity;
  const parent = new Map<StateNodeJson, StateNodeJson>();
  for (const n of allNodes(root)) for (const c of children(n)) parent.set(c, n);
  const lift = (n: StateNodeJson): StateNodeJson => {
    let x = n;
    while (depthOf(x, root) > max) x = parent.get(x)!;
    return x;
  };
  const seen = new Set<string>();
  const edges: DiagramEdge[] = [];
  for (const e of chartEdges(root)) {
    const from = lift(e.from);
    const to = lift(e.to);
    // a transition between states folded into the same box is inside it: not drawn at this depth
    if (to === from && (from !== e.from || e.to !== e.from)) continue;
    const key = `${from.id}\u0000${to.id}\u0000${e.label}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ from, to, label: e.label });
  }
  const byId = new Map(allNodes(root).map((n) => [n.id, n]));
  return {
    root,
    kids: (n) => (depthOf(n, root) >= max ? [] : children(n)),
    folded: (n) => depthOf(n, root) >= max && children(n).length > 0,
    edges,
    initialOf: (n) => {
      const tg = n.initial?.target?.[0];
      const init = tg === undefined ? undefined : byId.get(targetId(tg));
      return init ? lift(init) : undefined;
    },
  };
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

/** The marker transitions of the machine's root start from: they apply in any state. */
const ANY_STATE = 'any state';

/**
 * Mermaid `stateDiagram-v2` text: nested states as composite states, initial `[*] -->`, finals `--> [*]`, labelled
 * transitions; the root's transitions start from an `any state` state.
 */
export function toMermaid(machine: { toJSON(): unknown } | StateNodeJson, opts: DiagramOptions = {}): string {
  const v = view(machine, opts);
  const ids = idMap(v.root);
  const anyId = '__any';
  const lines = ['stateDiagram-v2'];
  const emit = (n: StateNodeJson, depth: number): void => {
    const pad = '  '.repeat(depth);
    const init = v.initialOf(n);
    if (init && n.type !== 'parallel' && v.kids(n).length) lines.push(`${pad}[*] --> ${ids.get(init)}`);
    const kids = v.kids(n);
    kids.forEach((c, i) => {
      const id = ids.get(c)!;
      if (id !== c.key || v.folded(c)) lines.push(`${pad}${id} : ${mermaidLabel(c.key)}${v.folded(c) ? ' …' : ''}`);
      if (v.kids(c).length) {
        lines.push(`${pad}state ${id} {`);
        emit(c, depth + 1);
        lines.push(`${pad}}`);
      }
      if (c.type === 'final') lines.push(`${pad}${id} --> [*]`);
      if (n.type === 'parallel' && i < kids.length - 1) lines.push(`${pad}--`);
    });
    for (const e of v.edges) {
      // an edge is drawn at the level of its source state's parent
      if (e.from === v.root || !kids.includes(e.from)) continue;
      lines.push(`${pad}${ids.get(e.from)} --> ${ids.get(e.to)} : ${mermaidLabel(e.label)}`);
    }
  };
  emit(v.root, 1);
  const rootEdges = v.edges.filter((e) => e.from === v.root);
  if (rootEdges.length) lines.push(`  ${anyId} : ${ANY_STATE}`);
  for (const e of rootEdges)
    lines.push(`  ${anyId} --> ${e.to !== v.root ? ids.get(e.to) : anyId} : ${mermaidLabel(e.label)}`);
  return lines.join('\n') + '\n';
}

function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The DOT/SVG id of a state's node or cluster (the live page marks active states by it). */
export function stateDomId(stateId: string): string {
  return `state:${stateId}`;
}

function isInside(n: StateNodeJson, ancestor: StateNodeJson): boolean {
  return n !== ancestor && n.id.startsWith(`${ancestor.id}.`);
}

/**
 * Graphviz DOT (top to bottom). Node names are the full state IDs. Atomic states are rounded boxes (finals doubled),
 * compound states clusters with an initial dot; a compound state's own transitions leave its cluster border (from an
 * invisible anchor node named after the state), or, when they stay inside it, start from a dashed `any state` box in
 * the cluster (named `any:<state id>`).
 * The root's transitions start from a dashed `any state` box named after the root. Targetless transitions are loops.
 * Transitions between the same two states share one arrow whose label has one line per transition.
 */
export function toDot(machine: { toJSON(): unknown } | StateNodeJson, opts: DiagramOptions = {}): string {
  const v = view(machine, opts);
  const { root } = v;
  const cluster = (n: StateNodeJson): boolean => v.kids(n).length > 0;
  // A transition of a compound state that stays inside it starts from the cluster's `any state` box.
  const inner = (e: DiagramEdge): boolean =>
    cluster(e.from) && e.from !== root && (e.to === e.from || isInside(e.to, e.from));
  const anyBoxOf = new Set(v.edges.filter(inner).map((e) => e.from));
  const anyBox = (pad: string, name: string, id: string): string =>
    `${pad}${q(name)} [id=${q(id)}, label=${q(ANY_STATE)}, style="dashed,rounded", fontsize=10, fontcolor="#555555", color="#888888"];`;
  const lines = [
    `digraph ${q(root.id)} {`,
    '  compound=true; rankdir=TB; nodesep=0.3; ranksep=0.45; fontname="Helvetica";',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=12]; edge [fontname="Helvetica", fontsize=9, color="#444444"];',
  ];
  const emit = (n: StateNodeJson, depth: number): void => {
    const pad = '  '.repeat(depth);
    const init = v.initialOf(n);
    if (init && n.type !== 'parallel') {
      const point = `__init:${n.id}`;
      lines.push(`${pad}${q(point)} [shape=point, width=0.12, label=""];`);
      lines.push(`${pad}${q(point)} -> ${q(init.id)}${cluster(init) ? ` [lhead=${q('cluster:' + init.id)}]` : ''};`);
    }
    if (n !== root && cluster(n)) {
      lines.push(`${pad}${q(n.id)} [shape=point, style=invis, width=0.01, height=0.01, label=""];`);
      if (anyBoxOf.has(n)) lines.push(anyBox(pad, `any:${n.id}`, `any:${n.id}`));
    }
    for (const c of v.kids(n)) {
      if (cluster(c)) {
        lines.push(`${pad}subgraph ${q('cluster:' + c.id)} {`);
        lines.push(
          `${pad}  id=${q(stateDomId(c.id))}; label=${q(c.key + (c.type === 'parallel' ? ' (parallel)' : ''))}; style=rounded; color="#666666";`,
        );
        emit(c, depth + 1);
        lines.push(`${pad}}`);
      } else {
        const attrs = [`id=${q(stateDomId(c.id))}`, `label=${q(c.key + (v.folded(c) ? ' …' : ''))}`];
        if (c.type === 'final') attrs.push('peripheries=2');
        if (v.folded(c)) attrs.push('style="rounded,bold"');
        lines.push(`${pad}${q(c.id)} [${attrs.join(', ')}];`);
      }
    }
  };
  if (v.edges.some((e) => e.from === root)) lines.push(anyBox('  ', root.id, `any:${root.id}`));
  emit(root, 1);
  // transitions between the same two states share one arrow, one label line each
  const merged = new Map<string, DiagramEdge & { labels: string[] }>();
  for (const e of v.edges) {
    const key = `${inner(e) ? 'any:' : ''}${e.from.id}\u0000${e.to.id}`;
    const m = merged.get(key);
    if (m) m.labels.push(e.label);
    else merged.set(key, { ...e, labels: [e.label] });
  }
  for (const e of merged.values()) {
    const { to } = e;
    const attrs = [`label="${e.labels.map((l) => q(l).slice(1, -1)).join('\\n')}"`];
    if (cluster(e.from) && e.from !== root && to !== e.from && !isInside(to, e.from))
      attrs.push(`ltail=${q('cluster:' + e.from.id)}`);
    if (cluster(to) && to !== root && to !== e.from && !isInside(e.from, to))
      attrs.push(`lhead=${q('cluster:' + to.id)}`);
    lines.push(`  ${q(inner(e) ? `any:${e.from.id}` : e.from.id)} -> ${q(to.id)} [${attrs.join(', ')}];`);
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

export async function renderDiagram(
  machine: { toJSON(): unknown } | StateNodeJson,
  format: DiagramFormat,
  opts: DiagramOptions = {},
): Promise<string> {
  if (format === 'mermaid') return toMermaid(machine, opts);
  const dot = toDot(machine, opts);
  return format === 'dot' ? dot : dotToSvg(dot);
}
