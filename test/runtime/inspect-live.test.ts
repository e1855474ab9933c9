// inspect-live.test.ts: the page's view of the stream (root machines, latest state, restarts) and the server's routes
// (page, SSE replay, SVG, Stately bridge).
import test from 'ava';
import { LiveCharts } from '../../src/runtime/inspect-live.js';
import { startInspectServer } from '../../src/runtime/inspect-server.js';

const actorEv = (session: string, id: string, parentId?: string): Record<string, unknown> => ({
  type: '@xstate.actor',
  sessionId: session,
  name: `x:${id}`,
  definition: JSON.stringify({ id, initial: 'a', states: { a: {}, b: {} } }),
  snapshot: { value: 'a', status: 'active' },
  ...(parentId ? { parentId } : {}),
});
const snapEv = (session: string, value: unknown): Record<string, unknown> => ({
  type: '@xstate.snapshot',
  sessionId: session,
  snapshot: { value, status: 'active' },
});

test('root machines only, their latest state, and a restarted actor replaces its old generation', (t) => {
  const live = new LiveCharts();
  t.deepEqual(live.take(actorEv('client.0/x:0', 'client')), {
    k: 'actor',
    session: 'client.0/x:0',
    actor: 'client',
    machine: 'client',
  });
  t.is(live.take(actorEv('client.0/x:1', 'child', 'client.0/x:0')), undefined, 'an invoked child is not a chart');
  t.is(live.take(snapEv('client.0/x:1', 'x')), undefined);
  live.take(snapEv('client.0/x:0', 'b'));
  live.take({ type: '@xstate.event', sessionId: 'client.0/x:0', event: { type: 'go', n: 1 }, createdAt: '5' });
  t.deepEqual(live.replay(), [
    { k: 'actor', session: 'client.0/x:0', actor: 'client', machine: 'client' },
    { k: 'state', session: 'client.0/x:0', value: 'b', status: 'active' },
    { k: 'event', session: 'client.0/x:0', actor: 'client', type: 'go', at: 5, detail: '{"n":1}' },
  ]);
  live.take(actorEv('client.1/x:0', 'client'));
  t.deepEqual(
    live.replay().filter((m) => m.k !== 'event'),
    [
      { k: 'actor', session: 'client.1/x:0', actor: 'client', machine: 'client' },
      { k: 'state', session: 'client.1/x:0', value: 'a', status: 'active' },
    ],
  );
  t.deepEqual(live.session('client.1/x:0')?.machineId, 'client');
  t.is(live.session('client.0/x:0'), undefined);
});

test('routes: the local page, SSE with the replay, the SVG of a session, the Stately bridge with a relative WebSocket URL', async (t) => {
  const asked: string[] = [];
  const server = await startInspectServer({
    host: '127.0.0.1',
    port: 0,
    charts: async (req) => {
      asked.push(`${req.actor}/${req.machineId}`);
      return '<svg id="x"></svg>';
    },
  });
  try {
    server.publish(actorEv('meter.0/x:0', 'meter'));
    const page = await (await fetch(server.pageUrl)).text();
    t.regex(page, /EventSource\('events'\)/);
    t.notRegex(page, /(src|href)="(https?:)?\/\//, 'no external asset');
    const svg = await fetch(`${server.pageUrl}chart?session=${encodeURIComponent('meter.0/x:0')}`);
    t.is(svg.status, 200);
    t.is(await svg.text(), '<svg id="x"></svg>');
    t.deepEqual(asked, ['meter/meter']);
    t.is((await fetch(`${server.pageUrl}chart?session=nope`)).status, 404);
    const bridge = await (await fetch(server.statelyUrl)).text();
    t.regex(bridge, /src="https:\/\/stately\.ai\/inspect"/);
    t.notRegex(bridge, /ws:\/\/127/, 'the WebSocket URL comes from the page location (tunnels)');
    // SSE: the replay arrives first, then live messages
    const ac = new AbortController();
    const res = await fetch(`${server.pageUrl}events`, { signal: ac.signal });
    const reader = res.body!.getReader();
    let text = '';
    const until = async (s: string): Promise<void> => {
      while (!text.includes(s)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await until('"k":"state"');
    t.regex(text, /"k":"actor","session":"meter\.0\/x:0","actor":"meter","machine":"meter"/);
    server.publish(snapEv('meter.0/x:0', 'b'));
    await until('"value":"b"');
    ac.abort();
  } finally {
    await server.close();
  }
});
