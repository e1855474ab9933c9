// diagram-faithful.test.ts: the DOT edges of every built-in machine equal the transitions found by walking machine.root
// (root, always, after, guards), and --depth folds them.
import test from 'ava';
import type { AnyStateMachine } from 'xstate';
import clientActor from '../../src/actors/client.actor.js';
import modemActor from '../../src/actors/modem.actor.js';
import meterActor from '../../src/actors/meter.actor.js';
import firmwareActor from '../../src/actors/firmware.actor.js';
import socketActor from '../../src/actors/socket.actor.js';
import objectActor from '../../src/actors/object.actor.js';
import { toDot, dotToSvg } from '../../src/runtime/diagram.js';

interface Node {
  id: string;
  states: Record<string, Node>;
  transitions: Map<string, Transition[]>;
  always?: Transition[];
  after: Transition[];
}
interface Transition {
  eventType: string;
  delay?: number | string;
  guard?: unknown;
  target?: { id: string }[];
}

const MACHINES: Record<string, AnyStateMachine | undefined> = {
  client: clientActor.machine,
  modem: modemActor.machine,
  meter: meterActor.machine,
  firmware: firmwareActor.machine,
  socket: socketActor.machine,
  object: objectActor.machine,
};

/** The test's own reading of a transition's event and guard (not the renderer's code). */
function expectedLabel(t: Transition): string {
  let ev: string;
  if (t.delay !== undefined) ev = `after ${t.delay}${typeof t.delay === 'number' ? 'ms' : ''}`;
  else if (!t.eventType) ev = 'always';
  else {
    const m = /^xstate\.(done|error)\.actor\.(.*)$/.exec(t.eventType);
    ev = m
      ? /^\d+\./.test(m[2])
        ? m[1]
        : `${m[1]} ${m[2]}`
      : t.eventType.startsWith('xstate.done.state.')
        ? 'done'
        : t.eventType;
  }
  const g = t.guard;
  const name =
    g === undefined
      ? undefined
      : typeof g === 'string'
        ? g
        : typeof g === 'function'
          ? g.name || 'guard'
          : (g as { type: string }).type;
  return name ? `${ev} [${name}]` : ev;
}

/** Every transition of the machine as 'from -> to : label' (targetless ones loop), walking the live state nodes. */
function machineEdges(m: AnyStateMachine): Set<string> {
  const out = new Set<string>();
  const walk = (n: Node): void => {
    const ts = new Set<Transition>([...[...n.transitions.values()].flat(), ...(n.always ?? []), ...n.after]);
    for (const t of ts)
      for (const to of t.target?.length ? t.target.map((x) => x.id) : [n.id])
        out.add(`${n.id} -> ${to} : ${expectedLabel(t)}`);
    Object.values(n.states).forEach(walk);
  };
  walk(m.root as unknown as Node);
  return out;
}

/** The transitions a DOT text draws (initial-state arrows left out): one per label line of each arrow. */
function dotEdges(dot: string): string[] {
  const out: string[] = [];
  for (const line of dot.split('\n')) {
    const m = /^\s*"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)" \[label="((?:[^"\\]|\\.)*)"/.exec(line);
    if (!m || m[1].startsWith('__init:')) continue;
    // one label line per transition
    // a compound state's transitions into itself start from its `any:<id>` box
    const from = m[1].replace(/^any:/, '');
    for (const label of m[3].split('\\n')) out.push(`${from} -> ${m[2]} : ${label.replace(/\\(.)/g, '$1')}`);
  }
  return out;
}

for (const [name, machine] of Object.entries(MACHINES)) {
  test(`${name}: every transition of the definition is drawn once, from its owner, with event and guard`, (t) => {
    if (!machine) return t.fail(`${name} actor exports no machine`);
    const drawn = dotEdges(toDot(machine));
    const expected = machineEdges(machine);
    t.true(expected.size > 0);
    t.deepEqual([...new Set(drawn)].sort(), [...expected].sort());
    t.is(drawn.length, new Set(drawn).size, 'an edge is drawn twice');
  });
}

test('client: the root transitions start from the "any state" box, a compound state\'s own from its cluster border', (t) => {
  const m = MACHINES.client!;
  const dot = toDot(m);
  t.regex(dot, /^ {2}"client" \[id="any:client", label="any state"/m);
  t.regex(dot, /^ {2}"client" -> "client\.deregistering" \[label="client\.shutdown"\];$/m);
  // every transition of a compound state to a state outside it leaves the cluster border (anchor named after the state,
  // ltail)
  let checked = 0;
  const walk = (n: Node): void => {
    const kids = Object.values(n.states);
    if (kids.length && n !== (m.root as unknown as Node)) {
      for (const tr of [...n.transitions.values()].flat()) {
        for (const to of tr.target ?? []) {
          if (to.id === n.id || to.id.startsWith(`${n.id}.`)) continue;
          const line = dot.split('\n').find((l) => l.startsWith(`  "${n.id}" -> "${to.id}" [`));
          t.truthy(line, `${n.id} -> ${to.id}`);
          t.true(line?.includes(`ltail="cluster:${n.id}"`), line);
          checked++;
        }
      }
    }
    kids.forEach(walk);
  };
  walk(m.root as unknown as Node);
  t.true(checked > 0, 'the client has compound states with transitions of their own');
  t.notRegex(dot, /"__init:[^"]*" -> "[^"]*" \[label=/, 'no transition starts from an initial dot');
});

test('client --depth 1: top-level states only, edges lifted onto them and deduplicated, nothing folded draws a loop', (t) => {
  const m = MACHINES.client!;
  const drawn = dotEdges(toDot(m, { depth: 1 }));
  const top = new Set(Object.values((m.root as unknown as Node).states).map((s) => s.id));
  top.add('client');
  for (const e of drawn) {
    const [from, to] = e.split(' : ')[0].split(' -> ');
    t.true(top.has(from) && top.has(to), e);
  }
  t.is(drawn.length, new Set(drawn).size);
  // the full edge set lifted by the test itself: every one of them is drawn, and only they
  const lift = (id: string): string => id.split('.').slice(0, 2).join('.');
  const expected = new Set<string>();
  for (const e of machineEdges(m)) {
    const [ends, label] = e.split(' : ') as [string, string];
    const [from, to] = ends.split(' -> ') as [string, string];
    if (lift(from) === lift(to) && (from !== to || lift(from) !== from)) continue;
    expected.add(`${lift(from)} -> ${lift(to)} : ${label}`);
  }
  t.deepEqual([...new Set(drawn)].sort(), [...expected].sort());
  t.true(drawn.includes('client -> client.deregistering : client.shutdown'));
  t.true(drawn.includes('client.networkError -> client.bootstrapFallback : always [tooManyNetworkFailures]'));
  // a compound top-level state is one box: what happens inside it is not drawn as loops on it
  for (const s of Object.values((m.root as unknown as Node).states).filter((x) => Object.keys(x.states).length)) {
    const own = [...s.transitions.values()].flat().filter((tr) => !tr.target?.length).length;
    t.true(drawn.filter((e) => e.startsWith(`${s.id} -> ${s.id} :`)).length <= own, s.id);
  }
});

test('the SVG names every state node by its ID (the live page marks active states by it)', async (t) => {
  const m = MACHINES.object!;
  const svg = await dotToSvg(toDot(m));
  for (const s of ['starting', 'ready', 'busy', 'stopping', 'stopped'])
    t.regex(svg, new RegExp(`<g id="state:object\\.${s}" class="node"`), s);
});
