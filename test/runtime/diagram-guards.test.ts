// diagram-guards.test.ts: every guard of the client, modem, GNSS, meter and firmware machines is named, and the
// diagrams show each name.
import test from 'ava';
import { toMermaid } from '../../src/runtime/diagram.js';
import { clientMachine } from '../../src/client/machine.js';
import { modemMachine } from '../../src/modem/machine.js';
import { meterMachine } from '../../src/meter/machine.js';
import { firmwareMachine } from '../../src/firmware/machine.js';
import { gnssMachine } from '../../src/modem/gnss/machine.js';

interface Node {
  key: string;
  transitions: Map<string, { guard?: unknown }[]>;
  always?: { guard?: unknown }[];
  states: Record<string, Node>;
}

/** Transitions whose guard is a function written in place (no name a diagram could show). */
function inlineGuards(node: Node, path = ''): string[] {
  const here = `${path}/${node.key}`;
  const out: string[] = [];
  for (const [ev, ts] of node.transitions)
    for (const tr of ts) if (typeof tr.guard === 'function') out.push(`${here} on ${ev}`);
  for (const tr of node.always ?? []) if (typeof tr.guard === 'function') out.push(`${here} always`);
  for (const child of Object.values(node.states)) out.push(...inlineGuards(child, here));
  return out;
}

const machines = {
  client: clientMachine,
  modem: modemMachine,
  gnss: gnssMachine,
  meter: meterMachine,
  firmware: firmwareMachine,
};

for (const [name, machine] of Object.entries(machines)) {
  test(`${name}: the diagram labels only named guards, and every named guard is used`, (t) => {
    t.deepEqual(inlineGuards(machine.root as unknown as Node), [], 'transitions with an inline guard');
    const declared = Object.keys((machine.implementations as { guards: Record<string, unknown> }).guards).sort();
    const shown = [...new Set([...toMermaid(machine).matchAll(/\[([^\]*]+)\]$/gm)].map((m) => m[1]))].sort();
    t.deepEqual(
      shown.filter((g) => !declared.includes(g)),
      [],
      'inline guards (no name in setup) in the diagram',
    );
    t.deepEqual(
      declared.filter((g) => !shown.includes(g)),
      [],
      'guards declared in setup but on no transition',
    );
  });
}
