// diagram.test.ts: Mermaid and DOT from a sample machine; DOT renders to SVG with graphviz wasm.
import test from 'ava';
import { toDot, toMermaid, dotToSvg } from '../../src/runtime/diagram.js';
import { sampleMachine } from './fixtures/sample-machine.js';

test('Mermaid has the states, the nesting, initial/final markers and labelled transitions', (t) => {
  const m = toMermaid(sampleMachine);
  t.true(m.startsWith('stateDiagram-v2\n'));
  const lines = m.split('\n').map((l) => l.trim());
  for (const l of [
    '[*] --> idle',
    'idle --> registering : START',
    'state registering {',
    '[*] --> sending',
    'sending --> waiting : NACK',
    'sending --> registered : ACK',
    'waiting --> sending : after retryDelay [canRetry]',
    'registering --> idle : STOP',
    'registered --> registering : after 5000ms',
    'registered --> done : DEREGISTER',
    'done --> [*]',
  ])
    t.true(lines.includes(l), `missing: ${l}\n${m}`);
});

test('DOT has clusters for compound states and renders to SVG offline', async (t) => {
  const dot = toDot(sampleMachine);
  t.regex(dot, /subgraph "cluster:client\.registering"/);
  t.regex(dot, /"client\.idle" -> "client\.registering" \[label="START", lhead="cluster:client\.registering"\]/);
  t.regex(dot, /"client\.registering" -> "client\.idle" \[label="STOP", ltail="cluster:client\.registering"\]/);
  t.regex(
    dot,
    /"client\.registering\.waiting" -> "client\.registering\.sending" \[label="after retryDelay \[canRetry\]"\]/,
  );
  t.regex(dot, /"client\.done" \[id="state:client\.done", label="done", peripheries=2\]/);
  const svg = await dotToSvg(dot);
  t.regex(svg, /<svg[\s\S]*<\/svg>/);
  for (const s of ['idle', 'registering', 'sending', 'waiting', 'registered', 'START', 'after 5000ms'])
    t.true(svg.includes(`>${s}<`), s);
});

test('invoked actors: done/error labelled, with the invoke id only when it was named', async (t) => {
  const { setup, fromPromise } = await import('xstate');
  const m = setup({ actors: { job: fromPromise(async () => 1) } }).createMachine({
    id: 'm',
    initial: 'a',
    states: {
      a: { invoke: { src: 'job', onDone: 'b', onError: 'c' } },
      b: { invoke: { id: 'fetch', src: 'job', onDone: 'c' } },
      c: { always: 'a' },
    },
  });
  const lines = toMermaid(m)
    .split('\n')
    .map((l) => l.trim());
  t.true(lines.includes('a --> b : done'));
  t.true(lines.includes('a --> c : error'));
  t.true(lines.includes('b --> c : done fetch'));
  t.true(lines.includes('c --> a : always'));
});
