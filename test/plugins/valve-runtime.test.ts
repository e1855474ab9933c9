// valve-runtime.test.ts: the valve plugin in the real runtime: the server's On/Off write moves the simulated relay
// line; with no server reachable, a leak from the (simulated) meter closes the valve.
import test from 'ava';
import { pollUntil } from '../support/poll.js';
import { startDevServer } from '../../src/devserver/index.js';
import { RuntimeChild } from './support/child.js';

interface ValveStatus {
  open: boolean;
  relay: boolean | undefined;
  feedback: boolean | undefined;
  faults: number;
  leakActive: boolean;
  leakClosures: number;
  pendingReports: number;
}

test('server writes /3306/0/5850 → the simulated relay line follows; a stuck valve is reported in /3/0/11', async (t) => {
  const s = await startDevServer({
    port: 0,
    types: { 3306: { 5850: ['boolean', false], 5852: ['integer', false], 5750: ['string', false] } },
  });
  const rt = new RuntimeChild({
    endpoint: 'valve-1',
    server: `coap://127.0.0.1:${s.port}`,
    plugins: {
      enabled: ['valve'],
      config: {
        valve: {
          gpio: { kind: 'simulated', chip: 'relay', line: 5 },
          feedback: { kind: 'simulated', chip: 'relay', line: 6 },
          settleMs: 300,
          leakRule: { enabled: false },
        },
      },
    },
  });
  t.teardown(async () => {
    await rt.stop();
    await s.close();
  });
  const reg = await rt.explain(s.waitFor('register', (r) => r.endpoint === 'valve-1', 30_000));
  t.true(reg.links.some((l) => l.target === '/3306/0'));
  t.like(await rt.request<ValveStatus>('object:3306', { type: 'valve.status' }), { open: false, relay: false });
  t.is((await s.read('valve-1', '/3306/0/5850')).records?.[0]?.value, false);

  t.is((await s.write('valve-1', '/3306/0/5850', true)).code, '2.04');
  t.like(await rt.request<ValveStatus>('object:3306', { type: 'valve.status' }), {
    open: true,
    relay: true,
    feedback: true,
  });
  t.is((await s.read('valve-1', '/3306/0/5850')).records?.[0]?.value, true);
  t.is((await s.write('valve-1', '/3306/0/5850', false)).code, '2.04');
  t.like(await rt.request<ValveStatus>('object:3306', { type: 'valve.status' }), {
    open: false,
    relay: false,
    faults: 0,
  });

  // stuck closed: open → after settleMs the fault shows in /3/0/11 and a Send reports it
  await rt.request('object:3306', { type: 'valve.simulate-feedback', value: false });
  const sent = s.waitFor('send', (e) => e.records.some((r) => r.path.join('/').startsWith('3/0/11')), 10_000);
  t.is((await s.write('valve-1', '/3306/0/5850', true)).code, '2.04');
  const ev = await sent;
  t.true(
    ev.records.some((r) => r.path.join('/').startsWith('3/0/11/') && r.value === 8),
    JSON.stringify(ev.records),
  );
  t.true(
    ev.records.some((r) => r.path.join('/') === '3306/0/5850' && r.value === true),
    JSON.stringify(ev.records),
  );
  t.like(await rt.request<ValveStatus>('object:3306', { type: 'valve.status' }), { faults: 1 });
});

test('leak rule with the network down: the simulated meter detects a leak, the valve closes with no server at all', async (t) => {
  const rt = new RuntimeChild({
    endpoint: 'valve-offline',
    server: 'coap://127.0.0.1:9', // nothing listens: never registered
    meter: {
      source: { kind: 'simulated', dailyM3: 0, leakLph: 3600, tickMs: 50 },
      readingIntervalS: 1,
      leak: { suspectedAfterS: 1, detectedAfterS: 2, quietGapS: 60, nightMinFlowLph: 0 },
    },
    plugins: {
      enabled: ['valve'],
      config: {
        valve: {
          gpio: { kind: 'simulated', chip: 'relay', line: 5 },
          leakRule: { enabled: true, on: 'detected', pollMs: 200 },
        },
      },
    },
  });
  t.teardown(async () => {
    await rt.stop();
  });
  await rt.waitFor((l) => l === 'STARTED', 30_000);
  // a local write (not from a server) opens the valve, as a button or schedule would
  const opened = await rt.request<{ code: string }>('object:3306', {
    type: 'object.request',
    op: 'write-records',
    path: [3306, 0, 5850],
    records: [{ path: [3306, 0, 5850], value: true }],
  });
  t.is(opened.code, '2.04');
  const st = await pollUntil(
    () => rt.request<ValveStatus>('object:3306', { type: 'valve.status' }),
    (v) => v.leakClosures > 0,
    30_000,
  );
  t.like(st, { open: false, relay: false, leakActive: true, leakClosures: 1 });
  t.true(st.pendingReports > 0, 'the report waits for a registration');
  await rt.waitFor((l) => l.includes('VALVE_LEAK_CLOSED'));
  t.false(
    rt.lines.some((l) => l.includes('"registered"')),
    'never registered',
  );
});
