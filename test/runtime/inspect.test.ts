// inspect.test.ts: inspection events from two workers arrive with distinct, prefixed actor IDs, and reach a WebSocket
// client.
import test from 'ava';
import { WebSocket } from 'ws';
import { Runtime } from '../../src/runtime/runtime.js';
import { startInspectServer } from '../../src/runtime/inspect-server.js';
import { prefixInspectionEvent } from '../../src/runtime/inspect-relay.js';
import { fixture, supervisor, tmpState } from './helpers.js';
import { immediateClock } from '../support/sim-timers.js';
import { waitFor } from '../support/poll.js';

test('prefixing rewrites every ID field', (t) => {
  const ev = prefixInspectionEvent(
    JSON.stringify({ type: '@xstate.event', sessionId: 'x:0', rootId: 'x:0', sourceId: 'x:1' }),
    'a.0',
  );
  t.deepEqual(ev, { type: '@xstate.event', sessionId: 'a.0/x:0', rootId: 'a.0/x:0', sourceId: 'a.0/x:1' });
  t.is(prefixInspectionEvent('not json', 'a'), undefined);
});

test('two workers (startMachine and ctx.inspect): events arrive with distinct actor IDs and are streamed over WebSocket', async (t) => {
  const rt = new Runtime({
    actors: [
      { name: 'left', moduleUrl: fixture('toggle.actor') },
      { name: 'right', moduleUrl: fixture('toggle.actor'), options: { manual: true } },
    ],
    placement: 'per-actor',
    supervisor,
    stateDir: tmpState(),
    clock: immediateClock(),
    logLevel: 'silent',
    inspect: true,
  });
  const server = await startInspectServer({ host: '127.0.0.1', port: 0 });
  const events: Record<string, unknown>[] = [];
  rt.on('inspection', (ev: Record<string, unknown>) => {
    events.push(ev);
    server.publish(ev);
  });
  const ws = new WebSocket(server.wsUrl);
  const received: Record<string, unknown>[] = [];
  ws.on('message', (d: Buffer) => received.push(JSON.parse(d.toString()) as Record<string, unknown>));
  await new Promise((r) => ws.once('open', r));
  try {
    await rt.start();
    t.is(await rt.request('left', { type: 'toggle' }), 'on');
    t.is(await rt.request('right', { type: 'toggle' }), 'on');
    await waitFor(() => received.filter((e) => e.type === '@xstate.snapshot').length >= 4, {
      timeoutMs: 2000,
      what: '4 snapshots at the inspector',
    });
    const actors = events.filter((e) => e.type === '@xstate.actor');
    const ids = new Set(actors.map((e) => e.sessionId));
    t.is(actors.length, 2);
    t.is(ids.size, 2, 'worker-local session IDs collide unless prefixed');
    t.true([...ids].some((id) => String(id).startsWith('left.0/')));
    t.true([...ids].some((id) => String(id).startsWith('right.0/')));
    const snaps = received.filter((e) => e.type === '@xstate.snapshot');
    t.true(snaps.length >= 4);
    for (const side of ['left', 'right']) {
      t.true(
        snaps.some(
          (e) => String(e.sessionId).startsWith(`${side}.0/`) && (e.snapshot as { value?: unknown }).value === 'on',
        ),
        side,
      );
    }
  } finally {
    ws.close();
    await rt.stop();
    await server.close();
  }
});
